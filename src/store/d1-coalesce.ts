// Coalesces independent single-item D1 calls made at about the same time
// into ONE call over all of them (one D1 round trip). Used by the health
// loop, whose rollouts run concurrently in lockstep (read window → read
// exceedances → record decision): 100 rollouts then cost 3 round trips
// instead of 300+. Round trips, not SQL, dominated a tick's cost (docs/design/health-loop.md).
// Contract: every caller gets its own item's result, in the shape `run`
// returns it per index; if `run` fails, every caller of that flush gets the
// error (callers treat it as their own failure, nothing partial is kept);
// flushes hold at most `maxItems` items (D1 statement-size limits).
// Items queued in the same task (any number of microtask hops) share a flush:
// the flush waits for a zero-delay timer, i.e. until the current task's
// promise continuations have all run.

export type Coalesced<I, O> = (item: I) => Promise<O>;

export function coalesce<I, O>(run: (items: I[]) => Promise<O[]>, maxItems = 200): Coalesced<I, O> {
  let pending: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const taken = pending;
    pending = [];
    for (let at = 0; at < taken.length; at += maxItems) {
      const part = taken.slice(at, at + maxItems);
      // Via then(): a synchronous throw in `run` rejects the callers instead of escaping the timer.
      Promise.resolve()
        .then(() => run(part.map((entry) => entry.item)))
        .then(
          (outputs) => part.forEach((entry, i) => entry.resolve(outputs[i]!)),
          (error: unknown) => part.forEach((entry) => entry.reject(error)),
        );
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (pending.length === 0) setTimeout(flush, 0);
      pending.push({ item, resolve, reject });
    });
}
