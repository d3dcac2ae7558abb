// SnapshotStore adapter (the hot path's port) and the publisher that writes
// snapshots to KV. Modes: "hybrid" (default) reads the index from D1 — the
// strongly consistent kill/version record — and snapshots from KV, falling
// back to D1 when KV is missing, stale or failing (and back to KV's last
// good copy when D1's newer rows fail validation); "kv" reads only KV;
// "d1" reads only D1. The hot path calls these at most once per probe
// interval (index) or per flag version (snapshot), never per request.
import type { FlagIndexEntry, SnapshotStore } from "../ports";
import { compileSnapshot } from "../core/snapshot";
import type { FlagSnapshot } from "../core/types";
import { openDb, type Db } from "./db";
import * as schema from "./schema";
import { buildValidSnapshot, readFlagSnapshot, toIndexEntry } from "./snapshot-builder";

export type StoreMode = "hybrid" | "kv" | "d1";

export const INDEX_KV_KEY = "index:v1";
export const snapshotKvKey = (flagKey: string) => `flag:v1:${flagKey}`;

export function parseStoreMode(value: string | undefined): StoreMode {
  return value === "kv" || value === "d1" ? value : "hybrid";
}

/** Every flag's index entry, from D1 (the strongly consistent record). */
export async function readIndexFromD1(db: Db): Promise<FlagIndexEntry[]> {
  const rows = await db
    .select({
      key: schema.flags.key,
      version: schema.flags.version,
      killSwitch: schema.flags.killSwitch,
      routeMethod: schema.flags.routeMethod,
      routePath: schema.flags.routePath,
      routeHost: schema.flags.routeHost,
      blueOrigin: schema.flags.blueOrigin,
      timeoutMs: schema.flags.timeoutMs,
    })
    .from(schema.flags);
  return rows.map(toIndexEntry);
}

export function createSnapshotStore(d1: D1Database, kv: KVNamespace, mode: StoreMode): SnapshotStore {
  const db = openDb(d1);
  return {
    async loadIndex() {
      if (mode === "kv") return (await kv.get<FlagIndexEntry[]>(INDEX_KV_KEY, "json")) ?? [];
      try {
        return await readIndexFromD1(db);
      } catch (error) {
        if (mode === "d1") throw error;
        const cached = await kv.get<FlagIndexEntry[]>(INDEX_KV_KEY, "json");
        if (!cached) throw error;
        return cached;
      }
    },
    async loadSnapshot(flagKey, minVersion) {
      let fromKv: FlagSnapshot | null = null;
      if (mode !== "d1") {
        fromKv = await kv.get<FlagSnapshot>(snapshotKvKey(flagKey), "json").catch(() => null);
        if (mode === "kv" || (fromKv && fromKv.version >= minVersion)) return fromKv;
      }
      const fromD1 = await readFlagSnapshot(db, flagKey);
      // D1 rows changed behind the API's back can fail validation; KV then
      // still holds the last good snapshot (nothing invalid is published), and
      // a cold isolate must serve that rather than ERROR. The cache sees it is
      // older than the index and keeps retrying at its interval.
      if (fromD1 && fromKv && !compileSnapshot(fromD1).ok) return fromKv;
      return fromD1;
    },
  };
}

/** Validates one flag's snapshot and writes it (and the index) to KV. */
export async function publishSnapshot(d1: D1Database, kv: KVNamespace, flagKey: string): Promise<FlagSnapshot> {
  const db = openDb(d1);
  const built = await buildValidSnapshot(db, flagKey);
  if (!built.ok) throw new Error(`snapshot for ${flagKey} not published: ${JSON.stringify(built.error)}`);
  await kv.put(snapshotKvKey(flagKey), JSON.stringify(built.value));
  await kv.put(INDEX_KV_KEY, JSON.stringify(await readIndexFromD1(db)));
  return built.value;
}

/** Republishes every flag whose KV copy is missing or older than D1 (cron reconcile). */
export async function reconcileSnapshots(d1: D1Database, kv: KVNamespace): Promise<string[]> {
  const db = openDb(d1);
  const index = await readIndexFromD1(db);
  const published: string[] = [];
  for (const entry of index) {
    const current = await kv.get<{ version: number }>(snapshotKvKey(entry.key), "json").catch(() => null);
    if (current && current.version >= entry.version) continue;
    const built = await buildValidSnapshot(db, entry.key);
    if (!built.ok) continue;
    await kv.put(snapshotKvKey(entry.key), JSON.stringify(built.value));
    published.push(entry.key);
  }
  if (published.length > 0 || !(await kv.get(INDEX_KV_KEY))) await kv.put(INDEX_KV_KEY, JSON.stringify(index));
  return published;
}
