// KV takes about one write per second per key, and every publish writes the
// flag's key and the index key. A burst of admin changes to one flag (a script,
// fifty changes in a second) must not have its writes rejected — nor lose the
// final snapshot: publishes are coalesced into one trailing publish per second
// that carries D1's final state, and the cron's reconcile repairs whatever a
// rejected or lost publish left behind. KV here enforces the per-key rate as
// production KV does (a write within a second of the last one to that key is
// rejected), on the real clock.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import { reconcileSnapshots } from "../../src/store/snapshot-publish";
import { INDEX_KV_KEY, readIndexFromD1, snapshotKvKey } from "../../src/store/snapshot-store";
import { publishFlags } from "../../src/store/admin-publish";
import { BOOTSTRAP, adminEnv, createFlag } from "./helpers";

function rateLimitedKv(inner: KVNamespace) {
  const lastWrite = new Map<string, number>();
  const stats = { accepted: new Map<string, number>(), rejected: 0 };
  const write = <T>(key: string, run: () => Promise<T>) => {
    const now = Date.now();
    if (now - (lastWrite.get(key) ?? Number.NEGATIVE_INFINITY) < 1000) {
      stats.rejected++;
      return Promise.reject(new Error(`KV PUT failed: 429 Too Many Requests (${key})`));
    }
    lastWrite.set(key, now);
    stats.accepted.set(key, (stats.accepted.get(key) ?? 0) + 1);
    return run();
  };
  const kv = new Proxy(inner, {
    get(target, prop) {
      if (prop === "put")
        return (key: string, ...rest: unknown[]) => write(key, () => (target.put as any)(key, ...rest));
      if (prop === "delete") return (key: string) => write(key, () => target.delete(key));
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv, stats };
}

/** Override changes to one flag, back to back; each response's ETag feeds the next If-Match. */
async function burst(testEnv: Env, key: string, changes: number) {
  let etag = await createFlag(key);
  const pending: ExecutionContext[] = [];
  for (let i = 0; i < changes; i++) {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(`https://router.example/admin/api/flags/${key}/overrides/u${i}`, {
        method: "PUT",
        body: JSON.stringify({ variant: "green" }),
        headers: { authorization: `Bearer ${BOOTSTRAP}`, "content-type": "application/json", "if-match": etag },
      }),
      testEnv,
      ctx,
    );
    expect(response.status).toBe(200);
    etag = response.headers.get("etag")!;
    pending.push(ctx); // a trailing publish outlives its response, as ctx.waitUntil lets it
  }
  await Promise.all(pending.map((ctx) => waitOnExecutionContext(ctx)));
}

const d1Version = async (key: string) =>
  (await env.DB.prepare("SELECT version FROM flags WHERE key = ?").bind(key).first<{ version: number }>())!.version;
const kvSnapshot = (key: string) =>
  env.SNAPSHOTS.get<{ version: number; overrides: Record<string, string> }>(snapshotKvKey(key), "json");

describe("a burst of admin changes to one flag", () => {
  it("is coalesced: no KV write is rejected and KV ends with the final snapshot", async () => {
    const { kv, stats } = rateLimitedKv(env.SNAPSHOTS);
    const started = Date.now();
    await burst({ ...adminEnv, SNAPSHOTS: kv, KV_WRITE_GAP_MS: "1000" }, "burst", 50);
    const seconds = (Date.now() - started) / 1000;
    expect(stats.rejected).toBe(0);
    // One publish per second at most: the leading one, then one per second of the burst.
    expect(stats.accepted.get(snapshotKvKey("burst"))).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    const final = await kvSnapshot("burst");
    expect(final?.version).toBe(await d1Version("burst"));
    expect(final?.overrides.u49).toBe("green");
  });

  it("without coalescing, KV rejects most writes; the cron's reconcile then restores the final snapshot", async () => {
    const { kv, stats } = rateLimitedKv(env.SNAPSHOTS);
    const burstEnv = { ...adminEnv, SNAPSHOTS: kv, KV_WRITE_GAP_MS: "0" };
    await burst(burstEnv, "burst-raw", 20);
    expect(stats.rejected).toBeGreaterThan(10);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // KV's per-key window passes before the next tick
    await reconcileSnapshots(env.DB, kv);
    const final = await kvSnapshot("burst-raw");
    expect(final?.version).toBe(await d1Version("burst-raw"));
    expect(final?.overrides.u19).toBe("green");
  });

  it("a trailing publish waits for a slow one still writing, so the older index never lands last", async () => {
    await createFlag("slow-kv");
    // The first index write takes 300 ms; the gap between publishes is 50 ms.
    let slowIndexWrites = 1;
    const kv = new Proxy(env.SNAPSHOTS, {
      get(target, prop) {
        if (prop === "put")
          return async (key: string, value: string) => {
            if (key === INDEX_KV_KEY && slowIndexWrites-- > 0) await new Promise((r) => setTimeout(r, 300));
            return target.put(key, value);
          };
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const first = publishFlags(env.DB, kv, ["slow-kv"], { gapMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 80)); // the first publish read D1's index and is writing it
    await env.DB.prepare("UPDATE flags SET kill_switch = 1, version = version + 1 WHERE key = 'slow-kv'").run();
    const deferred: Promise<void>[] = [];
    await publishFlags(env.DB, kv, ["slow-kv"], { gapMs: 50, defer: (p) => void deferred.push(p) });
    await Promise.all([first, ...deferred]);
    const index = await env.SNAPSHOTS.get<{ key: string; killSwitch: boolean }[]>(INDEX_KV_KEY, "json");
    expect(index).toEqual(JSON.parse(JSON.stringify(await readIndexFromD1(env.DB))));
    expect(index!.find((entry) => entry.key === "slow-kv")!.killSwitch).toBe(true);
  });
});
