// Snapshot validation and compilation: untrusted JSON (from KV or D1) →
// CompiledFlag, or a typed error. Never throws. Compiles everything the hot
// path needs once per snapshot: override map, rule predicates, regexes,
// bucket thresholds, salt.
import { percentToBuckets, rolloutSalt, saltedUnitHasher } from "./bucket";
import { buildOverrideFilter } from "./override-filter";
import { isLive } from "./rollout-machine";
import { compileShadow } from "./shadow/settings";
import { compileOperator, matchesAttribute } from "./operators";
import { priceProblem } from "./llm/price";
import { compileResponse } from "./response-settings";
import { err, ok, type Result } from "./result";
import {
  HASH_VERSION,
  ROLLOUT_STATES,
  SNAPSHOT_SCHEMA_VERSION,
  STAGE_MODES,
  UNIT_KEY_SOURCES,
  VARIANTS,
  type CompiledFlag,
  type CompiledRule,
  type ConstraintMatcher,
  type FlagSnapshot,
  type SegmentSpec,
} from "./types";

export interface SnapshotError {
  code: "invalid_snapshot" | "unsupported_hash_version" | "unsupported_schema_version";
  path: string;
  message: string;
}

/** Salt used for segment percentages when no rollout exists. */
export const STATIC_SALT_SUFFIX = "static";

class Invalid {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function need(condition: boolean, path: string, message: string): asserts condition {
  if (!condition) throw new Invalid(path, message);
}

function checkPercent(value: unknown, path: string): void {
  need(typeof value === "number" && value >= 0 && value <= 100, path, "must be a number 0–100");
}

/**
 * Bindings switchyard itself uses, never an origin: CONTROL would hand user
 * traffic to the admin API; the others are storage, not Workers.
 */
export const RESERVED_BINDINGS: readonly string[] = ["CONTROL", "DB", "SNAPSHOTS", "OUTCOMES"];

function checkOrigin(value: unknown, path: string): void {
  need(isObject(value), path, "must be an object");
  const hasUrl = typeof value.url === "string" && /^https?:\/\//.test(value.url);
  const hasService = typeof value.service === "string" && value.service.length > 0;
  need(hasUrl !== hasService, path, "needs exactly one of an http(s) url or a service binding");
  if (hasService)
    need(
      !RESERVED_BINDINGS.includes(value.service as string),
      `${path}.service`,
      "names a binding switchyard itself uses",
    );
  if (value.model !== undefined)
    need(
      typeof value.model === "string" && value.model.length >= 1 && value.model.length <= 128,
      `${path}.model`,
      "must be a string of 1–128 characters",
    );
  if (value.price !== undefined) {
    const problem = priceProblem(value.price);
    need(problem === null, `${path}.price`, problem ?? "");
  }
}

function compileSegment(segment: unknown, path: string): ConstraintMatcher {
  need(isObject(segment), path, "must be an object");
  const spec = segment as unknown as SegmentSpec;
  need(typeof spec.key === "string", `${path}.key`, "must be a string");
  need(Array.isArray(spec.constraints), `${path}.constraints`, "must be an array");
  const checks = spec.constraints.map((constraint, i) => {
    const at = `${path}.constraints[${i}]`;
    need(isObject(constraint), at, "must be an object");
    need(
      typeof constraint.attribute === "string" && constraint.attribute !== "",
      `${at}.attribute`,
      "must be a non-empty string",
    );
    need(
      Array.isArray(constraint.values) && constraint.values.every((v) => typeof v === "string"),
      `${at}.values`,
      "must be an array of strings",
    );
    const predicate = compileOperator(String(constraint.operator), constraint.values);
    need(typeof predicate !== "string", `${at}.operator`, String(predicate));
    return { attribute: constraint.attribute, predicate };
  });
  const negate = spec.negate === true;
  return (context) => {
    let all = true;
    for (const { attribute, predicate } of checks) {
      const value = attribute === "unitKey" ? context.unitKey : context.attribute(attribute);
      if (!matchesAttribute(predicate, value)) {
        all = false;
        break;
      }
    }
    return all !== negate;
  };
}

function compileRules(rules: unknown): CompiledRule[] {
  need(Array.isArray(rules), "rules", "must be an array");
  const seen = new Set<string>();
  return rules.map((rule, i) => {
    const at = `rules[${i}]`;
    need(isObject(rule), at, "must be an object");
    need(typeof rule.id === "string" && !seen.has(rule.id), `${at}.id`, "must be a unique string");
    seen.add(rule.id);
    const fixed = rule.variant !== undefined;
    need(fixed !== (rule.percent !== undefined), at, "needs exactly one of variant or percent");
    if (fixed) need(VARIANTS.includes(rule.variant as never), `${at}.variant`, "must be blue or green");
    else checkPercent(rule.percent, `${at}.percent`);
    const segment = rule.segment as SegmentSpec;
    return {
      id: rule.id,
      segmentKey: isObject(segment) ? String(segment.key) : "",
      matches: compileSegment(segment, `${at}.segment`),
      variant: fixed ? (rule.variant as CompiledRule["variant"]) : null,
      greenBuckets: fixed ? 0 : percentToBuckets(rule.percent as number),
    };
  });
}

function compileOverrides(overrides: unknown): Map<string, "blue" | "green"> {
  need(isObject(overrides), "overrides", "must be an object of unit key → variant");
  const map = new Map<string, "blue" | "green">();
  for (const unitKey in overrides) {
    const variant = overrides[unitKey];
    need(variant === "blue" || variant === "green", `overrides.${unitKey}`, "must be blue or green");
    map.set(unitKey, variant);
  }
  return map;
}

function checkShape(raw: Json): void {
  need(typeof raw.key === "string" && raw.key !== "", "key", "must be a non-empty string");
  need(Number.isInteger(raw.version), "version", "must be an integer");
  need(typeof raw.killSwitch === "boolean", "killSwitch", "must be a boolean");
  need(
    isObject(raw.route) && typeof raw.route.method === "string" && typeof raw.route.path === "string",
    "route",
    "needs method and path",
  );
  need(isObject(raw.origins), "origins", "must be an object");
  checkOrigin(raw.origins.blue, "origins.blue");
  checkOrigin(raw.origins.green, "origins.green");
  need(Number.isInteger(raw.timeoutMs) && (raw.timeoutMs as number) > 0, "timeoutMs", "must be a positive integer");
  need(typeof raw.failover === "boolean", "failover", "must be a boolean");
  need(
    isObject(raw.unitKey) && UNIT_KEY_SOURCES.includes(raw.unitKey.source as never),
    "unitKey.source",
    "must be header, cookie or jwt_sub",
  );
  need(typeof raw.unitKey.name === "string" && raw.unitKey.name !== "", "unitKey.name", "must be a non-empty string");
  const rollout = raw.rollout;
  if (rollout !== null) {
    need(isObject(rollout), "rollout", "must be an object or null");
    need(typeof rollout.id === "string" && rollout.id !== "", "rollout.id", "must be a non-empty string");
    need(ROLLOUT_STATES.includes(rollout.state as never), "rollout.state", "is not a known state");
    need(STAGE_MODES.includes(rollout.stageMode as never), "rollout.stageMode", "must be shadow or serve");
    need(Number.isInteger(rollout.stageIndex), "rollout.stageIndex", "must be an integer");
    checkPercent(rollout.percent, "rollout.percent");
  }
}

/** Validates untrusted JSON and compiles it for evaluation. */
export function compileSnapshot(raw: unknown): Result<CompiledFlag, SnapshotError> {
  if (!isObject(raw)) return err({ code: "invalid_snapshot", path: "", message: "snapshot must be an object" });
  if (raw.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
    return err({
      code: "unsupported_schema_version",
      path: "schemaVersion",
      message: `expected ${SNAPSHOT_SCHEMA_VERSION}`,
    });
  }
  if (raw.hashVersion !== HASH_VERSION) {
    return err({ code: "unsupported_hash_version", path: "hashVersion", message: `expected ${HASH_VERSION}` });
  }
  try {
    checkShape(raw);
    const snapshot = raw as unknown as FlagSnapshot;
    const rollout = snapshot.rollout;
    const salt = rolloutSalt(snapshot.key, rollout ? rollout.id : STATIC_SALT_SUFFIX);
    const live = rollout !== null && isLive(rollout.state);
    const serving = live && rollout.stageMode === "serve";
    const shadow = compileShadow(snapshot.shadow ?? {});
    if ("message" in shadow) throw new Invalid(shadow.path, shadow.message);
    const response = compileResponse(snapshot.response ?? {});
    if ("message" in response) throw new Invalid(response.path, response.message);
    const mirrorBuckets = !live
      ? 0
      : rollout.stageMode === "shadow"
        ? shadow.sampleBuckets
        : shadow.alwaysSampleBuckets;
    const hashUnit = saltedUnitHasher(salt);
    const overrides = compileOverrides(snapshot.overrides);
    return ok({
      // The wire overrides live on only as the Map: keeping both doubles the memory of every pin.
      snapshot: { ...snapshot, overrides: {} },
      salt,
      hashUnit,
      overrides,
      overrideFilter: buildOverrideFilter(overrides.keys(), overrides.size, hashUnit),
      rules: compileRules(snapshot.rules),
      splitGreenBuckets: serving ? percentToBuckets(rollout.percent) : 0,
      shadow,
      mirrorBuckets,
      hashShadowUnit: saltedUnitHasher(`${snapshot.key}:shadow`),
      response,
    });
  } catch (error) {
    if (error instanceof Invalid) return err({ code: "invalid_snapshot", path: error.path, message: error.message });
    return err({ code: "invalid_snapshot", path: "", message: String(error) });
  }
}
