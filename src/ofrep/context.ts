// OFREP request body → evaluation input. Pure: no I/O, no clock.
//
// Mapping (documented in the README): `context.targetingKey` is the unit key
// (the sticky hash input, like the proxy path's user id). Every other context
// field is an attribute under its own name; nested objects are flattened with
// dots, so `{ "cf": { "country": "DE" } }` and `{ "cf.country": "DE" }` both
// set `cf.country`. A constraint attribute is looked up by its full name
// first, then by the part after its scope — `cf.country` also reads
// `country`, `header.x-plan` also reads `x-plan` — the same convention as the
// admin API's explain endpoint. Values are strings; numbers and booleans are
// stringified; null is "absent"; arrays are refused (no operator reads them).
import { err, ok, type Result } from "../core/result";
import type { AttributeLookup } from "../core/types";
import type { OfrepFailure } from "./errors";

export const CONTEXT_LIMITS = {
  bodyChars: 64 * 1024,
  attributes: 100,
  depth: 4,
  nameLength: 256,
  valueLength: 1024,
  targetingKeyLength: 256,
} as const;

export interface EvaluationInput {
  targetingKey: string;
  attributes: ReadonlyMap<string, string>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const invalid = (details: string): Result<never, OfrepFailure> => err({ code: "INVALID_CONTEXT", details });

function flatten(
  prefix: string,
  value: Record<string, unknown>,
  depth: number,
  into: Map<string, string>,
): string | null {
  if (depth > CONTEXT_LIMITS.depth) return `context.${prefix} nests deeper than ${CONTEXT_LIMITS.depth} levels`;
  for (const [name, item] of Object.entries(value)) {
    const path = prefix === "" ? name : `${prefix}.${name}`;
    if (path === "targetingKey") continue;
    if (path.length > CONTEXT_LIMITS.nameLength)
      return `context attribute names are at most ${CONTEXT_LIMITS.nameLength} characters`;
    if (item === null || item === undefined) continue;
    if (isObject(item)) {
      const problem = flatten(path, item, depth + 1, into);
      if (problem !== null) return problem;
      continue;
    }
    if (Array.isArray(item)) return `context.${path}: arrays are not supported as attributes`;
    const text = String(item);
    if (text.length > CONTEXT_LIMITS.valueLength)
      return `context.${path} is longer than ${CONTEXT_LIMITS.valueLength} characters`;
    into.set(path, text);
    if (into.size > CONTEXT_LIMITS.attributes) return `at most ${CONTEXT_LIMITS.attributes} context attributes`;
  }
  return null;
}

/** Parses and validates `{ "context": { "targetingKey": …, … } }`. */
export function parseEvaluationRequest(body: string): Result<EvaluationInput, OfrepFailure> {
  if (body.length > CONTEXT_LIMITS.bodyChars)
    return invalid(`request body exceeds ${CONTEXT_LIMITS.bodyChars} characters`);
  let parsed: unknown;
  try {
    // An empty body is an empty request (the protocol makes `context` optional).
    parsed = body.trim() === "" ? {} : JSON.parse(body);
  } catch {
    return err({ code: "PARSE_ERROR", details: "request body is not valid JSON" });
  }
  if (!isObject(parsed)) return err({ code: "PARSE_ERROR", details: "request body must be a JSON object" });
  const context = parsed.context ?? {};
  if (!isObject(context)) return invalid("context must be an object");
  const key = context.targetingKey;
  if (key === undefined || key === null || key === "") {
    return err({
      code: "TARGETING_KEY_MISSING",
      details: "context.targetingKey is required: it is the sticky unit key (e.g. the user id)",
    });
  }
  if (typeof key !== "string") return invalid("context.targetingKey must be a string");
  if (key.length > CONTEXT_LIMITS.targetingKeyLength)
    return invalid(`context.targetingKey is longer than ${CONTEXT_LIMITS.targetingKeyLength} characters`);
  const attributes = new Map<string, string>();
  const problem = flatten("", context, 1, attributes);
  if (problem !== null) return invalid(problem);
  return ok({ targetingKey: key, attributes });
}

/** The attribute lookup evaluateFlag uses: full name, then the part after the scope. */
export function attributeLookup(attributes: ReadonlyMap<string, string>): AttributeLookup {
  return (name) => {
    const exact = attributes.get(name);
    if (exact !== undefined) return exact;
    const dot = name.indexOf(".");
    return dot < 0 ? undefined : attributes.get(name.slice(dot + 1));
  };
}
