// A mirrored pair's row: what the outcome store gets for green's mirrored
// answer (shadow-mirror.ts runs the pair). Contract: the row shares the served
// request's fields and nothing of blue's served answer; of the answer it holds
// only what the mirror measured of green's, every other field at its
// not-measured value. Reading usage and inspecting against the flag's
// contract run on the capped copy the mirror already holds, in its
// background task, and never throw: a figure that cannot be read stays
// unknown and the row is still recorded. No I/O here.
import { inInspectionSample, inspectAnswerBytes, NOT_INSPECTED } from "../core/answer-inspection";
import { requestCostUsd } from "../core/llm/price";
import { createUsageReader, USAGE_UNKNOWN } from "../core/llm/usage-reader";
import {
  isEventStream,
  pickRequestFields,
  type Outcome,
  type OutcomeAnswer,
  type OutcomeRequest,
} from "../core/outcome";
import type { CompiledResponse } from "../core/response-settings";
import type { CompiledFlag } from "../core/types";

export type CappedBody = { kind: "bytes"; bytes: Uint8Array } | { kind: "too_large" } | { kind: "unreadable" };

/** What the mirror measured of green's answer (a shadow row's kind and variant are fixed). */
export type MirrorMeasured = Partial<Omit<OutcomeAnswer, "kind" | "variant">>;

const decoder = new TextDecoder();
export const isSuccess = (status: number) => status >= 200 && status < 300;

/**
 * Green's token usage and cost in a mirrored pair, when the flag declares a
 * usage format (docs/design/llm-traffic.md): read from the capped copy the
 * comparison already holds, so a shadow stage can judge cost before green
 * serves anyone. No token timing: the mirror reads the body whole.
 */
export function mirroredUsage(flag: CompiledFlag, response: Response | null, body: CappedBody | null): MirrorMeasured {
  const usage = flag.response.usage;
  if (usage === null) return {};
  if (response === null || !isSuccess(response.status) || body?.kind !== "bytes")
    return { ...USAGE_UNKNOWN, costUsd: null };
  const eventStream = isEventStream(response.headers.get("content-type"));
  const reader = createUsageReader(usage.format, eventStream);
  reader.feed(decoder.decode(body.bytes), 0);
  const reading = reader.finish(true);
  const price = flag.snapshot.origins.green.price;
  return {
    ...reading,
    ttftMs: null,
    interTokenMeanMs: null,
    interTokenMaxMs: null,
    costUsd: requestCostUsd(price, reading.inputTokens, reading.outputTokens),
  };
}

/**
 * Green's mirrored answer judged against the flag's contract, as the hot path
 * judges served answers (core/answer-inspection.ts: same sample rate, byte
 * cap and verdicts). Only a 2xx answer read whole is drawn for the sample; a
 * body over the mirror's cap or unreadable stays `not_inspected`, and so does
 * one whose inspection threw. No contract: nothing to say (inspection null).
 */
export function mirroredInspection(
  response: CompiledResponse,
  status: number,
  body: CappedBody | null,
  random: () => number,
): MirrorMeasured {
  const { contract } = response;
  if (contract === null || !isSuccess(status) || body?.kind !== "bytes") return {};
  if (!inInspectionSample(contract, random())) return {};
  let found = NOT_INSPECTED;
  try {
    found = inspectAnswerBytes(contract, body.bytes);
  } catch (error) {
    console.warn("shadow: mirrored answer not inspected", String(error));
  }
  return {
    inspection: found.state,
    invalidReason: found.reason,
    predictedLabel: found.label,
    predictedValue: found.value,
  };
}

/**
 * Green's row for one mirrored request: the served request's fields, picked
 * by name, then every answer field as not measured, then what the mirror
 * measured of green's answer. Nothing of blue's served answer can reach it
 * (the hot path keeps filling that outcome while the mirror runs), and
 * `OutcomeAnswer` has no optional field, so a new answer field does not
 * compile here until it has its not-measured value. The mirror reads green's
 * body whole: no first byte, no streaming, no token timing.
 */
export function mirroredOutcome(response: CompiledResponse, served: OutcomeRequest, measured: MirrorMeasured): Outcome {
  const notMeasured: OutcomeAnswer = {
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
    // A flag with a contract says of each answer whether it was inspected (mirroredInspection); null = no contract.
    inspection: response.contract === null ? null : "not_inspected",
    invalidReason: null,
    predictedLabel: null,
    predictedValue: null,
    // A pair carries green's usage (mirroredUsage) or none.
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
  };
  return { ...pickRequestFields(served), ...notMeasured, ...measured };
}
