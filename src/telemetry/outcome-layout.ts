// The one place that knows the Analytics Engine data-point layout
// (docs/design/routing-hot-path.md, outcomes).
// Readers (SQL API queries) must use the column names exported here.
import { statusClass, type Outcome } from "../core/outcome";

/** blobN / doubleN positions; append only — never reorder (stored data depends on it). */
export const BLOB = {
  variant: 1,
  reason: 2,
  rule: 3,
  stage: 4,
  rolloutId: 5,
  statusClass: 6,
  colo: 7,
  requestId: 8,
  unitKeyOrigin: 9,
  kind: 10,
  comparatorReason: 11,
  errorClass: 12,
  inspection: 13,
  invalidReason: 14,
  predictedLabel: 15,
  /** Token usage of a chat-completion answer: "known", "unknown" or "" (not declared). */
  usage: 16,
  /** Mean inter-token gap as a decimal string ("" = none): the 20 doubles are spoken for. */
  interTokenMeanMs: 17,
} as const;
export const DOUBLE = {
  latencyMs: 1,
  status: 2,
  error: 3,
  timeout: 4,
  shadowAgreement: 5,
  feedbackValue: 6,
  failedOver: 7,
  similarity: 8,
  pairedLatencyMs: 9,
  pairedStatus: 10,
  firstByteMs: 11,
  durationMs: 12,
  predictedValue: 13,
  hasPredictedValue: 14,
  streamed: 15,
  inputTokens: 16,
  outputTokens: 17,
  costUsd: 18,
  ttftMs: 19,
  interTokenMaxMs: 20,
} as const;

/** Column name in the AE SQL API, e.g. column("blob", BLOB.variant) → "blob1". */
export const column = (kind: "blob" | "double", position: number) => `${kind}${position}`;

/** Missing numbers are written as -1 so "no value" is distinguishable from 0. */
export const NO_VALUE = -1;

/**
 * Array literals in BLOB/DOUBLE order (packed arrays: this runs per request);
 * test/telemetry/outcome-layout.test.ts pins every field to its position.
 */
export function toDataPoint(outcome: Outcome): AnalyticsEngineDataPoint {
  const blobs = [
    outcome.variant,
    outcome.reason,
    outcome.ruleId ?? "",
    outcome.stage,
    outcome.rolloutId ?? "",
    statusClass(outcome.status),
    outcome.colo,
    outcome.requestId,
    outcome.unitKeyGenerated ? "generated" : "provided",
    outcome.kind ?? "served",
    outcome.comparatorReason ?? "",
    outcome.errorClass ?? "",
    outcome.inspection ?? "",
    outcome.invalidReason ?? "",
    outcome.predictedLabel ?? "",
    outcome.usage ?? "",
    outcome.interTokenMeanMs === null || outcome.interTokenMeanMs === undefined ? "" : String(outcome.interTokenMeanMs),
  ];
  const doubles = [
    outcome.latencyMs,
    outcome.status,
    outcome.error ? 1 : 0,
    outcome.timeout ? 1 : 0,
    outcome.shadowAgreement ?? NO_VALUE,
    outcome.feedbackValue ?? NO_VALUE,
    outcome.failedOver ? 1 : 0,
    outcome.similarity ?? NO_VALUE,
    outcome.pairedLatencyMs ?? NO_VALUE,
    outcome.pairedStatus ?? NO_VALUE,
    outcome.firstByteMs ?? NO_VALUE,
    outcome.durationMs ?? NO_VALUE,
    // A prediction may be any number, -1 included: presence is its own column.
    outcome.predictedValue ?? 0,
    outcome.predictedValue === null || outcome.predictedValue === undefined ? 0 : 1,
    outcome.streamed ? 1 : 0,
    outcome.inputTokens ?? NO_VALUE,
    outcome.outputTokens ?? NO_VALUE,
    outcome.costUsd ?? NO_VALUE,
    outcome.ttftMs ?? NO_VALUE,
    outcome.interTokenMaxMs ?? NO_VALUE,
  ];
  return { indexes: [outcome.flagKey], blobs, doubles };
}
