// The cron's reconcile: writes to KV every validated snapshot (and the index)
// that KV lacks or holds older; admin changes publish through admin-publish.ts.
// The keys and the index read are snapshot-store.ts's.
import { buildValidSnapshot } from "./snapshot-builder";
import { INDEX_KV_KEY, readIndexFromD1, snapshotKvKey } from "./snapshot-store";

/**
 * Republishes every flag whose KV copy is missing or older than D1, and the
 * index when KV's differs (cron reconcile): what repairs a publish that was
 * rejected (KV's per-key write rate), coalesced away or lost with its isolate.
 * One key's failure does not stop the others.
 */
export async function reconcileSnapshots(d1: D1Database, kv: KVNamespace): Promise<string[]> {
  const index = await readIndexFromD1(d1);
  const published: string[] = [];
  for (const entry of index) {
    try {
      const current = await kv.get<{ version: number }>(snapshotKvKey(entry.key), "json").catch(() => null);
      if (current && current.version >= entry.version) continue;
      const built = await buildValidSnapshot(d1, entry.key);
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
