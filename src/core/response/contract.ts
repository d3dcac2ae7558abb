// A flag's response contract (`settings.response`): what a successful answer
// must look like (a JSON Schema, 2020-12) and where its prediction sits (a
// JSON path), plus how much inspection may cost (a sample rate and a byte
// cap). The one place its defaults live; compiled once per snapshot (the
// validator is built here, never on a request). A snapshot whose contract is
// invalid is refused whole, like a bad shadow section. docs/design/answer-checks.md
import { Validator } from "@cfworker/json-schema";
import { parseJsonPath, readPath, type PathStep } from "../shadow/json-path";

export interface ResponseSpec {
  /** JSON Schema (draft 2020-12) every successful (2xx) JSON answer must satisfy; absent = no contract. */
  schema?: unknown;
  /** JSON path to the predicted value: a label (string/boolean) or a number; absent = no drift check. */
  prediction?: string;
  /** Percent (0–100) of answers inspected; the rest are `not_inspected`. */
  sampleRate: number;
  /** Answers larger than this are `not_inspected` (never invalid). */
  maxBodyBytes: number;
}

export const DEFAULT_RESPONSE: Readonly<ResponseSpec> = Object.freeze({ sampleRate: 100, maxBodyBytes: 256 * 1024 });

/** Hard ceiling on the inspected copy of a body (the isolate has 128 MB for everything). */
export const MAX_RESPONSE_BODY_BYTES = 4 * 1024 * 1024;
/** A schema is configuration, not data: its serialized size is bounded. */
export const MAX_SCHEMA_BYTES = 64 * 1024;
/** Stored labels and invalid reasons are cut to this many characters (Analytics Engine blobs are small). */
export const MAX_LABEL_CHARS = 64;

const JSON_TYPES = new Set(["null", "boolean", "object", "array", "number", "integer", "string"]);

export interface SchemaCheck {
  valid: boolean;
  /** Why not, bounded: the failing keyword and where in the answer. */
  reason: string | null;
}

export interface CompiledResponse {
  spec: ResponseSpec;
  check: ((answer: unknown) => SchemaCheck) | null;
  prediction: PathStep[] | null;
  /** Inspected share in buckets of 100 000 (percent × 1000), compared with a uniform draw. */
  sampleBuckets: number;
}

type Problem = { path: string; message: string };

/** Every `type` keyword in the schema names a JSON type (the commonest schema typo), or a problem. */
function typeProblem(schema: unknown, at: string): string | null {
  if (Array.isArray(schema)) {
    for (let i = 0; i < schema.length; i++) {
      const found = typeProblem(schema[i], `${at}/${i}`);
      if (found) return found;
    }
    return null;
  }
  if (typeof schema !== "object" || schema === null) return null;
  for (const [key, value] of Object.entries(schema)) {
    if (key === "type" && !(Array.isArray(value) ? value : [value]).every((t) => typeof t === "string" && JSON_TYPES.has(t))) {
      return `${at}/type: ${JSON.stringify(value)} is not a JSON type`;
    }
    if (key !== "enum" && key !== "const" && key !== "examples" && key !== "default") {
      const found = typeProblem(value, `${at}/${key}`);
      if (found) return found;
    }
  }
  return null;
}

/** Builds the validator once; unresolvable `$ref`s and unknown types are refused here, not at request time. */
function compileSchema(schema: unknown): ((answer: unknown) => SchemaCheck) | string {
  if (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null || Array.isArray(schema))) return "must be a JSON Schema object or boolean";
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) return `must serialize to at most ${MAX_SCHEMA_BYTES} bytes`;
  const typo = typeProblem(schema, "#");
  if (typo) return typo;
  let validator: Validator;
  try {
    validator = new Validator(schema as object | boolean, "2020-12", true);
    for (const probe of [null, {}, [], "", 0]) validator.validate(probe);
  } catch (error) {
    return `cannot be compiled: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  }
  return (answer) => {
    const result = validator.validate(answer);
    if (result.valid) return { valid: true, reason: null };
    const deepest = result.errors[result.errors.length - 1];
    const reason = deepest ? `${deepest.keyword} at ${deepest.instanceLocation}` : "schema";
    return { valid: false, reason: reason.slice(0, MAX_LABEL_CHARS) };
  };
}

const percentOk = (value: unknown) => typeof value === "number" && value >= 0 && value <= 100;

/** Validates a flag's `response` section and compiles it; null when the flag declares none. */
export function compileResponse(raw: unknown): CompiledResponse | null | Problem {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "object" || Array.isArray(raw)) return { path: "response", message: "must be an object" };
  const known = new Set(["schema", "prediction", "sampleRate", "maxBodyBytes"]);
  const unknown = Object.keys(raw).find((key) => !known.has(key));
  if (unknown) return { path: `response.${unknown}`, message: "unknown setting" };
  const spec: ResponseSpec = { ...DEFAULT_RESPONSE, ...(raw as Partial<ResponseSpec>) };
  if (!percentOk(spec.sampleRate)) return { path: "response.sampleRate", message: "must be 0–100" };
  if (!Number.isInteger(spec.maxBodyBytes) || spec.maxBodyBytes < 1 || spec.maxBodyBytes > MAX_RESPONSE_BODY_BYTES) {
    return { path: "response.maxBodyBytes", message: `must be an integer 1–${MAX_RESPONSE_BODY_BYTES}` };
  }
  let check: CompiledResponse["check"] = null;
  if (spec.schema !== undefined) {
    const compiled = compileSchema(spec.schema);
    if (typeof compiled === "string") return { path: "response.schema", message: compiled };
    check = compiled;
  }
  let prediction: PathStep[] | null = null;
  if (spec.prediction !== undefined) {
    const steps = typeof spec.prediction === "string" ? parseJsonPath(spec.prediction) : "must be a JSON path string";
    if (typeof steps === "string") return { path: "response.prediction", message: steps };
    if (steps.some((step) => step.kind === "each")) return { path: "response.prediction", message: "must point at one value ([*] is not allowed)" };
    prediction = steps;
  }
  if (check === null && prediction === null) return null;
  return { spec, check, prediction, sampleBuckets: Math.round(spec.sampleRate * 1000) };
}

/** What inspecting one answer found. `not_inspected`: unsampled, too large, unread or not a 2xx. */
export type InspectionState = "valid" | "invalid" | "not_inspected";

export interface Inspection {
  state: InspectionState;
  /** Why invalid (bounded), e.g. "not_json" or "type at #/label". */
  reason: string | null;
  /** A categorical prediction (string or boolean), cut to MAX_LABEL_CHARS. */
  label: string | null;
  /** A numeric prediction (finite numbers only). */
  value: number | null;
}

export const NOT_INSPECTED: Readonly<Inspection> = Object.freeze({ state: "not_inspected", reason: null, label: null, value: null });

/**
 * Judges one complete answer body (already decoded text). Non-JSON is invalid
 * only when a schema is declared; a prediction missing or of the wrong kind
 * is invalid too, since the flag said the answer carries one.
 */
export function inspectAnswer(contract: CompiledResponse, text: string): Inspection {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return { state: "invalid", reason: "not_json", label: null, value: null };
  }
  const checked = contract.check ? contract.check(answer) : { valid: true, reason: null };
  let label: string | null = null;
  let value: number | null = null;
  let predictionProblem: string | null = null;
  if (contract.prediction) {
    const found = readPath(answer, contract.prediction);
    if (typeof found === "number" && Number.isFinite(found)) value = found;
    else if (typeof found === "string") label = found.slice(0, MAX_LABEL_CHARS);
    else if (typeof found === "boolean") label = String(found);
    else predictionProblem = found === undefined ? "prediction_missing" : "prediction_not_scalar";
  }
  const reason = checked.valid ? predictionProblem : checked.reason;
  return { state: reason === null ? "valid" : "invalid", reason, label, value };
}
