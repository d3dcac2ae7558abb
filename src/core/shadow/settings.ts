// Shadow-mode settings: the one place their defaults live, and their
// validation (a snapshot with an invalid shadow section is refused whole).
import { compileComparator, DEFAULT_COMPARATOR, type Comparator, type ComparatorSpec } from "./comparators";
import { DEFAULT_GUARDS, type GuardSettings } from "../health/settings";
import { parseJsonPath, type PathStep } from "./json-path";

export interface ShadowSpec {
  /** Percent (0–100) of blue-served units mirrored while the stage is `shadow`; sticky per unit. */
  sampleRate: number;
  /** Percent (0–100) of blue-served units mirrored at any other stage (0 = off). */
  alwaysSampleRate: number;
  /** Requests and answers larger than this are not mirrored/compared (counted as skipped_too_large). */
  maxBodyBytes: number;
  /** Green's own timeout for mirrored calls, independent of the flag's. */
  timeoutMs: number;
  comparator: ComparatorSpec;
  /** JSON paths blanked out of stored disagreement examples. */
  redactPaths: string[];
  /** Fraction (0–1) of disagreements kept as examples. */
  exampleRate: number;
  /** Overrides of DEFAULT_SHADOW_THRESHOLDS for the report and the shadow-stage judgement. */
  thresholds?: Partial<ShadowThresholds>;
}

export const DEFAULT_SHADOW: ShadowSpec = {
  sampleRate: 100,
  alwaysSampleRate: 0,
  maxBodyBytes: 256 * 1024,
  timeoutMs: 10_000,
  comparator: DEFAULT_COMPARATOR,
  redactPaths: [],
  exampleRate: 0.1,
};

/** Leaving the shadow stage: the defaults in docs/design/shadow-mode.md, editable per flag. */
export interface ShadowThresholds {
  minAgreement: number;
  maxP95Ratio: number;
  maxErrorRatio: number;
  minSamples: number;
}

/** Agreement, latency and error bars are the health loop's guard defaults: one number, one place. */
export const DEFAULT_SHADOW_THRESHOLDS: ShadowThresholds = {
  minAgreement: DEFAULT_GUARDS.shadowAgreementMin,
  maxP95Ratio: DEFAULT_GUARDS.latencyP95Ratio,
  maxErrorRatio: DEFAULT_GUARDS.errorRateRatio,
  minSamples: 1000,
};

/** A flag's own health guards become its shadow thresholds, unless shadow.thresholds overrides them. */
export function shadowThresholdsFor(
  guards: GuardSettings,
  overrides: Partial<ShadowThresholds> = {},
): ShadowThresholds {
  return {
    minAgreement: guards.shadowAgreementMin,
    maxP95Ratio: guards.latencyP95Ratio,
    maxErrorRatio: guards.errorRateRatio,
    minSamples: DEFAULT_SHADOW_THRESHOLDS.minSamples,
    ...overrides,
  };
}

/** Hard ceiling so a mirror can never push the isolate toward its 128 MB limit. */
export const MAX_SHADOW_BODY_BYTES = 4 * 1024 * 1024;

export interface CompiledShadow {
  spec: ShadowSpec;
  compare: Comparator;
  redact: PathStep[][];
  sampleBuckets: number;
  alwaysSampleBuckets: number;
}

const percentOk = (value: unknown) => typeof value === "number" && value >= 0 && value <= 100;

/** Validates a (defaults-merged) shadow spec and compiles its comparator, or returns a message. */
export function compileShadow(raw: unknown): CompiledShadow | { path: string; message: string } {
  if (typeof raw !== "object" || raw === null) return { path: "shadow", message: "must be an object" };
  const spec = { ...DEFAULT_SHADOW, ...(raw as Partial<ShadowSpec>) };
  if (!percentOk(spec.sampleRate)) return { path: "shadow.sampleRate", message: "must be 0–100" };
  if (!percentOk(spec.alwaysSampleRate)) return { path: "shadow.alwaysSampleRate", message: "must be 0–100" };
  if (!Number.isInteger(spec.maxBodyBytes) || spec.maxBodyBytes < 1 || spec.maxBodyBytes > MAX_SHADOW_BODY_BYTES) {
    return { path: "shadow.maxBodyBytes", message: `must be an integer 1–${MAX_SHADOW_BODY_BYTES}` };
  }
  if (!Number.isInteger(spec.timeoutMs) || spec.timeoutMs < 1)
    return { path: "shadow.timeoutMs", message: "must be a positive integer" };
  if (!(spec.exampleRate >= 0 && spec.exampleRate <= 1)) return { path: "shadow.exampleRate", message: "must be 0–1" };
  if (typeof spec.comparator !== "object" || spec.comparator === null)
    return { path: "shadow.comparator", message: "must be an object" };
  const compare = compileComparator(spec.comparator);
  if (typeof compare === "string") return { path: "shadow.comparator", message: compare };
  const redact: PathStep[][] = [];
  for (const path of Array.isArray(spec.redactPaths) ? spec.redactPaths : [null]) {
    const steps = typeof path === "string" ? parseJsonPath(path) : "must be an array of JSON paths";
    if (typeof steps === "string") return { path: "shadow.redactPaths", message: steps };
    redact.push(steps);
  }
  return {
    spec,
    compare,
    redact,
    sampleBuckets: Math.round(spec.sampleRate * 1000),
    alwaysSampleBuckets: Math.round(spec.alwaysSampleRate * 1000),
  };
}
