// toDataPoint writes its arrays as literals for speed; this table pins every
// Outcome field to the BLOB/DOUBLE position the readers query, so a reordered
// literal (which would silently corrupt stored data) fails here.
import { describe, expect, it } from "vitest";
import type { Outcome } from "../../src/core/outcome";
import { BLOB, DOUBLE, NO_VALUE, toDataPoint } from "../../src/telemetry/outcome-layout";

const SHADOW_PAIR: Outcome = {
  timestampMs: 1_700_000_000_000,
  requestId: "req-7",
  flagKey: "demo-model",
  rolloutId: "r-42",
  variant: "green",
  reason: "SPLIT",
  ruleId: "rule-3",
  stage: "shadow",
  status: 503,
  latencyMs: 41.5,
  error: true,
  timeout: false,
  shadowAgreement: 0,
  feedbackValue: 0.25,
  colo: "FRA",
  unitKeyGenerated: true,
  failedOver: true,
  kind: "shadow",
  similarity: 0.5,
  comparatorReason: "label_mismatch",
  pairedLatencyMs: 12.25,
  pairedStatus: 200,
  errorClass: "stream_broken",
  firstByteMs: 43.75,
  durationMs: 1_250.5,
  streamed: true,
  usage: "known",
  inputTokens: 19,
  outputTokens: 5,
  costUsd: 0.000132,
  ttftMs: 61.25,
  interTokenMeanMs: 12.5,
  interTokenMaxMs: 30,
};

const BLOB_CASES: [keyof typeof BLOB, string][] = [
  ["variant", "green"],
  ["reason", "SPLIT"],
  ["rule", "rule-3"],
  ["stage", "shadow"],
  ["rolloutId", "r-42"],
  ["statusClass", "5xx"],
  ["colo", "FRA"],
  ["requestId", "req-7"],
  ["unitKeyOrigin", "generated"],
  ["kind", "shadow"],
  ["comparatorReason", "label_mismatch"],
  ["errorClass", "stream_broken"],
  ["usage", "known"],
  ["interTokenMeanMs", "12.5"],
];

const DOUBLE_CASES: [keyof typeof DOUBLE, number][] = [
  ["latencyMs", 41.5],
  ["status", 503],
  ["error", 1],
  ["timeout", 0],
  ["shadowAgreement", 0],
  ["feedbackValue", 0.25],
  ["failedOver", 1],
  ["similarity", 0.5],
  ["pairedLatencyMs", 12.25],
  ["pairedStatus", 200],
  ["firstByteMs", 43.75],
  ["durationMs", 1_250.5],
  ["streamed", 1],
  ["inputTokens", 19],
  ["outputTokens", 5],
  ["costUsd", 0.000132],
  ["ttftMs", 61.25],
  ["interTokenMaxMs", 30],
];

describe("toDataPoint layout", () => {
  const point = toDataPoint(SHADOW_PAIR);

  it.each(BLOB_CASES)("blob %s sits at its BLOB position", (field, expected) => {
    expect(point.blobs?.[BLOB[field] - 1]).toBe(expected);
  });

  it.each(DOUBLE_CASES)("double %s sits at its DOUBLE position", (field, expected) => {
    expect(point.doubles?.[DOUBLE[field] - 1]).toBe(expected);
  });

  it("writes exactly one value per declared position and indexes by flag", () => {
    expect(point.blobs).toHaveLength(Object.keys(BLOB).length);
    // The highest position, not the count: a reserved position is written as a placeholder.
    expect(point.doubles).toHaveLength(Math.max(...Object.values(DOUBLE)));
    expect(point.indexes).toEqual(["demo-model"]);
  });

  it("writes absent optional values as empty blobs and NO_VALUE doubles", () => {
    const served = toDataPoint({
      ...SHADOW_PAIR,
      ruleId: null,
      rolloutId: null,
      kind: undefined,
      comparatorReason: undefined,
      unitKeyGenerated: false,
      shadowAgreement: null,
      feedbackValue: null,
      similarity: undefined,
      pairedLatencyMs: null,
      pairedStatus: undefined,
      errorClass: null,
      firstByteMs: null,
      durationMs: undefined,
      usage: null,
      inputTokens: null,
      outputTokens: undefined,
      costUsd: null,
      ttftMs: null,
      interTokenMeanMs: null,
      interTokenMaxMs: undefined,
    });
    expect(served.blobs?.[BLOB.usage - 1]).toBe("");
    expect(served.blobs?.[BLOB.interTokenMeanMs - 1]).toBe("");
    expect(served.blobs?.[BLOB.errorClass - 1]).toBe("");
    expect(served.blobs?.[BLOB.rule - 1]).toBe("");
    expect(served.blobs?.[BLOB.rolloutId - 1]).toBe("");
    expect(served.blobs?.[BLOB.kind - 1]).toBe("served");
    expect(served.blobs?.[BLOB.unitKeyOrigin - 1]).toBe("provided");
    for (const field of [
      "shadowAgreement",
      "feedbackValue",
      "similarity",
      "pairedLatencyMs",
      "pairedStatus",
      "firstByteMs",
      "durationMs",
      "inputTokens",
      "outputTokens",
      "costUsd",
      "ttftMs",
      "interTokenMaxMs",
    ] as const) {
      expect(served.doubles?.[DOUBLE[field] - 1]).toBe(NO_VALUE);
    }
  });

  // Stored points are read by position: a field may be appended, never moved.
  it("keeps every position that stored data already uses", () => {
    expect(BLOB).toMatchObject({
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
    });
    expect(DOUBLE).toMatchObject({
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
    });
  });
});
