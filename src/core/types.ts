// The vocabulary of flag evaluation: snapshot (wire JSON published to KV),
// its compiled in-memory form, request context and evaluation result.
// Pure types only; no runtime code lives here except fixed vocabularies.
import type { OverrideFilter } from "./override-filter";
import type { CompiledShadow, ShadowSpec } from "./shadow/settings";
import type { TokenPrice } from "./llm/price";
import type { CompiledResponse, ResponseSpec } from "./response-settings";

export const VARIANTS = ["blue", "green"] as const;
export type Variant = (typeof VARIANTS)[number];

/** OpenFeature-style public reasons; a small fixed vocabulary. */
export const REASONS = ["KILL_SWITCH", "OVERRIDE", "SEGMENT_MATCH", "SPLIT", "DEFAULT", "ERROR"] as const;
export type Reason = (typeof REASONS)[number];

export const OPERATORS = [
  "in",
  "not_in",
  "eq",
  "neq",
  "starts_with",
  "ends_with",
  "contains",
  "matches",
  "gt",
  "gte",
  "lt",
  "lte",
  "semver_gt",
  "semver_lt",
  "semver_eq",
  "before",
  "after",
  "exists",
  "ip_in_cidr",
] as const;
export type Operator = (typeof OPERATORS)[number];

export const UNIT_KEY_SOURCES = ["header", "cookie", "jwt_sub"] as const;
export type UnitKeySource = (typeof UNIT_KEY_SOURCES)[number];

export const STAGE_MODES = ["shadow", "serve"] as const;
export type StageMode = (typeof STAGE_MODES)[number];

export const ROLLOUT_STATES = ["active", "paused", "rolled_back", "promoted", "aborted"] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];
/** A live rollout is in its snapshot and may be resumed or moved; the others have ended. */
export const LIVE_ROLLOUT_STATES = ["active", "paused"] as const satisfies readonly RolloutState[];

/** Current bucketing convention (docs/design/evaluation-and-bucketing.md). Bump only with a versioned migration. */
export const HASH_VERSION = 1;
export const SNAPSHOT_SCHEMA_VERSION = 1;

// ---------- wire form (JSON in KV) ----------

export interface ConstraintSpec {
  /** e.g. "header.x-plan", "cookie.tier", "query.region", "cf.country", "unitKey", "ip". */
  attribute: string;
  operator: Operator;
  values: string[];
}

export interface SegmentSpec {
  key: string;
  /** Constraints are AND-ed; `negate` inverts the whole conjunction. */
  constraints: ConstraintSpec[];
  negate?: boolean;
}

export interface RuleSpec {
  id: string;
  segment: SegmentSpec;
  /** Exactly one of `variant` (fixed) or `percent` (0–100 green, 0.001 steps). */
  variant?: Variant;
  percent?: number;
}

export interface OriginSpec {
  /** Absolute http(s) base URL, or a service binding name — exactly one. */
  url?: string;
  service?: string;
  /** Header set on forwarded requests from a secret of this name (never from the client). */
  authHeader?: { name: string; secret: string };
  /** USD per million input/output tokens, for the cost of an answer whose usage is read (llm/price.ts). */
  price?: TokenPrice;
  /** The model this origin serves (e.g. "gpt-4o-mini"): shown to OpenFeature clients so they can attribute usage. */
  model?: string;
}

export interface RolloutSpec {
  id: string;
  state: RolloutState;
  stageIndex: number;
  stageMode: StageMode;
  /** Green percentage served in the current stage (0 in shadow). */
  percent: number;
}

export interface FlagSnapshot {
  schemaVersion: number;
  hashVersion: number;
  key: string;
  version: number;
  killSwitch: boolean;
  route: { method: string; path: string; host?: string };
  origins: { blue: OriginSpec; green: OriginSpec };
  timeoutMs: number;
  failover: boolean;
  unitKey: { source: UnitKeySource; name: string };
  rules: RuleSpec[];
  /** unit key → pinned variant. */
  overrides: Record<string, Variant>;
  rollout: RolloutSpec | null;
  /** Mirroring settings (defaults merged); absent = defaults. */
  shadow?: ShadowSpec;
  /** Response-body settings (defaults merged); absent = defaults. */
  response?: ResponseSpec;
}

// ---------- compiled form (in-isolate) ----------

export type AttributeLookup = (attribute: string) => string | undefined;

export interface EvaluationContext {
  unitKey: string;
  attribute: AttributeLookup;
}

export type ConstraintMatcher = (context: EvaluationContext) => boolean;

export interface CompiledRule {
  id: string;
  segmentKey: string;
  matches: ConstraintMatcher;
  variant: Variant | null;
  /** Threshold in buckets (percent × 1000), used when `variant` is null. */
  greenBuckets: number;
}

export interface CompiledFlag {
  /** The validated snapshot, except `overrides`, which is emptied (see `overrides`). */
  snapshot: FlagSnapshot;
  salt: string;
  /** murmur3(salt + "/" + unitKey) with the salt pre-hashed; bucketFromHash turns it into a bucket. */
  hashUnit: (unitKey: string) => number;
  overrides: Map<string, Variant>;
  /** Rejects most unpinned units without touching the (large) Map. */
  overrideFilter: OverrideFilter;
  rules: CompiledRule[];
  /** Green threshold of the current stage in buckets; 0 without a serving rollout. */
  splitGreenBuckets: number;
  shadow: CompiledShadow;
  /** Buckets mirrored to green now (stage-dependent); 0 = no mirroring. */
  mirrorBuckets: number;
  /** Sticky per-unit hash for mirror sampling, independent of the rollout's. */
  hashShadowUnit: (unitKey: string) => number;
  /** Response-body settings compiled: the body deadline and the answer contract (null = none declared). */
  response: CompiledResponse;
}

export interface Evaluation {
  variant: Variant;
  reason: Reason;
  ruleId: string | null;
  segmentKey: string | null;
  /** Internal snake_case tag when reason is ERROR. */
  errorCode: string | null;
}
