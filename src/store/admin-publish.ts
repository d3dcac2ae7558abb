// After an admin batch commits: publish the affected flags' snapshots (and
// the KV index) or, for a deleted flag, remove its snapshot. Publishing
// re-reads D1 and re-validates (publishSnapshot), so KV only ever holds what
// the hot path's own compiler accepts.
import type { FlagIndexEntry } from "../ports";
import * as schema from "./schema";
import { toIndexEntry } from "./snapshot-builder";
import { INDEX_KV_KEY, publishSnapshot, snapshotKvKey } from "./snapshot-store";
import { openDb } from "./db";

async function readIndex(d1: D1Database): Promise<FlagIndexEntry[]> {
  const rows = await openDb(d1).select({
    key: schema.flags.key, version: schema.flags.version, killSwitch: schema.flags.killSwitch,
    routeMethod: schema.flags.routeMethod, routePath: schema.flags.routePath, routeHost: schema.flags.routeHost,
    blueOrigin: schema.flags.blueOrigin, timeoutMs: schema.flags.timeoutMs,
  }).from(schema.flags);
  return rows.map(toIndexEntry);
}

export async function publishFlags(d1: D1Database, kv: KVNamespace, flagKeys: string[]): Promise<void> {
  for (const key of flagKeys) await publishSnapshot(d1, kv, key);
}

export async function unpublishFlag(d1: D1Database, kv: KVNamespace, flagKey: string): Promise<void> {
  await kv.delete(snapshotKvKey(flagKey));
  await kv.put(INDEX_KV_KEY, JSON.stringify(await readIndex(d1)));
}
