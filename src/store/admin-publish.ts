// After a D1 commit (admin API or health loop): publish the affected flags'
// snapshots and the KV index, a deleted flag's snapshot removed. Publishing
// re-reads D1 and re-validates, so KV only ever holds what the hot path's own
// compiler accepts, and a publish carries D1's state when it runs, not when it
// was asked for.
// KV accepts about one write per second per key, and every publish writes the
// index key: a burst (a script, bulk overrides, fifty changes in a second)
// would have most writes rejected, possibly the last. So one isolate starts a
// publish at most once per `gapMs` per KV namespace: a request inside the gap
// joins ONE trailing publish at the gap's end (handed to `defer`, i.e.
// ctx.waitUntil; awaited when there is none), which then writes the final
// state. One isolate's publishes never overlap (each waits for the one
// before), so an older index cannot land after a newer one. A failed write is
// logged, never retried here: the cron's reconcile republishes whatever KV
// lacks (snapshot-publish.ts). Writers in other
// isolates are not coordinated; their rejected writes end the same way.
// docs/design/scaling.md
import { buildValidSnapshot } from "./snapshot-builder";
import { INDEX_KV_KEY, KV_WRITE_GAP_MS, readIndexFromD1, snapshotKvKey } from "./snapshot-store";

export { KV_WRITE_GAP_MS };

export interface PublishOptions {
  /** Minimum time between two publishes of this isolate (0: publish every change at once). */
  gapMs?: number;
  /** Takes a trailing publish (ctx.waitUntil); without it the caller awaits it. */
  defer?: (publish: Promise<void>) => void;
}

interface Publisher {
  lastStartMs: number;
  /** The publish writing now (settled, never rejecting): a trailing one waits for it, so an older index never lands last. */
  inFlight: Promise<void>;
  /** Keys waiting for the trailing publish, and that publish. */
  trailing: { keys: Set<string>; done: Promise<void> } | null;
}

const publishers = new WeakMap<KVNamespace, Publisher>();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Writes each flag's current snapshot (or removes it when the flag is gone), then the index once. */
async function publishNow(d1: D1Database, kv: KVNamespace, flagKeys: Iterable<string>): Promise<void> {
  const failures: string[] = [];
  for (const key of flagKeys) {
    try {
      const built = await buildValidSnapshot(d1, key);
      if (built.ok) await kv.put(snapshotKvKey(key), JSON.stringify(built.value));
      else if (built.error.code === "not_found") await kv.delete(snapshotKvKey(key));
      else failures.push(`${key}: not published: ${JSON.stringify(built.error)}`);
    } catch (error) {
      failures.push(`${key}: ${String(error)}`);
    }
  }
  try {
    await kv.put(INDEX_KV_KEY, JSON.stringify(await readIndexFromD1(d1)));
  } catch (error) {
    failures.push(`index: ${String(error)}`);
  }
  if (failures.length > 0)
    throw new Error(`snapshot publish incomplete (the cron reconcile repairs KV): ${failures.join("; ")}`);
}

/**
 * Publishes the flags now, or — inside the gap since this isolate's last
 * publish — as part of the one trailing publish. Throws when a write of a
 * publish it awaited failed (D1 already holds the change).
 */
export async function publishFlags(
  d1: D1Database,
  kv: KVNamespace,
  flagKeys: string[],
  options: PublishOptions = {},
): Promise<void> {
  const gapMs = options.gapMs ?? KV_WRITE_GAP_MS;
  let publisher = publishers.get(kv);
  if (!publisher) {
    publisher = { lastStartMs: Number.NEGATIVE_INFINITY, inFlight: Promise.resolve(), trailing: null };
    publishers.set(kv, publisher);
  }
  const now = Date.now();
  // Publishes of one isolate never overlap: each starts after the one before has written (or failed).
  const start = (owner: Publisher, keys: Iterable<string>) => {
    owner.lastStartMs = Date.now();
    const run = owner.inFlight.then(() => publishNow(d1, kv, keys));
    owner.inFlight = run.catch(() => undefined);
    return run;
  };
  if (publisher.trailing === null && now - publisher.lastStartMs >= gapMs) return start(publisher, flagKeys);
  if (publisher.trailing === null) {
    const keys = new Set<string>();
    const owner = publisher;
    const done = sleep(Math.max(0, owner.lastStartMs + gapMs - now)).then(() => {
      owner.trailing = null;
      return start(owner, keys);
    });
    publisher.trailing = { keys, done };
  }
  for (const key of flagKeys) publisher.trailing.keys.add(key);
  const trailing = publisher.trailing.done.catch((error: unknown) => {
    console.error("snapshot publish failed after commit", String(error));
  });
  if (options.defer) options.defer(trailing);
  else await trailing;
}
