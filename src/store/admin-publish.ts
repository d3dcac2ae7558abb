// After an admin batch commits: publish the affected flags' snapshots (and
// the KV index) or, for a deleted flag, remove its snapshot. Publishing
// re-reads D1 and re-validates (publishSnapshot), so KV only ever holds what
// the hot path's own compiler accepts.
import { publishSnapshot } from "./snapshot-publish";
import { INDEX_KV_KEY, readIndexFromD1, snapshotKvKey } from "./snapshot-store";

export async function publishFlags(d1: D1Database, kv: KVNamespace, flagKeys: string[]): Promise<void> {
  for (const key of flagKeys) await publishSnapshot(d1, kv, key);
}

export async function unpublishFlag(d1: D1Database, kv: KVNamespace, flagKey: string): Promise<void> {
  await kv.delete(snapshotKvKey(flagKey));
  await kv.put(INDEX_KV_KEY, JSON.stringify(await readIndexFromD1(d1)));
}
