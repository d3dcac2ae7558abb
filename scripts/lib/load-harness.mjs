// Load/chaos harness shared by scripts/soak.mjs and scripts/chaos.mjs: the
// deployed layout (router + control-plane Worker, as `npm run build` makes
// them) under Miniflare on 127.0.0.1 (OUTCOMES_EMBEDDED=1),
// model origins as separate Node processes (scripts/lib/fault-origin.mjs,
// so they can be killed for real), one flag at a serving stage with an
// active rollout, a load generator at a fixed rate with a bound
// on requests in flight (./load-generator.mjs), the cron handler on demand,
// workerd's RSS, and the outcome rows matched against the answers. What a
// run judges and what it only reports: ./load-report.mjs.
// Contract: everything started is registered in `cleanups` (stopped by the
// caller, last first); all traffic stays on 127.0.0.1; load is bounded by
// rate × seconds and by `maxInFlight`.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Miniflare } from "miniflare";
import {
  buildDeployed,
  CONTROL_WORKER,
  COMPATIBILITY,
  deployedIn,
  deployedMiniflare,
  migrationStatements,
} from "../../bench/lib/harness.mjs";

export const FLAG = "soak-model";
export const ROUTE = "/soak/predict";
const ORIGIN_SCRIPT = path.join(import.meta.dirname, "fault-origin.mjs");

/** A model origin in its own process; `stop()` is idempotent, `kill()` is the chaos fault. */
export async function startOriginProcess(name, { failEvery = 0, port = 0 } = {}) {
  const child = spawn(
    process.execPath,
    [ORIGIN_SCRIPT, "--name", name, "--port", String(port), "--fail-every", String(failEvery)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const boundPort = await new Promise((resolve, reject) => {
    let text = "";
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`origin ${name} exited early (${code})`)));
    child.stdout.on("data", (chunk) => {
      text += chunk;
      const line = text.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line).port);
    });
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async (signal = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { name, port: boundPort, pid: child.pid, stop, kill: () => stop("SIGKILL") };
}

/**
 * The flag's origin timeout. Generous on purpose: on a starved machine a
 * local origin can be descheduled for seconds, and the router's (correct)
 * 504 would then read as a router failure. Origin timeouts have their own tests.
 */
const ORIGIN_TIMEOUT_MS = 10_000;

/** Starts the router and seeds FLAG: blue/green on the given ports, rollout at `percent` % (then 100 %). */
export async function startRouter(
  { blue, green, percent = 25, minSamples = 200, buildDir, embedded = true },
  cleanups,
) {
  let scripts;
  if (buildDir) scripts = deployedIn(buildDir);
  else {
    const outdir = mkdtempSync(path.join(tmpdir(), "switchyard-load-"));
    cleanups.push(async () => rmSync(outdir, { recursive: true, force: true }));
    scripts = buildDeployed(outdir);
  }
  const mf = new Miniflare(
    deployedMiniflare(scripts, {
      SNAPSHOT_STORE: "hybrid",
      VERSION_PROBE_SECONDS: "1",
      OUTCOMES_EMBEDDED: embedded ? "1" : "0",
      DEV_MODE: "1",
      ORIGIN_ALLOWLIST: "127.0.0.1",
    }),
  );
  cleanups.push(() => mf.dispose());
  const base = await mf.ready;
  const db = await mf.getD1Database("DB");
  for (const statement of migrationStatements()) await db.prepare(statement).run();
  // Values are bound and only ever point at this harness's own 127.0.0.1 ports.
  await db
    .prepare(`INSERT INTO flags (key, description, route_method, route_path, blue_origin, green_origin, timeout_ms, failover, version)
    VALUES (?1, 'load: green fails 1 in 5', 'POST', ?2, ?3, ?4, ?5, 0, 1)`)
    .bind(
      FLAG,
      ROUTE,
      JSON.stringify({ url: `http://127.0.0.1:${blue}` }),
      JSON.stringify({ url: `http://127.0.0.1:${green}` }),
      ORIGIN_TIMEOUT_MS,
    )
    .run();
  const stages = [
    { mode: "serve", percent, minDurationSeconds: 0, minSamples },
    { mode: "serve", percent: 100, minDurationSeconds: 600, minSamples: 10_000 },
  ];
  const now = Date.now();
  await db
    .prepare(`INSERT INTO rollouts (id, flag_key, stages, stage_index, stage_started_at, hold_seconds, state, created_at, updated_at)
    VALUES ('load-r1', ?1, ?2, 0, ?3, 600, 'active', ?3, ?3)`)
    .bind(FLAG, JSON.stringify(stages), now)
    .run();
  await db.prepare("UPDATE flags SET version = version + 1 WHERE key = ?1").bind(FLAG).run();
  return { mf, base, db };
}

/** The workerd pids that appeared while `start()` ran: which runtime belongs to which Miniflare. */
export async function newWorkerdPids(start) {
  const before = new Set(workerdMemory().processes.map((p) => p.pid));
  const value = await start();
  return {
    value,
    pids: workerdMemory()
      .processes.map((p) => p.pid)
      .filter((pid) => !before.has(pid)),
  };
}

/**
 * The memory control: a bare pass-through Worker in its own Miniflare
 * (workerd) in front of the same origin, loaded at the same rate. workerd
 * under Miniflare grows its RSS steadily even for this trivial Worker, so
 * the router's growth is judged against it (TOOLCHAIN.md: always compare
 * with a bare Worker in the same harness).
 */
export async function startBareControl(originPort, cleanups) {
  const mf = new Miniflare({
    ...COMPATIBILITY,
    modules: true,
    host: "127.0.0.1",
    port: 0,
    script: `export default { fetch(request) {
      const url = new URL(request.url);
      return fetch("http://127.0.0.1:${Number(originPort)}" + url.pathname + url.search, { method: request.method, headers: request.headers, body: request.body });
    } };`,
  });
  cleanups.push(() => mf.dispose());
  return { base: await mf.ready };
}

/** One cron tick of the control Worker through Miniflare's scheduled dispatch (it waits for the waitUntil work). */
export async function tick(mf) {
  const worker = await mf.getWorker(CONTROL_WORKER);
  return worker.scheduled({ cron: "* * * * *", scheduledTime: new Date() });
}

/** workerd processes started by this Node process (Miniflare's runtime), with their RSS in KiB; `only` filters by pid. */
export function workerdMemory(only = null) {
  const found = [];
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      if (ppid !== process.pid || !/^Name:\s+workerd/m.test(status) || (only && !only.includes(Number(entry))))
        continue;
      found.push({ pid: Number(entry), rssKiB: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) });
    } catch {
      // The process ended while we looked.
    }
  }
  return { processes: found, rssKiB: found.reduce((sum, p) => sum + p.rssKiB, 0) };
}

/** Outcome rows of FLAG by kind, and the isolate's written/dropped counters. */
export async function outcomeCounts(base, db) {
  const rows = await db
    .prepare(
      "SELECT kind, count(*) AS n, sum(CASE WHEN status = 0 THEN 1 ELSE 0 END) AS unreachable FROM outcomes WHERE flag_key = ?1 GROUP BY kind",
    )
    .bind(FLAG)
    .all();
  const byKind = Object.fromEntries(rows.results.map((r) => [r.kind, { rows: r.n, statusZero: r.unreachable }]));
  const health = await (await fetch(new URL("/_switchyard/healthz", base))).json();
  return {
    served: byKind.served?.rows ?? 0,
    servedStatusZero: byKind.served?.statusZero ?? 0,
    byKind,
    counters: health.outcomes,
  };
}

/**
 * Waits until the embedded store holds `expected` served rows (or dropped
 * ones). A busy machine writes late, not never: the wait lasts while rows
 * keep arriving, and ends `quietMs` after the last one (or at `capMs`).
 */
export async function settleOutcomes(base, db, expected, { quietMs = 10_000, capMs = 120_000 } = {}) {
  const started = Date.now();
  let lastChange = Date.now();
  let counts = await outcomeCounts(base, db);
  while (
    counts.served + counts.counters.dropped < expected &&
    Date.now() - lastChange < quietMs &&
    Date.now() - started < capMs
  ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const next = await outcomeCounts(base, db);
    if (next.served + next.counters.dropped !== counts.served + counts.counters.dropped) lastChange = Date.now();
    counts = next;
  }
  return counts;
}

/**
 * Every answered request against the served outcome rows, by request id:
 * `missing` answers without a row, `duplicated` ones with more than one,
 * `statusMismatch` rows whose status 0 (origin unreachable) disagrees with
 * the answer (`origin_unavailable` ⇔ status 0). Rows of requests the client
 * gave up on may exist or not; `rows` counts all served rows.
 */
export async function matchOutcomes(db, answers) {
  const found = (
    await db
      .prepare(
        "SELECT request_id AS id, count(*) AS n, sum(CASE WHEN status = 0 THEN 1 ELSE 0 END) AS unreachable FROM outcomes WHERE flag_key = ?1 AND kind = 'served' GROUP BY request_id",
      )
      .bind(FLAG)
      .all()
  ).results;
  const byId = new Map(found.map((row) => [row.id, row]));
  const result = {
    answered: answers.size,
    rows: found.reduce((sum, row) => sum + row.n, 0),
    missing: 0,
    duplicated: 0,
    statusMismatch: 0,
  };
  for (const [id, answer] of answers) {
    const row = byId.get(id);
    if (!row) result.missing++;
    else if (row.n > 1) result.duplicated++;
    else if ((row.unreachable === 1) !== answer.unreachable) result.statusMismatch++;
  }
  return result;
}

export async function decisions(db) {
  return (
    await db
      .prepare("SELECT at, action, reason, applied, stage_index FROM decisions WHERE flag_key = ?1 ORDER BY id")
      .bind(FLAG)
      .all()
  ).results;
}
