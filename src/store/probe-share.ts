// ProbeShare adapter over the Cache API (caches.default): isolates in one data
// centre share the latest configuration-version probe, so the database sees
// about one probe per location per interval instead of one per isolate, and
// the index read at a new version, so a change costs one index read per
// location instead of one per isolate. The
// Cache API is local to a data centre and never replicated; the key still
// names the location, so a cache shared wider (or one local cache standing in
// for many simulated locations) keeps locations apart. Best effort: a miss, a
// failure or a malformed entry reads as null and a failed write is dropped —
// the isolate then reads the store itself (docs/design/scaling.md). The entry's
// max-age only evicts it; whether it is fresh enough is judged by the reader
// from `readAtMs` (when the store read started), never by when it was cached.
import type { FlagIndexEntry, ProbeShare, SharedProbe } from "../ports";

const KEY_PREFIX = "https://switchyard.internal/_probe/config-version/v1/";
const INDEX_PREFIX = "https://switchyard.internal/_probe/index/v1/";

/** Enough of an entry's shape that routing cannot trip over it (anything else reads as no entry). */
function isIndex(value: unknown): value is FlagIndexEntry[] {
  return (
    Array.isArray(value) &&
    value.every(
      (entry: Partial<FlagIndexEntry> | null) =>
        typeof entry?.key === "string" &&
        Number.isSafeInteger(entry.version) &&
        typeof entry.killSwitch === "boolean" &&
        typeof entry.route?.method === "string" &&
        typeof entry.route.path === "string",
    )
  );
}

export function createCacheProbeShare(cache: Cache | undefined, location: () => string, maxAgeMs: number): ProbeShare {
  const key = () => `${KEY_PREFIX}${encodeURIComponent(location())}`;
  const indexKey = (version: number) => `${INDEX_PREFIX}${encodeURIComponent(location())}/${version}`;
  const maxAgeSeconds = Math.max(1, Math.ceil(maxAgeMs / 1000));
  return {
    // A version's index never changes, so its entry may live as long as the probe that names it.
    async index(version) {
      if (!cache) return null;
      try {
        const hit = await cache.match(indexKey(version));
        const value: unknown = hit ? await hit.json() : null;
        return isIndex(value) ? value : null;
      } catch {
        return null;
      }
    },
    async publishIndex(version, entries) {
      if (!cache) return;
      const headers = { "content-type": "application/json", "cache-control": `max-age=${maxAgeSeconds}` };
      await cache.put(indexKey(version), new Response(JSON.stringify(entries), { headers })).catch(() => undefined);
    },
    async latest() {
      if (!cache) return null;
      try {
        const hit = await cache.match(key());
        if (!hit) return null;
        const value = (await hit.json()) as Partial<SharedProbe> | null;
        const valid = Number.isSafeInteger(value?.version) && Number.isFinite(value?.readAtMs);
        return valid ? { version: value!.version!, readAtMs: value!.readAtMs! } : null;
      } catch {
        return null;
      }
    },
    async publish(probe) {
      if (!cache) return;
      const body = JSON.stringify({ version: probe.version, readAtMs: probe.readAtMs });
      const headers = { "content-type": "application/json", "cache-control": `max-age=${maxAgeSeconds}` };
      await cache.put(key(), new Response(body, { headers })).catch(() => undefined);
    },
  };
}
