import { describe, expect, it } from "vitest";
import { FlagCache } from "../../src/edge/flag-cache";
import type { FlagIndexEntry, IndexRead, SnapshotStore } from "../../src/ports";
import fixture from "../fixtures/evaluation-cases.json";

function entry(version: number, killSwitch = false): FlagIndexEntry {
  return {
    key: "fx",
    version,
    killSwitch,
    route: { method: "POST", path: "/fx" },
    blue: { url: "https://blue.test" },
    timeoutMs: 1000,
  };
}

function fakeStore() {
  const state = {
    index: [entry(1)] as FlagIndexEntry[] | Error,
    /** The store's configuration version; null (none) re-reads the index at every probe. */
    version: null as number | null,
    snapshot: { ...fixture.base, version: 1 } as unknown,
    /** Store round trips. */
    indexReads: 0,
    snapshotReads: 0,
  };
  const store: SnapshotStore = {
    async loadIndex(known) {
      state.indexReads++;
      if (state.index instanceof Error) throw state.index;
      if (known !== null && known === state.version) return { version: known, entries: null };
      return { version: state.version, entries: state.index };
    },
    async loadSnapshot() {
      state.snapshotReads++;
      if (state.snapshot instanceof Error) throw state.snapshot;
      return state.snapshot;
    },
  };
  return { state, store };
}

function setup(probeIntervalMs = 5000) {
  const clock = {
    t: 0,
    now() {
      return this.t;
    },
  };
  const { state, store } = fakeStore();
  return { clock, state, cache: new FlagCache(store, clock, { probeIntervalMs }) };
}

describe("FlagCache", () => {
  it("reads the index at most once per probe interval", async () => {
    const { clock, state, cache } = setup();
    for (let i = 0; i < 50; i++) await cache.match("POST", "h", "/fx");
    expect(state.indexReads).toBe(1);
    clock.t = 4999;
    await cache.match("POST", "h", "/fx");
    expect(state.indexReads).toBe(1);
    clock.t = 5000;
    await cache.match("POST", "h", "/fx");
    expect(state.indexReads).toBe(2);
  });

  it("answers without a promise when nothing is due, and with one when a read is", async () => {
    const { clock, state, cache } = setup();
    const first = cache.match("POST", "h", "/fx");
    expect(first).toBeInstanceOf(Promise); // no index yet: the request waits for it
    const found = await first;
    if (found === null || found === "unavailable") throw new Error("expected the flag");
    expect(cache.match("POST", "h", "/fx")).toBe(found);
    const loading = cache.flag(found);
    expect(loading).toBeInstanceOf(Promise); // no snapshot yet
    const lookup = await loading;
    expect(lookup).toMatchObject({ ok: true, stale: false });
    expect(cache.flag(found)).toBe(lookup); // current: the same answer, nothing read or made
    expect(state.snapshotReads).toBe(1);
    // A newer version in the index makes the next lookup read again.
    state.snapshot = { ...fixture.base, version: 2 };
    clock.t = 10_000;
    const newer = cache.flag(entry(2));
    expect(newer).toBeInstanceOf(Promise);
    expect(await newer).toMatchObject({ ok: true, stale: false, flag: { snapshot: { version: 2 } } });
    expect(state.snapshotReads).toBe(2);
  });

  it("finds flags by key (OFREP) from the same index reads as by route, keeping the last good index on failure", async () => {
    const { clock, state, cache } = setup();
    state.index = new Error("D1 down");
    expect(await cache.byKey()).toBe("unavailable");
    state.index = [entry(1)];
    clock.t = 5000;
    await cache.match("POST", "h", "/fx");
    expect((await cache.byKey()) === "unavailable").toBe(false);
    expect(state.indexReads).toBe(2);
    state.index = [entry(2, true)];
    clock.t = 10_000;
    const fresh = await cache.byKey();
    expect(fresh !== "unavailable" && fresh.get("fx")).toMatchObject({ version: 2, killSwitch: true });
    expect(await cache.match("POST", "h", "/fx")).toMatchObject({ version: 2, killSwitch: true });
    expect(state.indexReads).toBe(3);
    state.index = new Error("D1 down again");
    clock.t = 15_000;
    const kept = await cache.byKey();
    expect(kept !== "unavailable" && kept.get("fx")?.version).toBe(2);
  });

  it("reads a snapshot once per version, not per request", async () => {
    const { state, cache } = setup();
    const found = await cache.match("POST", "h", "/fx");
    for (let i = 0; i < 20; i++) expect((await cache.flag(found as FlagIndexEntry)).ok).toBe(true);
    expect(state.snapshotReads).toBe(1);
  });

  it("refetches the snapshot when the index shows a newer version", async () => {
    const { clock, state, cache } = setup();
    await cache.flag(entry(1));
    state.snapshot = { ...fixture.base, version: 2, overrides: { u: "green" } };
    clock.t = 10_000;
    const lookup = await cache.flag(entry(2));
    expect(lookup.ok && lookup.flag.snapshot.version).toBe(2);
    expect(state.snapshotReads).toBe(2);
  });

  it("keeps the last good index when the store fails", async () => {
    const { clock, state, cache } = setup();
    expect(await cache.match("POST", "h", "/fx")).toMatchObject({ key: "fx" });
    state.index = new Error("D1 down");
    clock.t = 60_000;
    expect(await cache.match("POST", "h", "/fx")).toMatchObject({ key: "fx" });
    expect(await cache.match("GET", "h", "/nothing")).toBeNull();
  });

  it("reports unavailable when no index was ever read", async () => {
    const { state, cache } = setup();
    state.index = new Error("D1 down");
    expect(await cache.match("POST", "h", "/fx")).toBe("unavailable");
  });

  it("keeps the last good snapshot when a newer one is invalid or unreadable, marked stale", async () => {
    const { clock, state, cache } = setup();
    await cache.flag(entry(1));
    state.snapshot = {
      ...fixture.base,
      version: 2,
      rules: [{ id: "x", segment: { key: "s", constraints: [] }, percent: 900 }],
    };
    clock.t = 10_000;
    const invalid = await cache.flag(entry(2));
    expect(invalid).toMatchObject({ ok: true, stale: true });
    state.snapshot = new Error("KV down");
    clock.t = 20_000;
    expect(await cache.flag(entry(2))).toMatchObject({ ok: true, stale: true });
  });

  it("does not hammer a failing store: retries a failed snapshot after the interval", async () => {
    const { clock, state, cache } = setup();
    state.snapshot = new Error("KV down");
    expect(await cache.flag(entry(1))).toEqual({ ok: false, errorCode: "snapshot_unavailable" });
    await cache.flag(entry(1));
    expect(state.snapshotReads).toBe(1);
    clock.t = 5000;
    state.snapshot = { ...fixture.base, version: 1 };
    expect((await cache.flag(entry(1))).ok).toBe(true);
    expect(state.snapshotReads).toBe(2);
  });

  it("serves the current index while a due re-read runs in the background", async () => {
    const { clock, state, cache } = setup();
    const handed: Promise<void>[] = [];
    const background = (refresh: Promise<void>) => void handed.push(refresh);
    expect(await cache.match("POST", "h", "/fx", background)).toMatchObject({ version: 1 });
    expect(handed).toHaveLength(0); // a cold isolate has nothing to serve from: it waited
    state.index = [entry(2, true)];
    clock.t = 5000;
    expect(await cache.match("POST", "h", "/fx", background)).toMatchObject({ version: 1, killSwitch: false });
    expect(handed).toHaveLength(1);
    await handed[0];
    expect(await cache.match("POST", "h", "/fx", background)).toMatchObject({ version: 2, killSwitch: true });
    expect(state.indexReads).toBe(2);
  });

  it("waits for the re-read after invalidate(), even with a background hook", async () => {
    const { state, cache } = setup();
    const handed: Promise<void>[] = [];
    await cache.match("POST", "h", "/fx");
    state.index = [entry(3, true)];
    cache.invalidate();
    expect(await cache.match("POST", "h", "/fx", (refresh) => void handed.push(refresh))).toMatchObject({
      version: 3,
      killSwitch: true,
    });
    expect(handed).toHaveLength(0);
  });

  it("after invalidate(), does not answer from a read that started before it, even if that read ends last", async () => {
    const { clock, state, store } = (() => {
      const built = fakeStore();
      return {
        clock: {
          t: 0,
          now() {
            return this.t;
          },
        },
        ...built,
      };
    })();
    const pending: { resolve: (read: IndexRead) => void; entries: FlagIndexEntry[] }[] = [];
    const slowStore: SnapshotStore = {
      ...store,
      loadIndex: () =>
        new Promise((resolve) => {
          state.indexReads++;
          pending.push({ resolve, entries: state.index as FlagIndexEntry[] });
        }),
    };
    const cache = new FlagCache(slowStore, clock, { probeIntervalMs: 5000 });
    const first = cache.match("POST", "h", "/fx"); // cold: read #1 (sees version 1) is in flight
    state.index = [entry(2, true)];
    cache.invalidate(); // a local admin change lands while read #1 is still out
    const afterChange = cache.match("POST", "h", "/fx");
    expect(state.indexReads).toBe(2); // a fresh read, not a share of the stale one
    pending[1]!.resolve({ version: null, entries: pending[1]!.entries });
    expect(await afterChange).toMatchObject({ version: 2, killSwitch: true });
    pending[0]!.resolve({ version: null, entries: pending[0]!.entries }); // the stale read ends last…
    await first;
    expect(await cache.match("POST", "h", "/fx")).toMatchObject({ version: 2, killSwitch: true }); // …and is ignored
  });

  it("with a configuration version, re-reads the index only when the version moved", async () => {
    const { clock, state, cache } = setup();
    state.version = 7;
    await cache.match("POST", "h", "/fx");
    for (const t of [5000, 10_000, 15_000]) {
      clock.t = t;
      await cache.match("POST", "h", "/fx");
    }
    expect(cache.counters).toMatchObject({ storeReads: 4, indexReads: 1, version: 7 });
    state.version = 8;
    state.index = [entry(2, true)];
    clock.t = 20_000;
    expect(await cache.match("POST", "h", "/fx")).toMatchObject({ version: 2, killSwitch: true });
    expect(cache.counters).toMatchObject({ storeReads: 5, indexReads: 2, version: 8 });
  });

  it("shares one index read among concurrent requests", async () => {
    const { state, cache } = setup();
    await Promise.all(Array.from({ length: 10 }, () => cache.match("POST", "h", "/fx")));
    expect(state.indexReads).toBe(1);
  });
});
