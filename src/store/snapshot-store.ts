// SnapshotStore adapter (the hot path's port) and the publisher that writes
// snapshots to KV. Modes: "hybrid" (default) probes D1's one-row
// configuration version and reads the index from D1 — the strongly
// consistent kill/version record — only when it moved, and snapshots from KV, falling
// back to D1 when KV is missing, stale or failing (and back to KV's last
// good copy when D1's newer rows fail validation); "kv" reads only KV;
// "d1" reads only D1. The hot path calls these at most once per probe
// interval (index) or per flag version (snapshot), never per request.
import { sql } from "drizzle-orm";
import type { FlagIndexEntry, IndexRead, SnapshotStore } from "../ports";
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

const indexColumns = {
  key: schema.flags.key,
  version: schema.flags.version,
  killSwitch: schema.flags.killSwitch,
  routeMethod: schema.flags.routeMethod,
  routePath: schema.flags.routePath,
  routeHost: schema.flags.routeHost,
  blueOrigin: schema.flags.blueOrigin,
  timeoutMs: schema.flags.timeoutMs,
};

/** Every flag's index entry, from D1 (the strongly consistent record). */
export async function readIndexFromD1(db: Db): Promise<FlagIndexEntry[]> {
  const rows = await db.select(indexColumns).from(schema.flags);
  return rows.map(toIndexEntry);
}

type IndexRow = Parameters<typeof toIndexEntry>[0];

/**
 * The configuration version (migrations/0008_config_version.sql: a trigger
 * moves it with every `flags` row change) and, unless it equals `known`, the
 * index — one statement, one round trip. When the version matches, the second
 * SELECT's outer loop is empty and no `flags` row is read, so a steady-state
 * probe reads one row (D1 bills rows read). A database without the table (a Worker deployed
 * before its migration) gets the plain index with version null.
 */
export async function readIndexSince(db: Db, known: number | null): Promise<IndexRead> {
  const unchanged =
    known === null ? sql`0` : sql`EXISTS (SELECT 1 FROM config_version WHERE id = 1 AND version = ${known})`;
  let rows: ({ configVersion: number | null } & IndexRow)[];
  try {
    // `moved` has one row or none; CROSS JOIN keeps it the outer loop, so `flags` is not visited when none.
    rows = await db.all(sql`
      SELECT version AS configVersion, NULL AS key, NULL AS version, NULL AS killSwitch, NULL AS routeMethod,
        NULL AS routePath, NULL AS routeHost, NULL AS blueOrigin, NULL AS timeoutMs
      FROM config_version WHERE id = 1
      UNION ALL
      SELECT NULL, f.key, f.version, f.kill_switch, f.route_method, f.route_path, f.route_host, f.blue_origin, f.timeout_ms
      FROM (SELECT 1 WHERE NOT ${unchanged}) AS moved CROSS JOIN flags AS f`);
  } catch (error) {
    if (!/no such table: config_version/i.test(messageChain(error))) throw error;
    return { version: null, entries: await readIndexFromD1(db) };
  }
  const version = rows.find((row) => row.key === null)?.configVersion ?? null;
  const flagRows = rows.filter((row) => row.key !== null);
  // Without a version row every probe reads the index (it is then never "unchanged").
  if (known !== null && version === known && flagRows.length === 0) return { version, entries: null };
  return { version, entries: flagRows.map((row) => toIndexEntry({ ...row, killSwitch: Boolean(row.killSwitch) })) };
}

function messageChain(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return `${String(error)} ${cause ? String(cause) : ""}`;
}

export function createSnapshotStore(d1: D1Database, kv: KVNamespace, mode: StoreMode): SnapshotStore {
  const db = openDb(d1);
  const fromKv = async (): Promise<IndexRead> => ({
    version: null,
    entries: (await kv.get<FlagIndexEntry[]>(INDEX_KV_KEY, "json")) ?? [],
  });
  return {
    async loadIndex(known) {
      if (mode === "kv") return fromKv();
      try {
        return await readIndexSince(db, known);
      } catch (error) {
        if (mode === "d1") throw error;
        const cached = await kv.get<FlagIndexEntry[]>(INDEX_KV_KEY, "json");
        if (!cached) throw error;
        return { version: null, entries: cached };
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

/**
 * Republishes every flag whose KV copy is missing or older than D1, and the
 * index when KV's differs (cron reconcile): what repairs a publish that was
 * rejected (KV's per-key write rate), coalesced away or lost with its isolate.
 * One key's failure does not stop the others.
 */
export async function reconcileSnapshots(d1: D1Database, kv: KVNamespace): Promise<string[]> {
  const db = openDb(d1);
  const index = await readIndexFromD1(db);
  const published: string[] = [];
  for (const entry of index) {
    try {
      const current = await kv.get<{ version: number }>(snapshotKvKey(entry.key), "json").catch(() => null);
      if (current && current.version >= entry.version) continue;
      const built = await buildValidSnapshot(db, entry.key);
      if (!built.ok) continue;
      await kv.put(snapshotKvKey(entry.key), JSON.stringify(built.value));
      published.push(entry.key);
    } catch (error) {
      console.error("cron: snapshot reconcile of one flag failed", { flagKey: entry.key, error: String(error) });
    }
  }
  const wanted = JSON.stringify(index);
  if ((await kv.get(INDEX_KV_KEY).catch(() => null)) !== wanted) await kv.put(INDEX_KV_KEY, wanted);
  return published;
}
