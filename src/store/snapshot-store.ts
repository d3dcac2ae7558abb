// SnapshotStore adapter (the hot path's port) over KV and D1. Modes: "hybrid"
// (default) probes D1's one-row configuration version and reads the index from
// D1 — the strongly consistent kill/version record — only when it moved, and
// snapshots from KV, falling back to D1 when KV is missing,
// stale or failing (and back to KV's last good copy when D1's newer rows fail
// validation); "kv" reads only KV; "d1" reads only D1. The hot path calls
// these at most once per probe interval (index) or per flag version
// (snapshot), never per request. This module is on the isolate's start-up
// path, so it never imports drizzle: the index is one plain statement, and
// so is the snapshot builder it reads D1 snapshots with.
// Publishing to KV lives in snapshot-publish.ts.
import type { FlagIndexEntry, IndexRead, SnapshotStore } from "../ports";
import { compileSnapshot } from "../core/snapshot";
import type { FlagSnapshot, OriginSpec } from "../core/types";
import { parseJson } from "./json-column";
import { readFlagSnapshot, SNAPSHOT_SOURCES, type FlagRow } from "./snapshot-builder";

export type StoreMode = "hybrid" | "kv" | "d1";

export const INDEX_KV_KEY = "index:v1";
/** KV's documented rate for writes to one key: admin publishes are coalesced to it (admin-publish.ts). */
export const KV_WRITE_GAP_MS = 1000;
export const snapshotKvKey = (flagKey: string) => `flag:v1:${flagKey}`;

export function parseStoreMode(value: string | undefined): StoreMode {
  return value === "kv" || value === "d1" ? value : "hybrid";
}

const FLAG_COLUMNS = SNAPSHOT_SOURCES.flags.columns;

/** The `flags` columns of an index entry, by schema.ts property name: a subset of the snapshot's (one home). */
export const INDEX_COLUMNS = {
  key: FLAG_COLUMNS.key,
  version: FLAG_COLUMNS.version,
  killSwitch: FLAG_COLUMNS.killSwitch,
  routeMethod: FLAG_COLUMNS.routeMethod,
  routePath: FLAG_COLUMNS.routePath,
  routeHost: FLAG_COLUMNS.routeHost,
  blueOrigin: FLAG_COLUMNS.blueOrigin,
  timeoutMs: FLAG_COLUMNS.timeoutMs,
} as const;

export const INDEX_TABLE = "flags";

const INDEX_SQL = `SELECT ${Object.entries(INDEX_COLUMNS)
  .map(([property, column]) => `"${column}" AS "${property}"`)
  .join(", ")} FROM "${INDEX_TABLE}"`;

type IndexRow = Pick<FlagRow, keyof typeof INDEX_COLUMNS>;

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

type ProbeRow = { configVersion: number | null } & { [K in keyof IndexRow]: IndexRow[K] | null };

// `moved` has one row or none; CROSS JOIN keeps it the outer loop, so `flags` is not visited when none.
const PROBE_SQL = `SELECT version AS configVersion, NULL AS key, NULL AS version, NULL AS killSwitch, NULL AS routeMethod,
    NULL AS routePath, NULL AS routeHost, NULL AS blueOrigin, NULL AS timeoutMs
  FROM config_version WHERE id = 1
  UNION ALL
  SELECT NULL, ${Object.values(INDEX_COLUMNS)
    .map((column) => `f."${column}"`)
    .join(", ")}
  FROM (SELECT 1 WHERE NOT (?1 IS NOT NULL AND EXISTS (SELECT 1 FROM config_version WHERE id = 1 AND version = ?1))) AS moved
  CROSS JOIN "${INDEX_TABLE}" AS f`;

/**
 * The configuration version (migrations/0008_config_version.sql: a trigger
 * moves it with every `flags` row change) and, unless it equals `known`, the
 * index — one statement, one round trip. When the version matches, the second
 * SELECT's outer loop is empty and no `flags` row is read, so a steady-state
 * probe reads one row (D1 bills rows read). A database without the table (a
 * Worker deployed before its migration) gets the plain index with version null.
 */
export async function readIndexSince(d1: D1Database, known: number | null): Promise<IndexRead> {
  let rows: ProbeRow[];
  try {
    rows = (await d1.prepare(PROBE_SQL).bind(known).all<ProbeRow>()).results;
  } catch (error) {
    if (!/no such table: config_version/i.test(messageChain(error))) throw error;
    return { version: null, entries: await readIndexFromD1(d1) };
  }
  const version = rows.find((row) => row.key === null)?.configVersion ?? null;
  const flagRows = rows.filter((row) => row.key !== null) as IndexRow[];
  // Without a version row every probe reads the index (it is then never "unchanged").
  if (known !== null && version === known && flagRows.length === 0) return { version, entries: null };
  return { version, entries: flagRows.map(toIndexEntry) };
}

function messageChain(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return `${String(error)} ${cause ? String(cause) : ""}`;
}

export function createSnapshotStore(d1: D1Database, kv: KVNamespace, mode: StoreMode): SnapshotStore {
  const readFromD1 = (flagKey: string) => readFlagSnapshot(d1, flagKey);
  return {
    async loadIndex(known) {
      if (mode === "kv")
        return { version: null, entries: (await kv.get<FlagIndexEntry[]>(INDEX_KV_KEY, "json")) ?? [] };
      try {
        return await readIndexSince(d1, known);
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
