// In-isolate cache of the flag index and compiled snapshots. The index (with
// kill switches) is re-read at most every `probeIntervalMs`; a snapshot is
// re-read only when the index shows a newer version. Every read failure
// keeps the last good value, so a store outage degrades to staleness.
// A due index re-read runs in the background when the caller can hand it to
// ctx.waitUntil: no request waits on a D1 round trip once an index is known,
// except right after `invalidate()` (read-your-writes for local changes).
// One cache per isolate serves both the proxy path (flags by route) and
// OFREP (flags by key), so both see the same index and the same snapshots.
import { buildRouteMatcher, type RouteMatcher } from "../core/route";
import { compileSnapshot } from "../core/snapshot";
import type { CompiledFlag } from "../core/types";
import type { Clock, FlagIndexEntry, SnapshotStore } from "../ports";

export interface FlagCacheOptions {
  probeIntervalMs: number;
  /** After a failed snapshot read, wait this long before retrying it. */
  retryAfterMs?: number;
}

export type FlagLookup = { ok: true; flag: CompiledFlag; stale: boolean } | { ok: false; errorCode: string };

interface SnapshotSlot {
  flag: CompiledFlag | null;
  failedAtMs: number;
  loading: Promise<void> | null;
}

export class FlagCache {
  private matcher: RouteMatcher<FlagIndexEntry> | null = null;
  private entries: FlagIndexEntry[] = [];
  /** Built from `entries` on first use: the proxy path never needs it. */
  private keyed: Map<string, FlagIndexEntry> | null = null;
  private probedAtMs = -Infinity;
  private probing: { generation: number; done: Promise<void> } | null = null;
  private invalidated = false;
  /** Bumped by invalidate(): a probe started before a local change must not answer for after it. */
  private generation = 0;
  private appliedGeneration = -1;
  private readonly slots = new Map<string, SnapshotSlot>();

  constructor(
    private readonly store: SnapshotStore,
    private readonly clock: Clock,
    private readonly options: FlagCacheOptions,
  ) {}

  /**
   * The flag whose route matches, refreshing the index when it is due. With
   * `background`, a due refresh is handed to it and this request is matched
   * against the current index (one probe interval plus one round trip stays
   * the kill-switch bound); without an index yet, after `invalidate()`, or
   * with a zero interval, the request waits for the read.
   */
  async match(
    method: string,
    host: string,
    path: string,
    background?: (refresh: Promise<void>) => void,
  ): Promise<FlagIndexEntry | null | "unavailable"> {
    const waiting = this.dueRefresh(background);
    if (waiting) await waiting;
    if (this.matcher === null) return "unavailable";
    return this.matcher(method, host, path);
  }

  /** Every flag's index entry by key, refreshed as `match` refreshes; "unavailable" when no index was ever read. */
  async byKey(
    background?: (refresh: Promise<void>) => void,
  ): Promise<ReadonlyMap<string, FlagIndexEntry> | "unavailable"> {
    const waiting = this.dueRefresh(background);
    if (waiting) await waiting;
    if (this.matcher === null) return "unavailable";
    return (this.keyed ??= new Map(this.entries.map((entry) => [entry.key, entry])));
  }

  /** Starts a due index re-read; returns it when the caller must wait for it, null when it need not. */
  private dueRefresh(background?: (refresh: Promise<void>) => void): Promise<void> | null {
    if (this.clock.now() - this.probedAtMs < this.options.probeIntervalMs) return null;
    const refresh = this.refreshIndex();
    // An interval of 0 asks for a read on every request (tests, strict set-ups): always wait then.
    if (background && this.matcher !== null && !this.invalidated && this.options.probeIntervalMs > 0) {
      background(refresh);
      return null;
    }
    return refresh;
  }

  /** Forces the next `match` to re-read the index (after a local admin change). */
  invalidate(): void {
    this.probedAtMs = -Infinity;
    this.invalidated = true;
    this.generation++;
  }

  /** Concurrent callers share one read, unless it started before the latest invalidate(). */
  private refreshIndex(): Promise<void> {
    if (this.probing?.generation === this.generation) return this.probing.done;
    const generation = this.generation;
    const probe = {
      generation,
      done: this.store
        .loadIndex()
        .then((entries) => {
          // An older read finishing late must not overwrite a newer one.
          if (generation < this.appliedGeneration) return;
          this.matcher = buildRouteMatcher(entries.map((entry) => ({ route: entry.route, target: entry })));
          this.entries = entries;
          this.keyed = null;
          this.appliedGeneration = generation;
          this.probedAtMs = this.clock.now();
          if (generation === this.generation) this.invalidated = false;
        })
        .catch(() => {
          // Keep the last good index; retry at the next interval, not per request.
          this.probedAtMs = this.clock.now();
        })
        .finally(() => {
          if (this.probing === probe) this.probing = null;
        }),
    };
    this.probing = probe;
    return probe.done;
  }

  /** The compiled snapshot for an index entry: fresh, else last good, else an error. */
  async flag(entry: FlagIndexEntry): Promise<FlagLookup> {
    let slot = this.slots.get(entry.key);
    if (!slot) {
      slot = { flag: null, failedAtMs: -Infinity, loading: null };
      this.slots.set(entry.key, slot);
    }
    const current = slot.flag !== null && slot.flag.snapshot.version >= entry.version;
    const retryDue = this.clock.now() - slot.failedAtMs >= (this.options.retryAfterMs ?? this.options.probeIntervalMs);
    if (!current && retryDue) await this.load(entry, slot);
    if (slot.flag === null) return { ok: false, errorCode: "snapshot_unavailable" };
    return { ok: true, flag: slot.flag, stale: slot.flag.snapshot.version < entry.version };
  }

  private load(entry: FlagIndexEntry, slot: SnapshotSlot): Promise<void> {
    slot.loading ??= this.store
      .loadSnapshot(entry.key, entry.version)
      .then((raw) => {
        const compiled = raw === null ? null : compileSnapshot(raw);
        if (compiled?.ok && (slot.flag === null || compiled.value.snapshot.version >= slot.flag.snapshot.version)) {
          slot.flag = compiled.value;
        }
        if (!compiled?.ok || compiled.value.snapshot.version < entry.version) slot.failedAtMs = this.clock.now();
      })
      .catch(() => {
        slot.failedAtMs = this.clock.now();
      })
      .finally(() => {
        slot.loading = null;
      });
    return slot.loading;
  }
}
