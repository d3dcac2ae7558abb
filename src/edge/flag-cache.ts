// In-isolate cache of the flag index and compiled snapshots. Every
// `probeIntervalMs` at most, the isolate probes the one-row configuration
// version; the index (with kill switches) is re-read only when that version
// moved, and a snapshot only when the index shows a newer flag version.
// With a location-wide probe share (the Cache API), isolates in one data
// centre take a probe another isolate made at most `shareMaxAgeMs` ago, and
// look every `checkEveryMs`: a change committed at t is seen by a probe at
// t + shareMaxAgeMs at the latest, which happens by t + checkEveryMs +
// shareMaxAgeMs = t + probeIntervalMs — the kill-switch bound is unchanged
// (docs/design/scaling.md). Every read failure keeps the last good value, so a
// store or cache outage degrades to staleness.
// A due probe runs in the background when the caller can hand it to
// ctx.waitUntil: no request waits on a round trip once an index is known,
// except right after `invalidate()` (read-your-writes for local changes).
// One cache per isolate serves both the proxy path (flags by route) and
// OFREP (flags by key), so both see the same index and the same snapshots.
import { buildRouteMatcher, type RouteMatcher } from "../core/route";
import { compileSnapshot } from "../core/snapshot";
import type { CompiledFlag } from "../core/types";
import type { Clock, FlagIndexEntry, IndexRead, ProbeShare, SnapshotStore } from "../ports";

export interface FlagCacheOptions {
  probeIntervalMs: number;
  /** After a failed snapshot read, wait this long before retrying it. */
  retryAfterMs?: number;
  /** The location-wide probe share; without it (or with a zero interval) every probe reads the store. */
  share?: ProbeShare;
}

/** Looks at the share this many times per probe interval. */
const SHARE_CHECKS_PER_INTERVAL = 5;

/** How often an isolate looks, and how old a shared probe it takes, for a probe interval (the bound). */
export function probeTimings(probeIntervalMs: number, shared: boolean) {
  if (!shared || probeIntervalMs <= 0) return { checkEveryMs: probeIntervalMs, shareMaxAgeMs: 0 };
  const checkEveryMs = probeIntervalMs / SHARE_CHECKS_PER_INTERVAL;
  return { checkEveryMs, shareMaxAgeMs: probeIntervalMs - checkEveryMs };
}

/** Per isolate: probes answered by the share, indexes taken from it, store round trips, and those that returned the index. */
export interface ProbeCounters {
  sharedProbes: number;
  sharedIndexes: number;
  storeReads: number;
  indexReads: number;
  version: number | null;
}

export type MaybePromise<T> = T | Promise<T>;

export type FlagLookup = { ok: true; flag: CompiledFlag; stale: boolean } | { ok: false; errorCode: string };

interface SnapshotSlot {
  flag: CompiledFlag | null;
  /** The answer for `flag` when it is not stale, made once per snapshot. */
  current: Readonly<FlagLookup & { ok: true }> | null;
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
  /** The configuration version `entries` were read at (null: unknown, the next probe reads the index). */
  private appliedVersion: number | null = null;
  /** When the freshest probe this isolate relies on (its own store read or a shared one) started. */
  private knownAtMs = -Infinity;
  private readonly timings: { checkEveryMs: number; shareMaxAgeMs: number };
  readonly counters: ProbeCounters = { sharedProbes: 0, sharedIndexes: 0, storeReads: 0, indexReads: 0, version: null };

  constructor(
    private readonly store: SnapshotStore,
    private readonly clock: Clock,
    private readonly options: FlagCacheOptions,
  ) {
    this.timings = probeTimings(options.probeIntervalMs, options.share !== undefined);
  }

  /**
   * The flag whose route matches, refreshing the index when it is due. With
   * `background`, a due refresh is handed to it and this request is matched
   * against the current index (one probe interval plus one round trip stays
   * the kill-switch bound); without an index yet, after `invalidate()`, or
   * with a zero interval, the request waits for the read.
   */
  match(
    method: string,
    host: string,
    path: string,
    background?: (refresh: Promise<void>) => void,
  ): MaybePromise<FlagIndexEntry | null | "unavailable"> {
    const waiting = this.dueRefresh(background);
    // No promise when nothing is awaited: the proxy path matches on every request.
    if (waiting) return waiting.then(() => this.matchNow(method, host, path));
    return this.matchNow(method, host, path);
  }

  private matchNow(method: string, host: string, path: string): FlagIndexEntry | null | "unavailable" {
    return this.matcher === null ? "unavailable" : this.matcher(method, host, path);
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
    if (this.clock.now() - this.probedAtMs < this.timings.checkEveryMs) return null;
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

  /** Concurrent callers share one probe, unless it started before the latest invalidate(). */
  private refreshIndex(): Promise<void> {
    if (this.probing?.generation === this.generation) return this.probing.done;
    const generation = this.generation;
    const probe = {
      generation,
      done: this.probeOnce(generation)
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

  /** The share when it can answer: an index is held and no local change asks for the store itself. */
  private usableShare(): ProbeShare | null {
    const share = this.options.share;
    return share && this.timings.shareMaxAgeMs > 0 && this.matcher !== null && !this.invalidated ? share : null;
  }

  private async probeOnce(generation: number): Promise<void> {
    const share = this.usableShare();
    if (share) {
      const seen = await share.latest();
      const now = this.clock.now();
      // Only a probe at least as new as what this isolate knows, and not from the future (skew, garbage), counts.
      const newer = seen !== null && seen.readAtMs >= this.knownAtMs && seen.readAtMs <= now;
      const moved = newer && seen.version !== this.appliedVersion;
      if (newer && !moved) this.knownAtMs = seen.readAtMs;
      if (!moved && now - this.knownAtMs < this.timings.shareMaxAgeMs) {
        this.counters.sharedProbes++;
        this.probedAtMs = now;
        return;
      }
      // Moved: another isolate here may already have shared the index read at that version.
      const entries = moved && seen ? await share.index(seen.version) : null;
      if (seen && entries && this.apply(generation, { version: seen.version, entries })) {
        this.counters.sharedIndexes++;
        this.knownAtMs = seen.readAtMs;
        return;
      }
    }
    const readAtMs = this.clock.now();
    this.counters.storeReads++;
    const read = await this.store.loadIndex(this.appliedVersion);
    if (read.entries !== null) this.counters.indexReads++;
    if (this.apply(generation, read)) this.knownAtMs = readAtMs;
    const sharing = this.options.share;
    if (!sharing || read.version === null) return;
    await sharing.publish({ version: read.version, readAtMs });
    if (read.entries !== null) await sharing.publishIndex(read.version, read.entries);
  }

  /** Applies a store read unless a newer one was applied; returns whether it was. */
  private apply(generation: number, read: IndexRead): boolean {
    // An older read finishing late must not overwrite a newer one.
    if (generation < this.appliedGeneration) return false;
    if (read.entries !== null) {
      const entries = read.entries;
      this.matcher = buildRouteMatcher(entries.map((entry) => ({ route: entry.route, target: entry })));
      this.entries = entries;
      this.keyed = null;
      this.appliedVersion = read.version;
      this.counters.version = read.version;
    }
    this.appliedGeneration = generation;
    this.probedAtMs = this.clock.now();
    if (generation === this.generation) this.invalidated = false;
    return true;
  }

  /**
   * The compiled snapshot for an index entry: fresh, else last good, else an
   * error. A promise only when a read is due (a current snapshot is answered
   * at once, with one lookup object per snapshot: nothing is allocated).
   */
  flag(entry: FlagIndexEntry): MaybePromise<Readonly<FlagLookup>> {
    let slot = this.slots.get(entry.key);
    if (!slot) {
      slot = { flag: null, current: null, failedAtMs: -Infinity, loading: null };
      this.slots.set(entry.key, slot);
    }
    if (slot.current !== null && slot.current.flag.snapshot.version >= entry.version) return slot.current;
    const retryDue = this.clock.now() - slot.failedAtMs >= (this.options.retryAfterMs ?? this.options.probeIntervalMs);
    if (retryDue) return this.load(entry, slot).then(() => this.lookupIn(slot, entry));
    return this.lookupIn(slot, entry);
  }

  private lookupIn(slot: SnapshotSlot, entry: FlagIndexEntry): Readonly<FlagLookup> {
    if (slot.flag === null) return { ok: false, errorCode: "snapshot_unavailable" };
    if (slot.flag.snapshot.version >= entry.version && slot.current !== null) return slot.current;
    return { ok: true, flag: slot.flag, stale: slot.flag.snapshot.version < entry.version };
  }

  private load(entry: FlagIndexEntry, slot: SnapshotSlot): Promise<void> {
    slot.loading ??= this.store
      .loadSnapshot(entry.key, entry.version)
      .then((raw) => {
        const compiled = raw === null ? null : compileSnapshot(raw);
        if (compiled?.ok && (slot.flag === null || compiled.value.snapshot.version >= slot.flag.snapshot.version)) {
          slot.flag = compiled.value;
          slot.current = Object.freeze({ ok: true, flag: compiled.value, stale: false } as const);
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
