// Shadow mirroring: green answers a sampled copy of blue-served requests in
// the background (ctx.waitUntil) and its answer is compared with blue's.
// Contract: nothing here can change the served response, its status, headers
// or latency — green slow, failing or hanging only affects the background
// task. Bodies are read at most `maxBodyBytes` per side, so a mirror can never
// push the isolate toward its memory limit. A pair's row describes green's
// mirrored answer only: it shares the served request's fields, never its
// answer's (mirroredOutcome).
import { bucketFromHash } from "../core/bucket";
import {
  answerErrorClass,
  isEventStream,
  pickRequestFields,
  type Outcome,
  type OutcomeAnswer,
  type OutcomeRequest,
} from "../core/outcome";
import { requestCostUsd } from "../core/llm/price";
import { createUsageReader, USAGE_UNKNOWN } from "../core/llm/usage-reader";
import { redactForExample } from "../core/shadow/redact";
import type { CompiledResponse } from "../core/response-settings";
import type { CompiledFlag, Evaluation } from "../core/types";
import { forwardToOrigin, type ForwardRequest, type OriginResult } from "./forward";
import type { Clock, OriginFetchers, OutcomeSink, ShadowExampleSink } from "../ports";

export type CappedBody = { kind: "bytes"; bytes: Uint8Array } | { kind: "too_large" } | { kind: "unreadable" };

export interface BlueAnswer {
  status: number;
  latencyMs: number;
  body: Promise<CappedBody>;
}

export interface MirrorDeps {
  outcomes: OutcomeSink;
  examples: ShadowExampleSink;
  fetchers: OriginFetchers;
  clock: Clock;
  random: () => number;
}

/** Mirror only traffic that is blue by chance (split/default) and sampled for this unit. */
export function shouldMirror(
  flag: CompiledFlag | null,
  evaluation: Evaluation,
  unitKey: string | null,
): flag is CompiledFlag {
  if (!flag || unitKey === null || flag.mirrorBuckets === 0) return false;
  if (evaluation.variant !== "blue" || (evaluation.reason !== "SPLIT" && evaluation.reason !== "DEFAULT")) return false;
  return bucketFromHash(flag.hashShadowUnit(unitKey)) < flag.mirrorBuckets;
}

/** Reads a stream up to `maxBytes`; beyond that it cancels the stream and reports too_large. */
export async function readCapped(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<CappedBody> {
  if (!stream) return { kind: "bytes", bytes: new Uint8Array(0) };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel("shadow body cap").catch(() => undefined);
        return { kind: "too_large" };
      }
      chunks.push(value);
    }
  } catch {
    return { kind: "unreadable" };
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: "bytes", bytes };
}

export function declaredTooLarge(headers: Headers, maxBytes: number): boolean {
  const declared = Number(headers.get("content-length") ?? "0");
  return Number.isFinite(declared) && declared > maxBytes;
}

const decoder = new TextDecoder();
const ok = (status: number) => status >= 200 && status < 300;

/**
 * Green's token usage and cost in a mirrored pair, when the flag declares a
 * usage format (docs/design/llm-traffic.md): read from the capped copy the
 * comparison already holds, so a shadow stage can judge cost before green
 * serves anyone. No token timing: the mirror reads the body whole.
 */
function mirroredUsage(flag: CompiledFlag, response: Response | null, body: CappedBody | null): MirrorMeasured {
  const usage = flag.response.usage;
  if (usage === null) return {};
  if (response === null || !ok(response.status) || body?.kind !== "bytes") return { ...USAGE_UNKNOWN, costUsd: null };
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

/** What the mirror measured of green's answer (a shadow row's kind and variant are fixed). */
export type MirrorMeasured = Partial<Omit<OutcomeAnswer, "kind" | "variant">>;

/**
 * Green's row for one mirrored request: the served request's fields, picked
 * by name, then every answer field as not measured, then what the mirror
 * measured of green's answer. Nothing of blue's served answer can reach it
 * (the hot path keeps filling that outcome while the mirror runs), and
 * `OutcomeAnswer` has no optional field, so a new answer field does not
 * compile here until it has its not-measured value. The mirror reads green's
 * body whole: no first byte, no streaming, no token timing, and no inspection
 * (docs/design/answer-checks.md, shadow stages).
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
    // A flag with a contract says of each answer whether it was inspected; null = no contract.
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

/**
 * Sends the mirrored request to green, waits for blue's answer, compares and
 * records. `served` is the served outcome's request part: only those fields are read.
 */
export async function runMirror(
  flag: CompiledFlag,
  served: OutcomeRequest,
  request: ForwardRequest,
  requestBody: Promise<CappedBody>,
  blue: Promise<BlueAnswer>,
  deps: MirrorDeps,
): Promise<void> {
  const { spec, compare, redact } = flag.shadow;
  const record = (measured: MirrorMeasured) => deps.outcomes.record(mirroredOutcome(flag.response, served, measured));
  const body = await requestBody;
  if (body.kind !== "bytes") {
    // Green was never asked: status 0, latency 0, no error.
    record({ comparatorReason: body.kind === "too_large" ? "skipped_too_large" : "request_unreadable" });
    return;
  }
  const headers = new Headers(request.headers);
  headers.set("x-switchyard-shadow", "1");
  const green = await forwardToOrigin(
    { ...request, headers, body: body.bytes.byteLength > 0 ? new Blob([body.bytes]).stream() : null },
    // The mirror runs in waitUntil, which outlives green's deadline: abort it then.
    flag.snapshot.origins.green,
    spec.timeoutMs,
    deps.fetchers,
    deps.clock,
    true,
  );
  const greenStatus = green.kind === "response" ? green.response.status : 0;
  const greenBody = green.kind === "response" ? await readCapped(green.response.body, spec.maxBodyBytes) : null;
  const blueAnswer = await blue;
  const blueBody = await blueAnswer.body;
  const errorClass = answerErrorClass(green.kind, greenStatus);
  const pair: MirrorMeasured = {
    status: greenStatus,
    latencyMs: green.latencyMs,
    error: errorClass !== null,
    errorClass,
    timeout: green.kind === "timeout",
    pairedLatencyMs: blueAnswer.latencyMs,
    pairedStatus: blueAnswer.status,
    ...mirroredUsage(flag, green.kind === "response" ? green.response : null, greenBody),
  };
  // Blue failing says nothing about green's quality: recorded, excluded from agreement.
  if (!ok(blueAnswer.status)) return record({ ...pair, comparatorReason: "blue_error" });
  if (blueBody.kind === "too_large" || greenBody?.kind === "too_large")
    return record({ ...pair, comparatorReason: "skipped_too_large" });
  let verdict: { agree: boolean; similarity: number; reason: string };
  if (green.kind === "timeout") verdict = { agree: false, similarity: 0, reason: "green_timeout" };
  else if (!ok(greenStatus) || greenBody?.kind !== "bytes" || blueBody.kind !== "bytes")
    verdict = { agree: false, similarity: 0, reason: "green_error" };
  else verdict = compare(decoder.decode(blueBody.bytes), decoder.decode(greenBody.bytes));
  record({
    ...pair,
    shadowAgreement: verdict.agree ? 1 : 0,
    similarity: verdict.similarity,
    comparatorReason: verdict.reason,
  });
  if (verdict.agree || deps.random() >= spec.exampleRate) return;
  const text = (capped: CappedBody | null) =>
    capped?.kind === "bytes" ? redactForExample(decoder.decode(capped.bytes), redact) : "";
  await deps.examples
    .save({
      flagKey: served.flagKey,
      rolloutId: served.rolloutId,
      requestId: served.requestId,
      timestampMs: served.timestampMs,
      reason: verdict.reason,
      similarity: verdict.similarity,
      blueStatus: blueAnswer.status,
      greenStatus,
      blueLatencyMs: blueAnswer.latencyMs,
      greenLatencyMs: green.latencyMs,
      blueBody: text(blueBody),
      greenBody: text(greenBody),
    })
    .catch((error: unknown) => console.warn("shadow: example not stored", String(error)));
}

export interface OpenMirror {
  /** The request body blue should read (a tee branch when mirroring a body). */
  bodyForBlue: ReadableStream<Uint8Array> | null;
  /** Tees blue's answer for comparison and returns what to serve (same status, headers and stream). */
  takeBlue(result: OriginResult): OriginResult;
  /** The background task for ctx.waitUntil; of `served` (the served outcome) only the request's fields are read. */
  run(served: OutcomeRequest, request: ForwardRequest, deps: MirrorDeps): Promise<void>;
}

/** Splits the request body between blue and the mirror before blue is called. */
export function openMirror(flag: CompiledFlag, headers: Headers, body: ReadableStream<Uint8Array> | null): OpenMirror {
  const max = flag.shadow.spec.maxBodyBytes;
  let bodyForBlue = body;
  let requestBody: Promise<CappedBody>;
  if (declaredTooLarge(headers, max)) requestBody = Promise.resolve({ kind: "too_large" });
  else if (body) {
    const [forBlue, forMirror] = body.tee();
    bodyForBlue = forBlue;
    // Read the mirror branch now, capped, so the tee never buffers more than `max` for it.
    requestBody = readCapped(forMirror, max);
  } else requestBody = Promise.resolve({ kind: "bytes", bytes: new Uint8Array(0) });
  let resolveBlue!: (answer: BlueAnswer) => void;
  const blue = new Promise<BlueAnswer>((resolve) => (resolveBlue = resolve));
  return {
    bodyForBlue,
    takeBlue(result) {
      if (result.kind !== "response") {
        resolveBlue({ status: 0, latencyMs: result.latencyMs, body: Promise.resolve({ kind: "unreadable" }) });
        return result;
      }
      const { response } = result;
      if (!response.body || declaredTooLarge(response.headers, max)) {
        const bodyState: CappedBody = response.body
          ? { kind: "too_large" }
          : { kind: "bytes", bytes: new Uint8Array(0) };
        resolveBlue({ status: response.status, latencyMs: result.latencyMs, body: Promise.resolve(bodyState) });
        return result;
      }
      const [toClient, toCompare] = response.body.tee();
      resolveBlue({ status: response.status, latencyMs: result.latencyMs, body: readCapped(toCompare, max) });
      return { ...result, response: new Response(toClient, response) };
    },
    run: (served, request, deps) => runMirror(flag, served, request, requestBody, blue, deps),
  };
}
