// A mirrored pair's row (mirroredOutcome): the served request's fields, and
// of the answer only what the mirror measured of green's, never blue's.
import { describe, expect, it } from "vitest";
import { type Outcome, pickRequestFields } from "../../src/core/outcome";
import { type CompiledResponse, compileResponse } from "../../src/core/response-settings";
import { mirroredOutcome } from "../../src/edge/shadow-mirror";

/** A served outcome with every field set (Required: a new field must be added here too), none at its neutral value. */
const SERVED: Required<Outcome> = {
  timestampMs: 1_700_000_000_000,
  requestId: "req-1",
  flagKey: "model",
  rolloutId: "model-r",
  reason: "DEFAULT",
  ruleId: "rule-1",
  stage: "shadow",
  colo: "AMS",
  unitKeyGenerated: true,
  // Blue's answer: streamed, inspected, with usage, and failed.
  kind: "served",
  variant: "blue",
  status: 503,
  latencyMs: 12,
  error: true,
  timeout: true,
  errorClass: "stream_broken",
  firstByteMs: 3,
  durationMs: 40,
  streamed: true,
  inspection: "invalid",
  invalidReason: "enum at #/label",
  predictedLabel: "positive",
  predictedValue: 0.9,
  usage: "known",
  inputTokens: 5,
  outputTokens: 7,
  costUsd: 0.01,
  ttftMs: 4,
  interTokenMeanMs: 1,
  interTokenMaxMs: 2,
  shadowAgreement: 1,
  feedbackValue: 1,
  failedOver: true,
  similarity: 1,
  comparatorReason: "equal",
  pairedLatencyMs: 5,
  pairedStatus: 200,
};

const REQUEST_FIELDS = pickRequestFields(SERVED);

const responseOf = (raw: object) => compileResponse(raw) as CompiledResponse;

describe("mirroredOutcome", () => {
  it.each([
    ["a flag with a contract", { schema: { type: "object" }, prediction: "$.label" }, "not_inspected"],
    ["a flag without one", {}, null],
  ] as const)("for %s, shares the request's fields and measures nothing of blue's answer", (_, raw, inspection) => {
    expect(mirroredOutcome(responseOf(raw), SERVED, {})).toEqual({
      ...REQUEST_FIELDS,
      kind: "shadow",
      variant: "green",
      status: 0,
      latencyMs: 0,
      error: false,
      timeout: false,
      errorClass: null,
      firstByteMs: null,
      durationMs: null,
      streamed: false,
      inspection,
      invalidReason: null,
      predictedLabel: null,
      predictedValue: null,
      usage: null,
      inputTokens: null,
      outputTokens: null,
      costUsd: null,
      ttftMs: null,
      interTokenMeanMs: null,
      interTokenMaxMs: null,
      shadowAgreement: null,
      similarity: null,
      comparatorReason: null,
      pairedLatencyMs: null,
      pairedStatus: null,
      feedbackValue: null,
      failedOver: false,
    });
  });

  it("keeps no answer field of the served outcome, whatever green's answer was", () => {
    const green = {
      status: 200,
      latencyMs: 30,
      errorClass: null,
      usage: "unknown",
      shadowAgreement: 0,
      similarity: 0.5,
      comparatorReason: "label_mismatch",
      pairedLatencyMs: 12,
      pairedStatus: 503,
    } as const;
    const row = mirroredOutcome(responseOf({ schema: { type: "object" } }), SERVED, green);
    expect(row).toMatchObject({ ...REQUEST_FIELDS, ...green });
    const answerFields = Object.keys(SERVED).filter((key) => !(key in REQUEST_FIELDS)) as (keyof Outcome)[];
    // Blue's own latency and status are the pair's paired_* by design: green's fields never equal blue's.
    const leaked = answerFields.filter((key) => !key.startsWith("paired") && row[key] === SERVED[key]);
    expect(leaked).toEqual([]);
  });
});
