// The fast path of body watching (body-watch.ts has the contract): a small
// answer with a declared length is read whole, natively, before the client
// gets it, and recorded with the same fields, inspection and usage as a
// watched stream; a larger sized answer keeps its declared length on the wire,
// so a client can tell when it broke off. Figures in BENCHMARKS.md.
import type { AnswerContract } from "../core/response-settings";
import { isEventStream, type Outcome } from "../core/outcome";
import { inspectInto, keptCopyFor, recordOutcome, type RecordDeps } from "./body-watch";
import type { UsageWatch } from "./usage-watch";

/**
 * Answers with a declared length up to this size (and not an event stream)
 * are read whole, natively, before the client gets them: one native read
 * costs far less than a JS stream per request, and a body this small reaches
 * a client in one piece anyway. Anything longer, unsized or streamed goes
 * through recordWhenBodyEnds, chunk by chunk. BENCHMARKS.md has the figures.
 */
export const WHOLE_BODY_MAX_BYTES = 64 * 1024;

/**
 * The answer's declared body length, or null when it has none (or a malformed
 * one) — or when it is encoded: fetch hands the Worker the decoded body but
 * keeps the encoded Content-Length, which is then not the length of what it reads.
 */
function declaredLength(response: Response): number | null {
  const encoding = response.headers.get("content-encoding");
  if (encoding !== null && encoding.trim().toLowerCase() !== "identity") return null;
  const declared = response.headers.get("content-length");
  if (declared === null || declared === "") return null;
  const length = Number(declared);
  return Number.isSafeInteger(length) && length >= 0 ? length : null;
}

/** Whether `readWholeBody` applies to this answer. */
export function readsWhole(response: Response): boolean {
  const length = declaredLength(response);
  const type = response.headers.get("content-type") ?? "";
  return length !== null && length <= WHOLE_BODY_MAX_BYTES && !isEventStream(type);
}

/**
 * The watched stream to serve for `response`, keeping its declared length on
 * the wire when it has one. workerd ends a chunked response cleanly even when
 * its body errored (the client sees a complete, shorter answer), while a body
 * that falls short of its Content-Length is a truncation every HTTP client
 * reports. Unsized answers (event streams) have no such signal; their outcome
 * still says stream_broken. A client's cancel still reaches the watch: the
 * pipe cancels its source when the fixed-length side is cancelled.
 */
export function withDeclaredLength(
  watched: ReadableStream<Uint8Array>,
  response: Response,
): ReadableStream<Uint8Array> {
  const length = declaredLength(response);
  if (length === null) return watched;
  const { readable, writable } = new FixedLengthStream(length);
  // Settled by the watch (end, break, deadline or cancel), which records the outcome.
  watched.pipeTo(writable).catch(() => undefined);
  return readable;
}

const bodyDeadline = (ms: number) => new Promise<null>((resolve) => setTimeout(resolve, ms, null));

/**
 * Reads a small fixed-length answer whole and records the outcome (the same
 * fields and inspection as recordWhenBodyEnds). Returns the bytes to serve,
 * or null when the body broke or outlived its deadline: then nothing of it
 * was sent yet, the outcome is `stream_broken`, and the caller answers with
 * the router's own error instead of a truncated body.
 */
export async function readWholeBody(
  outcome: Outcome,
  response: Response,
  bodyTimeoutMs: number,
  deps: RecordDeps,
  contract: AnswerContract | null = null,
  usage: UsageWatch | null = null,
): Promise<ArrayBuffer | null> {
  const startedMs = deps.clock.now() - outcome.latencyMs;
  const bytes = await Promise.race([response.arrayBuffer(), bodyDeadline(bodyTimeoutMs)]).catch(() => null);
  outcome.durationMs = deps.clock.now() - startedMs;
  if (bytes === null) {
    outcome.errorClass ??= "stream_broken";
    outcome.error = true;
    usage?.finish(outcome, false);
    recordOutcome(outcome, deps);
    return null;
  }
  if (bytes.byteLength > 0) outcome.firstByteMs = outcome.durationMs;
  const copy = keptCopyFor(outcome, contract, deps.random);
  const inspect = copy !== null && contract !== null && outcome.errorClass === null;
  usage?.add(new Uint8Array(bytes), outcome.durationMs);
  if (inspect || usage !== null) {
    copy?.add(new Uint8Array(bytes));
    // Judged in a later task, after the answer has been handed back.
    deps.waitUntil(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          if (inspect) inspectInto(outcome, contract, copy);
          usage?.finish(outcome, outcome.errorClass === null);
          recordOutcome(outcome, deps);
          resolve();
        }, 0),
      ),
    );
  } else {
    recordOutcome(outcome, deps);
  }
  return bytes;
}
