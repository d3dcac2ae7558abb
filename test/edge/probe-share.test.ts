// The location-wide probe share: isolates in one location take the latest
// configuration-version probe from a shared cache, so the store sees about one
// probe per location per interval, not one per isolate, and the kill switch
// still reaches every isolate within the probe interval. Simulated with a
// fake clock (many FlagCache isolates, per-location shares, one store), then
// the Cache API adapter against the runtime's real cache.
import { describe, expect, it } from "vitest";
import { FlagCache, probeTimings } from "../../src/edge/flag-cache";
import type { FlagIndexEntry, ProbeShare, SharedProbe, SnapshotStore } from "../../src/ports";
import { createCacheProbeShare } from "../../src/store/probe-share";

const P = 5000;
const entry = (killSwitch: boolean): FlagIndexEntry => ({
  key: "fx",
  version: killSwitch ? 2 : 1,
  killSwitch,
  route: { method: "POST", path: "/fx" },
  blue: { url: "https://blue.test" },
  timeoutMs: 1000,
});

function world(options: { locations: number; perLocation: number; share?: "working" | "failing" | "none" }) {
  const clock = { t: 0, now: () => clock.t };
  const store = { version: 1, killed: false, reads: 0, indexReads: 0 };
  const backing: SnapshotStore = {
    async loadIndex(known) {
      store.reads++;
      if (known === store.version) return { version: known, entries: null };
      store.indexReads++;
      return { version: store.version, entries: [entry(store.killed)] };
    },
    loadSnapshot: async () => null,
  };
  const shares = Array.from({ length: options.locations }, (): ProbeShare => {
    let latest: SharedProbe | null = null;
    const indexes = new Map<number, FlagIndexEntry[]>();
    if (options.share === "failing")
      return {
        latest: async () => null,
        publish: async () => {},
        index: async () => null,
        publishIndex: async () => {},
      };
    return {
      latest: async () => latest,
      publish: async (probe) => void (latest = probe),
      index: async (version) => indexes.get(version) ?? null,
      publishIndex: async (version, entries) => void indexes.set(version, entries),
    };
  });
  const isolates = shares.flatMap((share) =>
    Array.from(
      { length: options.perLocation },
      () => new FlagCache(backing, clock, { probeIntervalMs: P, ...(options.share === "none" ? {} : { share }) }),
    ),
  );
  /** Every isolate takes one request every `gapMs`, at its own phase; returns when each first served the kill. */
  async function run(untilMs: number, gapMs: number, onTick?: (t: number) => void) {
    const killedAt = isolates.map(() => Number.POSITIVE_INFINITY);
    const phase = isolates.map((_, i) => ((i * 37) % (gapMs / 10)) * 10);
    for (let t = clock.t; t <= untilMs; t += 10) {
      clock.t = t;
      onTick?.(t);
      for (const [i, isolate] of isolates.entries()) {
        if ((t - phase[i]!) % gapMs !== 0) continue;
        const found = await isolate.match("POST", "h", "/fx");
        if (found && found !== "unavailable" && found.killSwitch && killedAt[i] === Number.POSITIVE_INFINITY)
          killedAt[i] = t;
      }
    }
    return killedAt;
  }
  return { clock, store, isolates, run };
}

describe("location-wide probe share", () => {
  it("the store sees about one probe per location per interval, whatever the number of isolates", async () => {
    const shared = world({ locations: 3, perLocation: 8 });
    await shared.run(1000, 100); // warm-up: every cold isolate reads once
    shared.store.reads = 0;
    await shared.run(61_000, 100);
    const { shareMaxAgeMs } = probeTimings(P, true);
    const perLocationPerInterval = shared.store.reads / 3 / (60_000 / P);
    expect(perLocationPerInterval).toBeLessThanOrEqual((P / shareMaxAgeMs) * 1.05);
    expect(perLocationPerInterval).toBeGreaterThan(0.5);

    const alone = world({ locations: 3, perLocation: 8, share: "none" });
    await alone.run(1000, 100);
    alone.store.reads = 0;
    await alone.run(61_000, 100);
    expect(alone.store.reads / 24 / (60_000 / P)).toBeGreaterThan(0.9); // today: one per isolate
    expect(shared.store.reads).toBeLessThan(alone.store.reads / 5);
  });

  it.each([0, 730, 2500, 4990])(
    "a kill committed at phase %i ms reaches every isolate within the probe interval",
    async (phase) => {
      const w = world({ locations: 2, perLocation: 6 });
      await w.run(10_000, 100);
      const killAt = 10_000 + phase;
      const indexReadsBefore = w.store.indexReads;
      const killedAt = await w.run(killAt + 2 * P, 100, (t) => {
        if (t === killAt) {
          w.store.killed = true;
          w.store.version = 2;
        }
      });
      // Bound: the interval, plus the gap to the isolate's next request (reads take no time here).
      for (const at of killedAt) expect(at - killAt).toBeLessThanOrEqual(P + 100);
      // The new index was read once per location; the other isolates took it from their location's share.
      expect(w.store.indexReads - indexReadsBefore).toBe(2);
      expect(w.isolates.reduce((sum, isolate) => sum + isolate.counters.sharedIndexes, 0)).toBe(10);
    },
  );

  it("a stale shared probe (taken just before the kill) never outlives the bound", async () => {
    const w = world({ locations: 1, perLocation: 10 });
    await w.run(20_000, 50);
    // The kill lands right after some isolate's store read was published: the freshest possible stale entry.
    const reads = w.store.reads;
    let killAt = -1;
    const killedAt = await w.run(20_000 + 3 * P, 50, () => {
      if (killAt < 0 && w.store.reads > reads) {
        killAt = w.clock.t;
        w.store.killed = true;
        w.store.version = 2;
      }
    });
    expect(killAt).toBeGreaterThan(0);
    for (const at of killedAt) expect(at - killAt).toBeLessThanOrEqual(P + 50);
  });

  it("a failing share costs store reads, never the bound: each isolate then reads at most once per shared max age", async () => {
    const w = world({ locations: 1, perLocation: 4, share: "failing" });
    await w.run(1000, 100);
    w.store.reads = 0;
    const killAt = 20_000;
    const killedAt = await w.run(40_000, 100, (t) => {
      if (t === killAt) {
        w.store.killed = true;
        w.store.version = 2;
      }
    });
    for (const at of killedAt) expect(at - killAt).toBeLessThanOrEqual(P + 100);
    const perIsolatePerSecond = w.store.reads / 4 / 39;
    expect(perIsolatePerSecond).toBeLessThanOrEqual(1000 / probeTimings(P, true).shareMaxAgeMs + 0.05);
  });
});

describe("the Cache API adapter", () => {
  it("shares a probe within a location, keeps locations apart, and reads garbage as no probe", async () => {
    const cache = await caches.open("probe-share-test");
    let colo = "AMS";
    const share = createCacheProbeShare(cache, () => colo, 4000);
    expect(await share.latest()).toBeNull();
    await share.publish({ version: 42, readAtMs: 1234 });
    expect(await share.latest()).toEqual({ version: 42, readAtMs: 1234 });
    colo = "SIN";
    expect(await share.latest()).toBeNull();
    await cache.put(
      "https://switchyard.internal/_probe/config-version/v1/SIN",
      new Response('{"version":"x"}', { headers: { "cache-control": "max-age=60" } }),
    );
    expect(await share.latest()).toBeNull();
    const index = [
      { key: "fx", version: 3, killSwitch: true, route: { method: "POST", path: "/fx" }, blue: {}, timeoutMs: 1 },
    ];
    await share.publishIndex(7, index);
    expect(await share.index(7)).toEqual(index);
    expect(await share.index(8)).toBeNull();
    await cache.put(
      "https://switchyard.internal/_probe/index/v1/SIN/9",
      new Response('[{"key":"fx"}]', { headers: { "cache-control": "max-age=60" } }),
    );
    expect(await share.index(9)).toBeNull();
  });

  it("a failing cache reads as no probe and drops writes without throwing", async () => {
    const broken = {
      match: () => Promise.reject(new Error("cache down")),
      put: () => Promise.reject(new Error("cache down")),
    } as unknown as Cache;
    const share = createCacheProbeShare(broken, () => "AMS", 4000);
    expect(await share.latest()).toBeNull();
    await expect(share.publish({ version: 1, readAtMs: 1 })).resolves.toBeUndefined();
    expect(await createCacheProbeShare(undefined, () => "AMS", 4000).latest()).toBeNull();
  });
});
