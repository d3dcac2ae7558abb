// Writes validated snapshots (and the index) to KV: after admin changes and
// in the cron's reconcile. Off the hot path (it loads drizzle through the
// snapshot builder); the keys and the index read are snapshot-store.ts's.
import type { FlagSnapshot } from "../core/types";
import { openDb } from "./db";
import { buildValidSnapshot } from "./snapshot-builder";
import { INDEX_KV_KEY, readIndexFromD1, snapshotKvKey } from "./snapshot-store";

/** Validates one flag's snapshot and writes it (and the index) to KV. */
export async function publishSnapshot(d1: D1Database, kv: KVNamespace, flagKey: string): Promise<FlagSnapshot> {
  const built = await buildValidSnapshot(openDb(d1), flagKey);
  if (!built.ok) throw new Error(`snapshot for ${flagKey} not published: ${JSON.stringify(built.error)}`);
  await kv.put(snapshotKvKey(flagKey), JSON.stringify(built.value));
  await kv.put(INDEX_KV_KEY, JSON.stringify(await readIndexFromD1(d1)));
  return built.value;
}

/** Republishes every flag whose KV copy is missing or older than D1 (cron reconcile). */
export async function reconcileSnapshots(d1: D1Database, kv: KVNamespace): Promise<string[]> {
  const db = openDb(d1);
  const index = await readIndexFromD1(d1);
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
