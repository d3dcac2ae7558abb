// A mirrored pair's row (mirroredOutcome): the served request's fields, and
// of the answer only what the mirror measured of green's, never blue's —
// including its own inspection against the contract (mirroredInspection).
import { describe, expect, it, vi } from "vitest";
import { type Outcome, pickRequestFields } from "../../src/core/outcome";
import { type CompiledResponse, compileResponse } from "../../src/core/response-settings";
import { mirroredInspection, mirroredOutcome } from "../../src/edge/mirror-row";

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

describe("mirroredInspection", () => {
  const contract = responseOf({
    schema: { type: "object", required: ["label"] },
    prediction: "$.label",
    sampleRate: 50,
  });
  const bytes = (text: string) => ({ kind: "bytes" as const, bytes: new TextEncoder().encode(text) });

  it("draws the sample as the hot path does: in below the rate, out at or above it", () => {
    expect(mirroredInspection(contract, 200, bytes('{"label":"a"}'), () => 0.49)).toEqual({
      inspection: "valid",
      invalidReason: null,
      predictedLabel: "a",
      predictedValue: null,
    });
    expect(mirroredInspection(contract, 200, bytes('{"label":"a"}'), () => 0.5)).toEqual({});
  });

  it("judges only a 2xx answer read whole, and draws nothing otherwise", () => {
    const draw = vi.fn(() => 0);
    expect(mirroredInspection(contract, 503, bytes("{}"), draw)).toEqual({});
    expect(mirroredInspection(contract, 200, { kind: "too_large" }, draw)).toEqual({});
    expect(mirroredInspection(contract, 200, null, draw)).toEqual({});
    expect(mirroredInspection(responseOf({}), 200, bytes("{}"), draw)).toEqual({});
    expect(draw).not.toHaveBeenCalled();
  });

  it("bytes that are not UTF-8 are not JSON", () => {
    const broken = { kind: "bytes" as const, bytes: new Uint8Array([0x7b, 0xff, 0x7d]) };
    expect(mirroredInspection(contract, 200, broken, () => 0)).toMatchObject({
      inspection: "invalid",
      invalidReason: "not_json",
    });
  });

  it("an inspection that throws leaves the answer not inspected, and the row is still built", () => {
    const throwing: CompiledResponse = {
      ...contract,
      contract: {
        ...contract.contract!,
        check: () => {
          throw new Error("boom");
        },
      },
    };
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const measured = mirroredInspection(throwing, 200, bytes("{}"), () => 0);
    expect(measured).toMatchObject({ inspection: "not_inspected", invalidReason: null });
    expect(mirroredOutcome(throwing, SERVED, measured)).toMatchObject({ kind: "shadow", inspection: "not_inspected" });
  });
});
