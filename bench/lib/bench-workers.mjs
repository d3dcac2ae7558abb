// The Workers the router benchmarks load, each in its own Miniflare (one
// workerd process) on 127.0.0.1: the built router with the bench flag, a
// bare pass-through Worker, and the floor Worker (./floor-worker.mjs).
// Contract: every start registers its own disposal on the caller's
// `cleanups` (an array of async functions); values are bound, never
// interpolated, and only ever point at the harness's own 127.0.0.1 ports.
import path from "node:path";
import { Miniflare } from "miniflare";
import { FLOOR_SCRIPT } from "./floor-worker.mjs";
import { COMPATIBILITY, migrationStatements } from "./harness.mjs";

export const ROUTE_PATH = "/bench/predict";

// One flag on POST /bench/predict with a serving 25 % stage (schema defaults
// elsewhere: no rules, no overrides, failover off).
const SEED = [
  [
    `INSERT INTO flags (key, description, route_method, route_path, blue_origin, green_origin, timeout_ms, unit_key_source, unit_key_name, version)
    VALUES ('bench-model', 'bench: router vs bare', 'POST', ?1, ?2, ?3, 2000, 'header', 'x-user-id', 1)`,
    (o) => [ROUTE_PATH, o.blue, o.green],
  ],
  [
    `INSERT INTO rollouts (id, flag_key, stages, stage_index, stage_started_at, hold_seconds, state)
    VALUES ('bench-r1', 'bench-model', ?1, 0, ?2, 600, 'active')`,
    () => [JSON.stringify([{ mode: "serve", percent: 25, minDurationSeconds: 600, minSamples: 500 }]), Date.now()],
  ],
];

/**
 * The router bundle at `scriptPath` with its D1 migrated and nothing in it;
 * `bindings` over the defaults. Resolves to { url, database, worker }
 * (database() opens its D1, to seed flags or read outcomes; worker() gives
 * the Worker's handle, e.g. to run its cron).
 */
export async function startRouterWorker(scriptPath, cleanups, bindings = {}) {
  const mf = new Miniflare({
    ...COMPATIBILITY,
    modules: true,
    scriptPath,
    // The bundle lives in a temp dir; module names must stay inside modulesRoot.
    modulesRoot: path.dirname(scriptPath),
    host: "127.0.0.1",
    port: 0,
    cf: false, // no network fetch of a cf object; request.cf gets Miniflare's placeholder
    d1Databases: ["DB"],
    kvNamespaces: ["SNAPSHOTS"],
    d1Persist: false,
    kvPersist: false,
    // Miniflare's local AE binding is a no-op writeDataPoint, like `wrangler dev`.
    analyticsEngineDatasets: { OUTCOMES: { dataset: "switchyard_outcomes" } },
    bindings: { VERSION_PROBE_SECONDS: "5", OUTCOMES_EMBEDDED: "0", DEV_MODE: "0", ...bindings },
  });
  cleanups.push(() => mf.dispose());
  const url = await mf.ready;
  const db = await mf.getD1Database("DB");
  for (const statement of migrationStatements()) await db.prepare(statement).run();
  return { url, database: () => mf.getD1Database("DB"), worker: () => mf.getWorker() };
}

/**
 * The router with the bench flag routed to the `origins` ports ({ blue,
 * green }); `seed(db)` adds to it. Resolves like startRouterWorker.
 */
export async function startBenchRouter(scriptPath, origins, cleanups, { seed = null, bindings = {} } = {}) {
  const started = await startRouterWorker(scriptPath, cleanups, { SNAPSHOT_STORE: "hybrid", ...bindings });
  const db = await started.database();
  const originUrls = {
    blue: JSON.stringify({ url: `http://127.0.0.1:${origins.blue}` }),
    green: JSON.stringify({ url: `http://127.0.0.1:${origins.green}` }),
  };
  for (const [sql, params] of SEED)
    await db
      .prepare(sql)
      .bind(...params(originUrls))
      .run();
  if (seed) await seed(db);
  return started;
}

// The baseline: what any Worker in front of the origin costs at minimum.
const BARE_SCRIPT = `export default {
  fetch(request, env) {
    const url = new URL(request.url);
    return fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers: request.headers, body: request.body });
  },
};`;

/** A Worker of `script` with ORIGIN bound to the origin's port (and, with `outcomes`, the AE binding). */
async function startScript(script, originPort, cleanups, outcomes) {
  const mf = new Miniflare({
    ...COMPATIBILITY,
    modules: true,
    script,
    host: "127.0.0.1",
    port: 0,
    cf: false,
    bindings: { ORIGIN: `http://127.0.0.1:${originPort}` },
    ...(outcomes ? { analyticsEngineDatasets: { OUTCOMES: { dataset: "switchyard_outcomes" } } } : {}),
  });
  cleanups.push(() => mf.dispose());
  return mf.ready;
}

/** The bare pass-through Worker; resolves to its URL. */
export const startBare = (originPort, cleanups) => startScript(BARE_SCRIPT, originPort, cleanups, false);

/** The floor Worker (`script`: the floor with another timeout, ./floor-worker.mjs); resolves to its URL. */
export const startFloor = (originPort, cleanups, script = FLOOR_SCRIPT) =>
  startScript(script, originPort, cleanups, true);
