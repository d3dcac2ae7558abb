// ProbeShare adapter over the Cache API (caches.default): isolates in one data
// centre share the latest configuration-version probe, so the database sees
// about one probe per location per interval instead of one per isolate. The
// Cache API is local to a data centre and never replicated; the key still
// names the location, so a cache shared wider (or one local cache standing in
// for many simulated locations) keeps locations apart. Best effort: a miss, a
// failure or a malformed entry reads as null and a failed write is dropped —
// the isolate then reads the store itself (docs/design/scaling.md). The entry's
// max-age only evicts it; whether it is fresh enough is judged by the reader
// from `readAtMs` (when the store read started), never by when it was cached.
import type { ProbeShare, SharedProbe } from "../ports";

const KEY_PREFIX = "https://switchyard.internal/_probe/config-version/v1/";

export function createCacheProbeShare(cache: Cache | undefined, location: () => string, maxAgeMs: number): ProbeShare {
  const key = () => `${KEY_PREFIX}${encodeURIComponent(location())}`;
  const maxAgeSeconds = Math.max(1, Math.ceil(maxAgeMs / 1000));
  return {
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
