// Stream integrity: the served outcome describes the whole response, so it is
// recorded when the origin's body has ended (kept alive with waitUntil), not
// at its headers. Contract:
// - The body reaches the client chunk by chunk as the origin sends it: a pull
//   source with highWaterMark 0 reads one origin chunk per client read, so
//   nothing is buffered here and back-pressure reaches the origin.
// - Exactly one end per body: complete, `stream_broken` (the origin's body
//   errored, or it outlived the body deadline, which also ends it for the
//   client) or `client_aborted` (the client cancelled). Whichever comes first
//   wins; the others are ignored.
// - An error the headers already showed (http_5xx) keeps its class: a broken
//   or abandoned body cannot turn a failed answer into a success.
// - A response without a body costs nothing here: recordOutcome at once.
//
// Why a JS pull source and not IdentityTransformStream + pipeTo: the native
// pipe cannot say which side ended it (an origin error and a client cancel
// both reject pipeTo with just a reason), it cannot see the first byte, and
// workerd refuses some pairs outright ("Inter-TransformStream pipeTo() is not
// implemented", e.g. a same-isolate or service-binding body). A TransformStream
// would need a pipe plus a readable/writable pair per request; this is one
// stream, one reader and one timer per bodied response, and one promise per
// chunk. The deadline timer is never cleared, as in forward.ts: it dies with
// the request's context, and firing late finds the body already settled.
// Measured (Miniflare over HTTP, small JSON answers, requests paired against
// the previous bundle on a loaded machine): ~+9–12 % client-observed latency;
// a native pipe without first-byte time or deadline measured ~+0–5 %.
//
// Answer inspection (a flag's response contract, docs/design/answer-checks.md):
// the watch already sees every chunk it passes on, so a sampled 2xx answer
// keeps a copy of its chunks up to the contract's byte cap — no tee, whose
// slower branch would buffer without bound. The copy is judged only after the
// body has ended and been closed for the client, in a later task inside the
// same waitUntil, so the client's bytes, status, headers and timing never
// depend on it. A body over the cap, broken or abandoned is `not_inspected`.
//
// Usage reading (docs/design/llm-traffic.md) rides the same chunks: a
// UsageWatch gets each one after it was enqueued for the client and parses
// in later tasks; the outcome waits for its reading, the client never does.
import { inInspectionSample, inspectAnswerBytes } from "../core/answer-inspection";
import { CLIENT_ABORTED, type ErrorClass, type Outcome } from "../core/outcome";
import type { AnswerContract } from "../core/response-settings";
import type { Clock, OutcomeSink } from "../ports";
import type { UsageWatch } from "./usage-watch";

export interface RecordDeps {
  outcomes: OutcomeSink;
  waitUntil: (promise: Promise<unknown>) => void;
  clock: Clock;
  /** Uniform in [0, 1): the inspection sample draw. */
  random: () => number;
}

/** Chunks kept for inspection, up to a cap; null once over it (or when not sampled). */
class KeptCopy {
  private chunks: Uint8Array[] | null = [];
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  add(chunk: Uint8Array): void {
    if (this.chunks === null) return;
    this.bytes += chunk.byteLength;
    // A copy: the served chunk belongs to the client's stream from here on.
    if (this.bytes > this.maxBytes) this.chunks = null;
    else this.chunks.push(chunk.slice());
  }

  /** The whole body, or null when it outgrew the cap. */
  whole(): Uint8Array | null {
    if (this.chunks === null) return null;
    // One piece (every small answer read whole) is used as it is, without joining.
    if (this.chunks.length === 1) return this.chunks[0]!;
    const whole = new Uint8Array(this.bytes);
    let at = 0;
    for (const chunk of this.chunks) {
      whole.set(chunk, at);
      at += chunk.byteLength;
    }
    return whole;
  }
}

/** A copy to inspect when the flag has a contract, the answer is a 2xx and this request is sampled. */
export function keptCopyFor(outcome: Outcome, contract: AnswerContract | null, random: () => number): KeptCopy | null {
  if (contract === null) return null;
  outcome.inspection = "not_inspected";
  const success = outcome.status >= 200 && outcome.status < 300;
  return success && inInspectionSample(contract, random()) ? new KeptCopy(contract.maxBodyBytes) : null;
}

/** Sets the inspection's findings on the outcome (core/answer-inspection.ts judges). */
export function inspectInto(outcome: Outcome, contract: AnswerContract, copy: KeptCopy): void {
  const bytes = copy.whole();
  if (bytes === null) return; // over the cap: not inspected, never invalid
  const found = inspectAnswerBytes(contract, bytes);
  outcome.inspection = found.state;
  outcome.invalidReason = found.reason;
  outcome.predictedLabel = found.label;
  outcome.predictedValue = found.value;
}

/** Records now and keeps the flush alive (the path of every answer without a body). */
export function recordOutcome(outcome: Outcome, deps: Pick<RecordDeps, "outcomes" | "waitUntil">): void {
  deps.outcomes.record(outcome);
  const flushing = deps.outcomes.flush();
  if (flushing) deps.waitUntil(flushing);
}

/**
 * Returns the stream to serve in place of `body` and records `outcome` (its
 * header fields already filled, `latencyMs` = time to headers) once the body
 * has ended, broken, timed out or been cancelled by the client.
 */
export function recordWhenBodyEnds(
  outcome: Outcome,
  body: ReadableStream<Uint8Array>,
  bodyTimeoutMs: number,
  deps: RecordDeps,
  contract: AnswerContract | null = null,
  usage: UsageWatch | null = null,
): ReadableStream<Uint8Array> {
  const clock = deps.clock;
  const copy = keptCopyFor(outcome, contract, deps.random);
  const startedMs = clock.now() - outcome.latencyMs;
  const reader = body.getReader();
  let settled = false;
  let done!: (flushing: Promise<void> | null) => void;
  deps.waitUntil(new Promise<Promise<void> | null>((resolve) => (done = resolve)));

  /** Ends the watch once; false when it had already ended. */
  const settle = (bodyClass: ErrorClass | null): boolean => {
    if (settled) return false;
    settled = true;
    const errorClass = outcome.errorClass ?? bodyClass;
    outcome.errorClass = errorClass;
    outcome.error = errorClass !== null && errorClass !== CLIENT_ABORTED;
    outcome.durationMs = clock.now() - startedMs;
    const record = () => {
      deps.outcomes.record(outcome);
      done(deps.outcomes.flush());
    };
    const inspect = copy !== null && contract !== null && errorClass === null;
    if (inspect || usage !== null) {
      // After the client's stream is closed (the caller closes it right after), in a later task.
      setTimeout(() => {
        if (inspect) inspectInto(outcome, contract, copy);
        usage?.finish(outcome, errorClass === null);
        record();
      }, 0);
    } else {
      record();
    }
    return true;
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        setTimeout(() => {
          if (!settle("stream_broken")) return;
          controller.error(new Error(`response body exceeded its ${bodyTimeoutMs} ms deadline`));
          reader.cancel("body deadline").catch(() => undefined);
        }, bodyTimeoutMs);
      },
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (settle("stream_broken")) controller.error(error);
          return;
        }
        if (settled) return; // the deadline or the client ended it while this read waited
        if (chunk.done) {
          settle(null);
          controller.close();
          return;
        }
        outcome.firstByteMs ??= clock.now() - startedMs;
        copy?.add(chunk.value);
        controller.enqueue(chunk.value);
        // `?.` skips the clock read too: a flag without usage pays nothing per chunk.
        usage?.add(chunk.value, clock.now() - startedMs);
      },
      cancel(reason) {
        settle(CLIENT_ABORTED);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
