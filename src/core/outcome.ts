// One request's record (SPEC §5). A plain data type shared by the hot path
// (which fills it) and telemetry (which owns how it is stored).
import type { Reason, Variant } from "./types";

export interface Outcome {
  timestampMs: number;
  requestId: string;
  flagKey: string;
  rolloutId: string | null;
  variant: Variant;
  reason: Reason;
  ruleId: string | null;
  stage: string;
  /** HTTP status of the origin answer (0 when none arrived). */
  status: number;
  latencyMs: number;
  error: boolean;
  timeout: boolean;
  /** 1 / 0 for shadow pairs, null when no comparison was made. */
  shadowAgreement: number | null;
  feedbackValue: number | null;
  colo: string;
  unitKeyGenerated: boolean;
  /** True when green failed and blue answered instead. */
  failedOver: boolean;
  /** "served" (default) = what a user got; "shadow" = a mirrored green answer compared with blue's. */
  kind?: OutcomeKind;
  /** Shadow pairs: comparator similarity 0..1 and its snake_case reason. */
  similarity?: number | null;
  comparatorReason?: string | null;
  /** Shadow pairs: blue's latency and status in the same pair (this record holds green's). */
  pairedLatencyMs?: number | null;
  pairedStatus?: number | null;
}

/** "served" = what a user got; "shadow" = a mirrored green answer compared with blue's. */
export type OutcomeKind = "served" | "shadow";

export function statusClass(status: number): string {
  return status === 0 ? "none" : `${Math.floor(status / 100)}xx`;
}
