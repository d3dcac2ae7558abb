// Flag lookup by key for OFREP. The hot path's FlagCache finds flags by
// route, not by key, so OFREP keeps its own tiny key → index-entry map,
// read from the same SnapshotStore (same store mode, same strongly
// consistent kill/version record) at the same probe interval. Snapshots are
// NOT read here: they come from the hot path's FlagCache (`cache.flag`), so
// both paths compile and evaluate the very same snapshot objects.
// A failed refresh keeps the last good index (staleness, never an outage).
import type { Env } from "../env";
import type { FlagIndexEntry, SnapshotStore } from "../ports";
import { createSnapshotStore, parseStoreMode } from "../store/snapshot-store";
import { DEFAULT_PROBE_SECONDS } from "../wiring";

export class FlagKeyIndex {
  private entries: Map<string, FlagIndexEntry> | null = null;
  private probedAtMs = -Infinity;
  private probing: Promise<void> | null = null;

  constructor(private readonly store: SnapshotStore, private readonly probeIntervalMs: number) {}

  /** All entries (refreshed when due), or null when no index was ever read. */
  async all(nowMs: number): Promise<ReadonlyMap<string, FlagIndexEntry> | null> {
    if (nowMs - this.probedAtMs >= this.probeIntervalMs) await this.refresh(nowMs);
    return this.entries;
  }

  private refresh(nowMs: number): Promise<void> {
    this.probing ??= this.store
      .loadIndex()
      .then((list) => {
        this.entries = new Map(list.map((entry) => [entry.key, entry]));
      })
      .catch(() => {
        // Keep the last good index; the next attempt waits one interval.
      })
      .finally(() => {
        this.probedAtMs = nowMs;
        this.probing = null;
      });
    return this.probing;
  }
}

const perDb = new WeakMap<object, FlagKeyIndex>();

function probeIntervalMs(env: Env): number {
  const seconds = Number(env.VERSION_PROBE_SECONDS ?? DEFAULT_PROBE_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_PROBE_SECONDS) * 1000;
}

/** One index per isolate and DB binding (tests get their own per env). */
export function flagKeyIndexFor(env: Env): FlagKeyIndex {
  let index = perDb.get(env.DB);
  if (!index) {
    index = new FlagKeyIndex(createSnapshotStore(env.DB, env.SNAPSHOTS, parseStoreMode(env.SNAPSHOT_STORE)), probeIntervalMs(env));
    perDb.set(env.DB, index);
  }
  return index;
}
