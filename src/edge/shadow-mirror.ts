// Shadow mirroring: green answers a sampled copy of blue-served requests in
// the background (ctx.waitUntil) and its answer is compared with blue's.
// Contract: nothing here can change the served response, its status, headers
// or latency — green slow, failing or hanging only affects the background
// task. Bodies are read at most `maxBodyBytes` per side, so a mirror can never
// push the isolate toward its memory limit. A pair's row describes green's
// mirrored answer only, inspected against the flag's contract like a served
// one: it shares the served request's fields, never its answer's (mirror-row.ts).
import { bucketFromHash } from "../core/bucket";
import { answerErrorClass, type OutcomeRequest } from "../core/outcome";
import { redactForExample } from "../core/shadow/redact";
import type { CompiledFlag, Evaluation } from "../core/types";
import { forwardToOrigin, type ForwardRequest, type OriginResult } from "./forward";
import {
  isSuccess,
  mirroredInspection,
  mirroredOutcome,
  mirroredUsage,
  type CappedBody,
  type MirrorMeasured,
} from "./mirror-row";
import type { Clock, OriginFetchers, OutcomeSink, ShadowExampleSink } from "../ports";

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
    // Green's answer alone decides its verdict, whatever blue answered.
    ...mirroredInspection(flag.response, greenStatus, greenBody, deps.random),
  };
  // Blue failing says nothing about green's quality: recorded, excluded from agreement.
  if (!isSuccess(blueAnswer.status)) return record({ ...pair, comparatorReason: "blue_error" });
  if (blueBody.kind === "too_large" || greenBody?.kind === "too_large")
    return record({ ...pair, comparatorReason: "skipped_too_large" });
  let verdict: { agree: boolean; similarity: number; reason: string };
  if (green.kind === "timeout") verdict = { agree: false, similarity: 0, reason: "green_timeout" };
  else if (!isSuccess(greenStatus) || greenBody?.kind !== "bytes" || blueBody.kind !== "bytes")
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
