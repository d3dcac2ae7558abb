// Shared pieces of the Miniflare harnesses: wrangler's own builds of the
// Worker in both layouts (README, "Deploy") and the SQL of every migration.
//   - deployed: the router (wrangler.toml) and the control-plane Worker
//     (wrangler.control.toml), exactly what `npm run build` writes, run as two
//     Workers sharing D1/KV with the router's CONTROL service binding;
//   - single: one Worker with the control plane bundled (CONTROL_PLANE_BUNDLED),
//     the layout of `npm run dev` and the tests.
// Contract: no side effects beyond the given output directory.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";

export const COMPATIBILITY = { compatibilityDate: "2026-04-20", compatibilityFlags: ["nodejs_compat"] };
export const ROUTER_WORKER = "switchyard";
export const CONTROL_WORKER = "switchyard-control";

function wranglerBuild(args) {
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  const built = spawnSync("npx", ["wrangler", "deploy", "--dry-run", ...args], { env, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`wrangler build failed:\n${built.stdout}\n${built.stderr}`);
}

/** The single-Worker layout's bundle (control plane included): one script serves everything. */
export function buildBundle(outdir) {
  wranglerBuild(["--outdir", outdir, "--define", "CONTROL_PLANE_BUNDLED:true"]);
  return path.join(outdir, "index.js");
}

/** The deployed layout as `npm run build` writes it: `outdir`/index.js and `outdir`/control/control.js. */
export function buildDeployed(outdir) {
  wranglerBuild(["--outdir", outdir]);
  wranglerBuild(["--config", "wrangler.control.toml", "--outdir", path.join(outdir, "control")]);
  return deployedIn(outdir);
}

/** The two scripts of a deployed build already in `outdir` (e.g. `dist` after `npm run build`). */
export function deployedIn(outdir) {
  const scripts = { router: path.join(outdir, "index.js"), control: path.join(outdir, "control", "control.js") };
  for (const file of Object.values(scripts)) if (!existsSync(file)) throw new Error(`no ${file}: run npm run build`);
  return scripts;
}

/** Local storage for a harness's Workers: D1, KV and Analytics Engine by wrangler.toml's binding names. */
export const LOCAL_STORAGE = {
  d1Databases: ["DB"],
  kvNamespaces: ["SNAPSHOTS"],
  analyticsEngineDatasets: { OUTCOMES: { dataset: "switchyard_outcomes" } },
};

/**
 * Miniflare options for the deployed layout on 127.0.0.1 (a free port, no
 * persistence, no network fetch of a cf object), both Workers given `bindings`.
 */
export function deployedMiniflare(scripts, bindings) {
  return {
    host: "127.0.0.1",
    port: 0,
    cf: false,
    d1Persist: false,
    kvPersist: false,
    workers: deployedWorkers(scripts, { ...LOCAL_STORAGE, bindings }),
  };
}

/**
 * Secrets and vars only one of the two Workers reads, as the deploy docs
 * list them (docs/operating/configuration-and-deploying.md): the other Worker
 * never gets them here, so code that needed one on the wrong side fails
 * these runs instead of production.
 */
const CONTROL_ONLY = [
  "ORIGIN_ALLOWLIST",
  "KV_WRITE_GAP_MS",
  "METRICS_READER",
  "CF_ACCOUNT_ID",
  "CF_API_TOKEN",
  "AE_DATASET",
  "HEALTH_WEBHOOK_SECRET",
];
const ROUTER_ONLY = ["REQUEST_ID_SECRET"];

const without = (bindings, names) =>
  Object.fromEntries(Object.entries(bindings).filter(([name]) => !names.includes(name)));

/**
 * Miniflare `workers` for the deployed layout: the router first (it gets the
 * port), both with the same `storage` options (D1/KV/AE by binding name, so
 * one database) and each with its share of `bindings`; the router reaches
 * the control Worker through CONTROL as in production.
 */
export function deployedWorkers(scripts, { bindings = {}, ...storage } = {}) {
  const worker = (name, scriptPath, own, extra) => ({
    name,
    ...COMPATIBILITY,
    modules: true,
    scriptPath,
    modulesRoot: path.dirname(scriptPath),
    ...storage,
    bindings: own,
    ...extra,
  });
  return [
    worker(ROUTER_WORKER, scripts.router, without(bindings, CONTROL_ONLY), {
      serviceBindings: { CONTROL: CONTROL_WORKER },
    }),
    worker(CONTROL_WORKER, scripts.control, without(bindings, ROUTER_ONLY), {}),
  ];
}

/**
 * One isolate of `scriptPath` (the single-Worker bundle) among several in one
 * Miniflare, all sharing one D1 and one KV, as isolates of a deployment do:
 * the kill-switch and scale benchmarks flip a flag through one and watch the
 * others. `cache: false` is a Cache API that stores nothing (as on workers.dev).
 */
export function sharedStorageIsolate(name, scriptPath, { probeSeconds, adminToken, cache = true }) {
  return {
    name,
    cache,
    modules: true,
    scriptPath,
    modulesRoot: path.dirname(scriptPath),
    ...COMPATIBILITY,
    d1Databases: { DB: "shared-db" },
    kvNamespaces: { SNAPSHOTS: "shared-kv" },
    analyticsEngineDatasets: LOCAL_STORAGE.analyticsEngineDatasets,
    bindings: {
      VERSION_PROBE_SECONDS: String(probeSeconds),
      ADMIN_TOKEN: adminToken,
      ORIGIN_ALLOWLIST: "127.0.0.1",
      OUTCOMES_EMBEDDED: "0",
    },
  };
}

export function migrationStatements() {
  return readdirSync("migrations")
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .flatMap((name) => readFileSync(path.join("migrations", name), "utf8").split("--> statement-breakpoint"))
    .map((statement) => statement.trim())
    .filter((statement) => statement !== "");
}

/**
 * Migrates a fresh D1 and seeds flag `key` (POST /<key>/predict) with a rollout at
 * 100 % green, so a kill switch shows as every user turning blue.
 */
export async function seedAllGreenFlag(db, key, blue, green) {
  for (const statement of migrationStatements()) await db.prepare(statement).run();
  await db
    .prepare(
      "INSERT INTO flags (key, route_method, route_path, blue_origin, green_origin, timeout_ms) VALUES (?1, 'POST', ?2, ?3, ?4, 2000)",
    )
    .bind(
      key,
      `/${key}/predict`,
      JSON.stringify({ url: `http://127.0.0.1:${blue.port}` }),
      JSON.stringify({ url: `http://127.0.0.1:${green.port}` }),
    )
    .run();
  await db
    .prepare(
      "INSERT INTO rollouts (id, flag_key, stages, stage_index, stage_started_at, state) VALUES (?1, ?2, ?3, 0, ?4, 'active')",
    )
    .bind(
      `${key}-r`,
      key,
      JSON.stringify([{ mode: "serve", percent: 100, minDurationSeconds: 60, minSamples: 1 }]),
      Date.now(),
    )
    .run();
}
