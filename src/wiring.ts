// Builds the per-isolate objects (flag cache, outcome writer) from env once
// and reuses them across requests — the proxy path's and OFREP's alike (index.ts
// hands them to both): the cache is what keeps D1 and KV off the per-request
// path. Keyed by the DB binding so a different env (tests) gets its own set.
import { bindingByName, secretByName, type Env } from "./env";
import { RESERVED_BINDINGS } from "./core/snapshot";
import { FlagCache, probeTimings } from "./edge/flag-cache";
import type { OriginFetchers, Clock, ShadowExampleSink } from "./ports";
import { KV_WRITE_GAP_MS } from "./store/snapshot-store";
import { createEmbeddedOutcomeStore } from "./store/outcome-store";
import { createCacheProbeShare } from "./store/probe-share";
import { createShadowExampleStore } from "./store/shadow-example-store";
import { createSnapshotStore, parseStoreMode } from "./store/snapshot-store";
import { OutcomeWriter } from "./telemetry/outcome-writer";

export const DEFAULT_PROBE_SECONDS = 5;

export interface IsolateServices {
  cache: FlagCache;
  outcomes: OutcomeWriter;
  fetchers: OriginFetchers;
  clock: Clock;
  examples: ShadowExampleSink;
  coloOf: (request: Request) => string;
}

const perEnv = new WeakMap<object, IsolateServices>();

export const systemClock: Clock = { now: () => Date.now() };

function probeIntervalMs(env: Env): number {
  const seconds = Number(env.VERSION_PROBE_SECONDS ?? DEFAULT_PROBE_SECONDS);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_PROBE_SECONDS * 1000;
}

/** Minimum ms between two KV publishes of this isolate (KV takes about one write per second per key). */
export function kvWriteGapMs(env: Env): number {
  const ms = Number(env.KV_WRITE_GAP_MS ?? KV_WRITE_GAP_MS);
  return Number.isFinite(ms) && ms >= 0 ? ms : KV_WRITE_GAP_MS;
}

/** An isolate runs in one colo, so the first request's answer holds for all. */
function isolateColo(): { of: (request: Request) => string; known: () => string } {
  let colo: string | null = null;
  return {
    of: (request) => (colo ??= String((request as { cf?: { colo?: unknown } }).cf?.colo ?? "local")),
    known: () => colo ?? "local",
  };
}

/** The data centre's Cache API, where the runtime has one. */
function locationCache(): Cache | undefined {
  return (globalThis as { caches?: { default?: Cache } }).caches?.default;
}

export function servicesFor(env: Env): IsolateServices {
  const existing = perEnv.get(env.DB);
  if (existing) return existing;
  const store = createSnapshotStore(env.DB, env.SNAPSHOTS, parseStoreMode(env.SNAPSHOT_STORE));
  const colo = isolateColo();
  const intervalMs = probeIntervalMs(env);
  const share = createCacheProbeShare(locationCache(), colo.known, probeTimings(intervalMs, true).shareMaxAgeMs);
  const services: IsolateServices = {
    cache: new FlagCache(store, systemClock, { probeIntervalMs: intervalMs, share }),
    outcomes: new OutcomeWriter({
      analytics: env.OUTCOMES,
      embedded: env.OUTCOMES_EMBEDDED === "1" ? createEmbeddedOutcomeStore(env.DB) : null,
    }),
    fetchers: {
      service: (name) => {
        if (RESERVED_BINDINGS.includes(name)) return undefined; // validated away; never reachable as an origin
        const binding = bindingByName(env, name) as Fetcher | undefined;
        return binding && typeof binding.fetch === "function" ? binding : undefined;
      },
      secret: (name) => secretByName(env, name),
    },
    clock: systemClock,
    examples: createShadowExampleStore(env.DB),
    coloOf: colo.of,
  };
  perEnv.set(env.DB, services);
  return services;
}
