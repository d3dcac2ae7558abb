// The load model of the configuration path (no server): what D1, KV and
// Analytics Engine see for a given deployment, today's design (every isolate
// re-reads the whole flag index every probe interval) beside the new one (a
// one-row version probe, shared per location through the Cache API, the index
// re-read only when the version moved, once per location). Pure arithmetic over its inputs; the
// prices and limits are inputs too (published figures at the time of writing:
// check them). docs/design/scaling.md explains every term.

const MONTH_SECONDS = 30 * 24 * 3600;
/** As src/edge/flag-cache.ts: an isolate looks at the shared probe this many times per interval. */
export const SHARE_CHECKS_PER_INTERVAL = 5;

export const DEFAULT_PRICES = {
  d1RowsReadIncludedPerMonth: 25e9,
  d1UsdPerMillionRowsRead: 0.001,
  kvReadsIncludedPerMonth: 10e6,
  kvUsdPerMillionReads: 0.5,
  kvWritesIncludedPerMonth: 1e6,
  kvUsdPerMillionWrites: 5,
  aePointsIncludedPerMonth: 10e6,
  aeUsdPerMillionPoints: 0.25,
};

export const DEFAULT_LIMITS = {
  /** writeDataPoint calls per Worker invocation. */
  aePointsPerInvocation: 250,
  /** Writes per second to one KV key. */
  kvWritesPerKeyPerSecond: 1,
};

export const SIZES = [
  { name: "team", isolates: 50, locations: 10, flags: 20, requestsPerSecond: 50, activeRollouts: 2 },
  { name: "company", isolates: 2000, locations: 120, flags: 300, requestsPerSecond: 5000, activeRollouts: 20 },
  { name: "platform", isolates: 20000, locations: 330, flags: 1000, requestsPerSecond: 100000, activeRollouts: 100 },
];

export const DEFAULT_INPUTS = {
  probeSeconds: 5,
  /** Admin/health-loop changes that move the configuration version. */
  changesPerHour: 30,
  /** One D1 round trip as an isolate sees it (the window in which isolates of one location all miss the share). */
  d1RoundTripMs: 30,
  /** Share of requests that also mirror to green (one more outcome point each). */
  shadowShare: 0.1,
  /** Analytics Engine SQL API queries per rollout per tick: current window + exceedances; worst adds earlier stages. */
  sqlQueriesPerRolloutTypical: 2,
  sqlQueriesPerRolloutWorst: 4,
};

const overage = (perMonth, included, usdPerMillion) => (Math.max(0, perMonth - included) / 1e6) * usdPerMillion;

/** The probe share's timings (as probeTimings in src/edge/flag-cache.ts). */
export function shareTimings(probeSeconds) {
  const checkEverySeconds = probeSeconds / SHARE_CHECKS_PER_INTERVAL;
  return { checkEverySeconds, shareMaxAgeSeconds: probeSeconds - checkEverySeconds };
}

/** Store probes per second of one location with `perLocation` isolates (all busy). */
export function locationProbesPerSecond(perLocation, probeSeconds, d1RoundTripMs) {
  const { checkEverySeconds, shareMaxAgeSeconds } = shareTimings(probeSeconds);
  // One miss per shared max age, plus the isolates that look while that miss's read is still out.
  const perWindow = Math.min(perLocation, 1 + (perLocation * d1RoundTripMs) / 1000 / checkEverySeconds);
  return perWindow / shareMaxAgeSeconds;
}

/** Every figure for one deployment. `cache: false` models the new design where the Cache API does nothing (workers.dev). */
export function model(size, inputs = {}, prices = DEFAULT_PRICES, limits = DEFAULT_LIMITS) {
  const p = { ...DEFAULT_INPUTS, ...inputs };
  const { isolates, locations, flags, requestsPerSecond, activeRollouts } = size;
  const changesPerSecond = p.changesPerHour / 3600;
  const perLocation = isolates / locations;

  // Today: each isolate reads the whole index (one row per flag) every interval.
  const todayQueries = isolates / p.probeSeconds;
  const todayRows = todayQueries * flags;

  // New: one-row probes per location; on each change one index read per location (the others take it from
  // the location's share, as they take the probe). Without a working cache, both are per isolate.
  const { shareMaxAgeSeconds, checkEverySeconds } = shareTimings(p.probeSeconds);
  const probes = locations * locationProbesPerSecond(perLocation, p.probeSeconds, p.d1RoundTripMs);
  const probesNoCache = isolates / shareMaxAgeSeconds;
  const readersPerChange = Math.min(perLocation, 1 + (perLocation * p.d1RoundTripMs) / 1000 / checkEverySeconds);
  const reReads = changesPerSecond * locations * readersPerChange;
  const reReadsNoCache = changesPerSecond * isolates;
  const newQueries = probes + reReads;
  const newRows = probes + reReads * (flags + 1);
  const noCacheQueries = probesNoCache + reReadsNoCache;
  const noCacheRows = probesNoCache + reReadsNoCache * (flags + 1);

  // KV (both designs): each isolate loads a changed flag's snapshot once; the cron reconcile reads every flag's copy
  // and the index each minute; each change writes the flag's key and the index key.
  const kvReads = changesPerSecond * isolates + (flags + 1) / 60;
  const kvWrites = 2 * changesPerSecond;
  const aePointsPerInvocation = 1 + p.shadowShare;
  const aePoints = requestsPerSecond * aePointsPerInvocation;
  const month = (perSecond) => perSecond * MONTH_SECONDS;
  const d1Usd = (rows) => overage(month(rows), prices.d1RowsReadIncludedPerMonth, prices.d1UsdPerMillionRowsRead);
  return {
    ...size,
    probeSeconds: p.probeSeconds,
    d1QueriesPerSecond: { today: todayQueries, new: newQueries, newWithoutCache: noCacheQueries },
    d1RowsPerSecond: { today: todayRows, new: newRows, newWithoutCache: noCacheRows },
    d1RowsPerMonth: { today: month(todayRows), new: month(newRows) },
    d1UsdPerMonth: { today: d1Usd(todayRows), new: d1Usd(newRows) },
    kv: {
      readsPerSecond: kvReads,
      writesPerSecond: kvWrites,
      usdPerMonth:
        overage(month(kvReads), prices.kvReadsIncludedPerMonth, prices.kvUsdPerMillionReads) +
        overage(month(kvWrites), prices.kvWritesIncludedPerMonth, prices.kvUsdPerMillionWrites),
      writesPerKeyLimit: limits.kvWritesPerKeyPerSecond,
    },
    analyticsEngine: {
      pointsPerSecond: aePoints,
      pointsPerInvocation: aePointsPerInvocation,
      perInvocationLimit: limits.aePointsPerInvocation,
      pointsPerMonth: month(aePoints),
      usdPerMonth: overage(month(aePoints), prices.aePointsIncludedPerMonth, prices.aeUsdPerMillionPoints),
    },
    healthLoop: {
      sqlQueriesPerMinute: {
        typical: activeRollouts * p.sqlQueriesPerRolloutTypical,
        worst: activeRollouts * p.sqlQueriesPerRolloutWorst,
      },
    },
  };
}
