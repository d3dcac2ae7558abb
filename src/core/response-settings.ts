// A flag's `settings.response`: what happens to an origin's answer after its
// headers. Two concerns, one section, one home for their defaults and bounds:
// - the body deadline (a body still open then ends as `stream_broken`);
// - the response contract: a JSON Schema (2020-12) every successful answer
//   must satisfy and a JSON path to its prediction, with a sample rate and a
//   byte cap bounding what inspection costs (docs/design/answer-checks.md).
// - the usage format of a chat-completion answer (`usage`: "openai" or
//   "anthropic"), read on every answer, not sampled (docs/design/llm-traffic.md).
// Compiled once per snapshot (the schema validator is built here, never on a
// request); a snapshot whose section is invalid is refused whole. Pure.
import { Validator } from "@cfworker/json-schema";
import { USAGE_FORMATS, type UsageFormat } from "./llm/usage-format";
import { parseJsonPath, type PathStep } from "./shadow/json-path";

export interface ResponseSpec {
  /**
   * Deadline for the whole body, counted from the origin's headers. Generous
   * by default: a streamed answer (e.g. text/event-stream) may run long.
   */
  bodyTimeoutMs: number;
  /** JSON Schema (draft 2020-12) every successful (2xx) answer must satisfy; absent = no contract. */
  schema?: unknown;
  /** JSON path to the predicted value: a label (string/boolean) or a number; absent = no drift check. */
  prediction?: string;
  /** Percent (0–100) of answers inspected; the rest are `not_inspected`. */
  sampleRate: number;
  /** Answers larger than this are `not_inspected` (never invalid); also caps a whole JSON answer read for usage. */
  maxBodyBytes: number;
  /** The chat-completion format whose token usage every answer is read for; absent = not read. */
  usage?: UsageFormat;
}

export const DEFAULT_BODY_TIMEOUT_MS = 300_000;
/** The longest body deadline a flag may set (one hour). */
export const MAX_BODY_TIMEOUT_MS = 3_600_000;
/** Hard ceiling on the inspected copy of a body (the isolate has 128 MB for everything). */
export const MAX_RESPONSE_BODY_BYTES = 4 * 1024 * 1024;
/** A schema is configuration, not data: its serialized size is bounded. */
export const MAX_SCHEMA_BYTES = 64 * 1024;
/** Stored labels and invalid reasons are cut to this many characters (Analytics Engine blobs are small). */
export const MAX_LABEL_CHARS = 64;

export const DEFAULT_RESPONSE: Readonly<ResponseSpec> = Object.freeze({
  bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS,
  sampleRate: 100,
  maxBodyBytes: 256 * 1024,
});

export interface SchemaCheck {
  valid: boolean;
  /** Why not, bounded: the failing keyword and where in the answer. */
  reason: string | null;
}

/** What to inspect in an answer; present only when the flag declares a schema or a prediction path. */
export interface AnswerContract {
  check: ((answer: unknown) => SchemaCheck) | null;
  prediction: PathStep[] | null;
  /** Inspected share in buckets of 100 000 (percent × 1000), compared with a uniform draw. */
  sampleBuckets: number;
  maxBodyBytes: number;
}

export interface CompiledResponse {
  bodyTimeoutMs: number;
  contract: AnswerContract | null;
  /** Usage reading: the declared format and the cap on a whole JSON answer kept for it; null = not declared. */
  usage: { format: UsageFormat; maxBodyBytes: number } | null;
}

type Problem = { path: string; message: string };

const JSON_TYPES = new Set(["null", "boolean", "object", "array", "number", "integer", "string"]);
const KNOWN = new Set(["bodyTimeoutMs", "schema", "prediction", "sampleRate", "maxBodyBytes", "usage"]);

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
    if (
      key === "type" &&
      !(Array.isArray(value) ? value : [value]).every((t) => typeof t === "string" && JSON_TYPES.has(t))
    ) {
      return `${at}/type: ${JSON.stringify(value)} is not a JSON type`;
    }
    // Values under these keywords are data, not schemas.
    if (key !== "enum" && key !== "const" && key !== "examples" && key !== "default") {
      const found = typeProblem(value, `${at}/${key}`);
      if (found) return found;
    }
  }
  return null;
}

/** Builds the validator once; unresolvable `$ref`s and unknown types are refused here, not at request time. */
function compileSchema(schema: unknown): ((answer: unknown) => SchemaCheck) | string {
  if (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null || Array.isArray(schema)))
    return "must be a JSON Schema object or boolean";
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) return `must serialize to at most ${MAX_SCHEMA_BYTES} bytes`;
  const typo = typeProblem(schema, "#");
  if (typo) return typo;
  let validator: Validator;
  try {
    validator = new Validator(schema as object | boolean, "2020-12", true);
    // References resolve lazily: probing a few values surfaces a dangling $ref now.
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

function compileContract(spec: ResponseSpec): AnswerContract | null | Problem {
  let check: AnswerContract["check"] = null;
  if (spec.schema !== undefined) {
    const compiled = compileSchema(spec.schema);
    if (typeof compiled === "string") return { path: "response.schema", message: compiled };
    check = compiled;
  }
  let prediction: PathStep[] | null = null;
  if (spec.prediction !== undefined) {
    const steps = typeof spec.prediction === "string" ? parseJsonPath(spec.prediction) : "must be a JSON path string";
    if (typeof steps === "string") return { path: "response.prediction", message: steps };
    if (steps.some((step) => step.kind === "each"))
      return { path: "response.prediction", message: "must point at one value ([*] is not allowed)" };
    prediction = steps;
  }
  if (check === null && prediction === null) return null;
  return { check, prediction, sampleBuckets: Math.round(spec.sampleRate * 1000), maxBodyBytes: spec.maxBodyBytes };
}

/** Validates a response section (defaults merged) and compiles it, or returns where and why it is wrong. */
export function compileResponse(raw: unknown): CompiledResponse | Problem {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return { path: "response", message: "must be an object" };
  const unknown = Object.keys(raw).find((key) => !KNOWN.has(key));
  if (unknown) return { path: `response.${unknown}`, message: "unknown setting" };
  const spec: ResponseSpec = { ...DEFAULT_RESPONSE, ...(raw as Partial<ResponseSpec>) };
  if (!Number.isInteger(spec.bodyTimeoutMs) || spec.bodyTimeoutMs < 1 || spec.bodyTimeoutMs > MAX_BODY_TIMEOUT_MS) {
    return { path: "response.bodyTimeoutMs", message: `must be an integer 1–${MAX_BODY_TIMEOUT_MS}` };
  }
  if (!percentOk(spec.sampleRate)) return { path: "response.sampleRate", message: "must be 0–100" };
  if (!Number.isInteger(spec.maxBodyBytes) || spec.maxBodyBytes < 1 || spec.maxBodyBytes > MAX_RESPONSE_BODY_BYTES) {
    return { path: "response.maxBodyBytes", message: `must be an integer 1–${MAX_RESPONSE_BODY_BYTES}` };
  }
  if (spec.usage !== undefined && !USAGE_FORMATS.includes(spec.usage))
    return { path: "response.usage", message: `must be one of ${USAGE_FORMATS.join(", ")}` };
  const contract = compileContract(spec);
  if (contract !== null && "message" in contract) return contract;
  const usage = spec.usage === undefined ? null : { format: spec.usage, maxBodyBytes: spec.maxBodyBytes };
  return { bodyTimeoutMs: spec.bodyTimeoutMs, contract, usage };
}

/** What a flag's settings JSON declares about its answers: a schema (invalid_rate), a prediction path (prediction_drift). */
export function declaredAnswerChecks(flagSettings: unknown): { schema: boolean; prediction: boolean } {
  const response = (flagSettings as { response?: { schema?: unknown; prediction?: unknown } } | null)?.response;
  const section = typeof response === "object" && response !== null ? response : {};
  return { schema: section.schema !== undefined, prediction: typeof section.prediction === "string" };
}
