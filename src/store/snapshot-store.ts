// SnapshotStore adapter (the hot path's port) over KV and D1. Modes: "hybrid"
// (default) reads the index from D1 — the strongly consistent kill/version
// record — and snapshots from KV, falling back to D1 when KV is missing,
// stale or failing (and back to KV's last good copy when D1's newer rows fail
// validation); "kv" reads only KV; "d1" reads only D1. The hot path calls
// these at most once per probe interval (index) or per flag version
// (snapshot), never per request. This module is on the isolate's start-up
// path, so it never imports drizzle: the index is one plain statement, and
// the snapshot builder (drizzle) loads only when a snapshot is read from D1.
// Publishing to KV lives in snapshot-publish.ts.
import type { FlagIndexEntry, SnapshotStore } from "../ports";
import { compileSnapshot } from "../core/snapshot";
import type { FlagSnapshot, OriginSpec } from "../core/types";
import type { Db } from "./db";
import { parseJson } from "./json-column";

export type StoreMode = "hybrid" | "kv" | "d1";

export const INDEX_KV_KEY = "index:v1";
export const snapshotKvKey = (flagKey: string) => `flag:v1:${flagKey}`;

export function parseStoreMode(value: string | undefined): StoreMode {
  return value === "kv" || value === "d1" ? value : "hybrid";
}

/** The `flags` columns of an index entry, by schema.ts property name (a test holds them to schema.ts). */
export const INDEX_COLUMNS = {
  key: "key",
  version: "version",
  killSwitch: "kill_switch",
  routeMethod: "route_method",
  routePath: "route_path",
  routeHost: "route_host",
  blueOrigin: "blue_origin",
  timeoutMs: "timeout_ms",
} as const;

export const INDEX_TABLE = "flags";

const INDEX_SQL = `SELECT ${Object.entries(INDEX_COLUMNS)
  .map(([property, column]) => `"${column}" AS "${property}"`)
  .join(", ")} FROM "${INDEX_TABLE}"`;

interface IndexRow {
  key: string;
  version: number;
  killSwitch: number;
  routeMethod: string;
  routePath: string;
  routeHost: string | null;
  blueOrigin: string;
  timeoutMs: number;
}

function toIndexEntry(row: IndexRow): FlagIndexEntry {
  return {
    key: row.key,
    version: row.version,
    killSwitch: Number(row.killSwitch) === 1,
    route: { method: row.routeMethod, path: row.routePath, host: row.routeHost },
    blue: parseJson<OriginSpec>(row.blueOrigin) ?? {},
    timeoutMs: row.timeoutMs,
  };
}

/** Every flag's index entry, from D1 (the strongly consistent record). */
export async function readIndexFromD1(d1: D1Database): Promise<FlagIndexEntry[]> {
  const { results } = await d1.prepare(INDEX_SQL).all<IndexRow>();
  return results.map(toIndexEntry);
}

export function createSnapshotStore(d1: D1Database, kv: KVNamespace, mode: StoreMode): SnapshotStore {
  let db: Promise<Db> | undefined;
  const readFromD1 = async (flagKey: string) => {
    const [{ readFlagSnapshot }, handle] = await Promise.all([
      import("./snapshot-builder"),
      (db ??= import("./db").then(({ openDb }) => openDb(d1))),
    ]);
    return readFlagSnapshot(handle, flagKey);
  };
  return {
    async loadIndex() {
      if (mode === "kv") return (await kv.get<FlagIndexEntry[]>(INDEX_KV_KEY, "json")) ?? [];
      try {
        return await readIndexFromD1(d1);
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
      const fromD1 = await readFromD1(flagKey);
      // D1 rows changed behind the API's back can fail validation; KV then
      // still holds the last good snapshot (nothing invalid is published), and
      // a cold isolate must serve that rather than ERROR. The cache sees it is
      // older than the index and keeps retrying at its interval.
      if (fromD1 && fromKv && !compileSnapshot(fromD1).ok) return fromKv;
      return fromD1;
    },
  };
}
