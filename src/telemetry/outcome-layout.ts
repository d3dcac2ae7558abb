// The one place that knows the Analytics Engine data-point layout (SPEC §5).
// Readers (SQL API queries) must use the column names exported here.
import { statusClass, type Outcome } from "../core/outcome";

/** blobN / doubleN positions; append only — never reorder (stored data depends on it). */
export const BLOB = { variant: 1, reason: 2, rule: 3, stage: 4, rolloutId: 5, statusClass: 6, colo: 7, requestId: 8, unitKeyOrigin: 9, kind: 10, comparatorReason: 11 } as const;
export const DOUBLE = { latencyMs: 1, status: 2, error: 3, timeout: 4, shadowAgreement: 5, feedbackValue: 6, failedOver: 7, similarity: 8, pairedLatencyMs: 9, pairedStatus: 10 } as const;

/** Column name in the AE SQL API, e.g. column("blob", BLOB.variant) → "blob1". */
export const column = (kind: "blob" | "double", position: number) => `${kind}${position}`;

/** Missing numbers are written as -1 so "no value" is distinguishable from 0. */
export const NO_VALUE = -1;

export function toDataPoint(outcome: Outcome): AnalyticsEngineDataPoint {
  const blobs: string[] = [];
  blobs[BLOB.variant - 1] = outcome.variant;
  blobs[BLOB.reason - 1] = outcome.reason;
  blobs[BLOB.rule - 1] = outcome.ruleId ?? "";
  blobs[BLOB.stage - 1] = outcome.stage;
  blobs[BLOB.rolloutId - 1] = outcome.rolloutId ?? "";
  blobs[BLOB.statusClass - 1] = statusClass(outcome.status);
  blobs[BLOB.colo - 1] = outcome.colo;
  blobs[BLOB.requestId - 1] = outcome.requestId;
  blobs[BLOB.unitKeyOrigin - 1] = outcome.unitKeyGenerated ? "generated" : "provided";
  blobs[BLOB.kind - 1] = outcome.kind ?? "served";
  blobs[BLOB.comparatorReason - 1] = outcome.comparatorReason ?? "";
  const doubles: number[] = [];
  doubles[DOUBLE.latencyMs - 1] = outcome.latencyMs;
  doubles[DOUBLE.status - 1] = outcome.status;
  doubles[DOUBLE.error - 1] = outcome.error ? 1 : 0;
  doubles[DOUBLE.timeout - 1] = outcome.timeout ? 1 : 0;
  doubles[DOUBLE.shadowAgreement - 1] = outcome.shadowAgreement ?? NO_VALUE;
  doubles[DOUBLE.feedbackValue - 1] = outcome.feedbackValue ?? NO_VALUE;
  doubles[DOUBLE.failedOver - 1] = outcome.failedOver ? 1 : 0;
  doubles[DOUBLE.similarity - 1] = outcome.similarity ?? NO_VALUE;
  doubles[DOUBLE.pairedLatencyMs - 1] = outcome.pairedLatencyMs ?? NO_VALUE;
  doubles[DOUBLE.pairedStatus - 1] = outcome.pairedStatus ?? NO_VALUE;
  return { indexes: [outcome.flagKey], blobs, doubles };
}
