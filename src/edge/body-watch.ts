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
// Hook for body inspection (response contracts, LLM usage): tee `body` before
// calling recordWhenBodyEnds — one branch to watch and serve, the other read
// capped in waitUntil — and set its findings on `outcome` before `settle`
// records it (wait for the inspection there, never on the served stream).
import { CLIENT_ABORTED, type ErrorClass, type Outcome } from "../core/outcome";
import type { Clock, OutcomeSink } from "../ports";

export interface RecordDeps {
  outcomes: OutcomeSink;
  waitUntil: (promise: Promise<unknown>) => void;
  clock: Clock;
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
  outcome: Outcome, body: ReadableStream<Uint8Array>, bodyTimeoutMs: number, deps: RecordDeps,
): ReadableStream<Uint8Array> {
  const clock = deps.clock;
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
    deps.outcomes.record(outcome);
    done(deps.outcomes.flush());
    return true;
  };

  return new ReadableStream<Uint8Array>({
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
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      settle(CLIENT_ABORTED);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
