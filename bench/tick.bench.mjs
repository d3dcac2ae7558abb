// bench:tick — CPU and wall cost of one health-loop tick
// (the Worker's own `scheduled` handler: snapshot reconcile + measure →
// judge → act) with N active rollouts on the embedded reader (D1 `outcomes`).
// The built bundle runs under Miniflare (workerd) on 127.0.0.1; D1 lives in
// the same workerd process, so its query CPU is counted too.
// CPU = utime+stime of the workerd processes under this Node process
// (/proc/<pid>/stat, 10 ms clock ticks), read before and after each tick,
// minus the idle CPU rate × the tick's wall time (measured the same way).
// Every tick must add exactly one rollout-scope decision per rollout.
//
//   node bench/tick.bench.mjs [--rollouts N] [--ticks T] [--smoke]
//
// Contract: writes bench/results/tick.json (not with --smoke, which uses tiny
// sizes and only asserts); everything started is stopped on exit; no network
// beyond 127.0.0.1. Target: median CPU and wall per tick ≤ 2 s.
import { readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startRouterWorker } from "./lib/bench-workers.mjs";
import { buildBundle } from "./lib/harness.mjs";
import { median, spread } from "./lib/stats.mjs";
import { cleanupStack } from "../scripts/lib/cleanups.mjs";

const { values: args } = parseArgs({
  options: {
    rollouts: { type: "string", default: "100" },
    ticks: { type: "string", default: "7" },
    bundle: { type: "string" },
    smoke: { type: "boolean", default: false },
  },
});
const ROLLOUTS = args.smoke ? 3 : Number(args.rollouts);
const TICKS = args.smoke ? 2 : Number(args.ticks);
const TARGET_MS = 2000;
const CLK_TCK_MS = 10; // USER_HZ is 100 on Linux (getconf CLK_TCK)
const MINUTE = 60_000;

const { cleanups, cleanup } = cleanupStack();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- CPU of the workerd processes spawned (directly or not) by this Node process.
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
function workerdPids() {
  const found = [];
  const walk = (pid) => {
    for (const child of childrenOf(pid)) {
      if (readFileSync(`/proc/${child}/comm`, "utf8").trim().startsWith("workerd")) found.push(child);
      walk(child);
    }
  };
  walk(process.pid);
  if (found.length === 0) throw new Error("no workerd child process found");
  return found;
}
function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    // Fields after "(comm)": state is field 3, utime 14, stime 15 (1-based).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").pop().split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * CLK_TCK_MS;
}

// ---- Seed: N flags, each with an active rollout at serve:25 (stage 2 of the
// demo plan) started 5 min ago, so every tick judges it (guards and
// exceedance queries run: samples ≥ minSamples) and holds (duration not met).
const PLAN = JSON.stringify([
  { mode: "shadow", percent: 0, minDurationSeconds: 300, minSamples: 200 },
  { mode: "serve", percent: 5, minDurationSeconds: 600, minSamples: 100 },
  { mode: "serve", percent: 25, minDurationSeconds: 600, minSamples: 100 },
  { mode: "serve", percent: 50, minDurationSeconds: 900, minSamples: 1000 },
  { mode: "serve", percent: 100, minDurationSeconds: 900, minSamples: 1000 },
]);
// Rows go in as one JSON array per prepared statement (json_each): per-row
// statements in a D1 batch cost ~2.5 ms each locally, which would make seeding
// 100k rows take minutes.
const OUTCOMES_FROM_JSON = `INSERT INTO outcomes (ts, request_id, flag_key, rollout_id, variant, reason, rule_id, stage, status, latency_ms, error, timeout, colo, kind)
  SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, NULL, j.value ->> 6,
         j.value ->> 7, j.value ->> 8, j.value ->> 9, 0, 'LHR', 'served'
  FROM json_each(?1) AS j`;

function prng(seed) {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function seed(db, now) {
  const stageStartedAt = now - 5 * MINUTE;
  const createdAt = now - 30 * MINUTE;
  const setup = [];
  for (let i = 0; i < ROLLOUTS; i++) {
    const key = `tick-${String(i).padStart(3, "0")}`;
    setup.push(
      db
        .prepare(
          `INSERT INTO flags (key, route_method, route_path, blue_origin, green_origin, timeout_ms) VALUES (?1, 'POST', ?2, ?3, ?4, 2000)`,
        )
        .bind(
          key,
          `/${key}/predict`,
          JSON.stringify({ url: "http://127.0.0.1:9/blue" }),
          JSON.stringify({ url: "http://127.0.0.1:9/green" }),
        ),
    );
    setup.push(
      db
        .prepare(
          `INSERT INTO rollouts (id, flag_key, stages, stage_index, stage_started_at, hold_seconds, state, created_at) VALUES (?1, ?2, ?3, 2, ?4, 600, 'active', ?5)`,
        )
        .bind(`${key}-r`, key, PLAN, stageStartedAt, createdAt),
    );
  }
  await db.batch(setup);

  const random = prng(42);
  let statements = [];
  let rows = 0;
  const flush = async () => {
    if (statements.length) await db.batch(statements);
    statements = [];
  };
  const outcome = db.prepare(OUTCOMES_FROM_JSON);
  let chunk = [];
  const pushRow = async (row) => {
    chunk.push(row);
    if (chunk.length >= 1000) {
      statements.push(outcome.bind(JSON.stringify(chunk)));
      chunk = [];
      if (statements.length >= 20) await flush();
    }
  };
  for (let i = 0; i < ROLLOUTS; i++) {
    const key = `tick-${String(i).padStart(3, "0")}`;
    // 200–2 000 rows in the current stage window (served 75 % blue / 25 % green), plus
    // 200 of blue's rows without a rollout in the hour before it started (the baseline).
    const current = 200 + ((i * 397) % 1801);
    for (let n = 0; n < current + 200; n++) {
      const inWindow = n < current;
      const variant = inWindow && random() < 0.25 ? "green" : "blue";
      const ts = inWindow
        ? stageStartedAt + Math.floor(random() * 5 * MINUTE)
        : createdAt - Math.floor(random() * 60 * MINUTE);
      const error = random() < 0.005 ? 1 : 0;
      const latency = Math.round((30 + 80 * random() + (random() < 0.05 ? 200 * random() : 0)) * 10) / 10;
      await pushRow([
        ts,
        `${key}-${n}`,
        key,
        inWindow ? `${key}-r` : null,
        variant,
        inWindow ? "SPLIT" : "DEFAULT",
        inWindow ? "serve:25" : "none",
        error ? 500 : 200,
        latency,
        error,
      ]);
      rows++;
    }
  }
  if (chunk.length) statements.push(outcome.bind(JSON.stringify(chunk)));
  await flush();
  return rows;
}

const countDecisions = async (db) =>
  (await db.prepare("SELECT COUNT(*) AS n FROM decisions WHERE scope = 'rollout'").first()).n;

async function tick(worker, db, pids, label) {
  const before = await countDecisions(db);
  const cpu0 = cpuMs(pids);
  const started = performance.now();
  // workerd completes a scheduled event only after its waitUntil work (the whole tick) settles.
  const result = await worker.scheduled({ cron: "* * * * *", scheduledTime: new Date() });
  const wallMs = performance.now() - started;
  const cpu = cpuMs(pids) - cpu0;
  if (result.outcome !== "ok") throw new Error(`${label}: scheduled outcome ${result.outcome}`);
  const decisions = (await countDecisions(db)) - before;
  return { wallMs, cpuRawMs: cpu, decisions };
}

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), "switchyard-tick-"));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  const scriptPath = args.bundle ? path.resolve(args.bundle) : buildBundle(work);
  // The single-Worker bundle (it carries the cron) with the local outcome store the tick reads.
  const router = await startRouterWorker(scriptPath, cleanups, {
    OUTCOMES_EMBEDDED: "1",
    METRICS_READER: "embedded",
    SNAPSHOT_STORE: "hybrid",
  });
  const db = await router.database();
  const seedStarted = performance.now();
  const outcomeRows = await seed(db, Date.now());
  console.log(
    `seeded ${ROLLOUTS} rollouts, ${outcomeRows} outcome rows in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );
  const worker = await router.worker();
  const pids = workerdPids();

  // The first tick also publishes every snapshot and captures every baseline: reported, not in the medians.
  const first = await tick(worker, db, pids, "first tick");
  console.log(
    `first tick (publishes + baselines): wall ${first.wallMs.toFixed(0)} ms, cpu ${first.cpuRawMs} ms, decisions ${first.decisions}`,
  );

  // Idle CPU rate of workerd (timers, housekeeping), measured the same way.
  const idle0 = cpuMs(pids);
  const idleStarted = performance.now();
  await sleep(args.smoke ? 300 : 3000);
  const idleRate = (cpuMs(pids) - idle0) / (performance.now() - idleStarted);

  const samples = [];
  for (let i = 0; i < TICKS; i++) {
    const sample = await tick(worker, db, pids, `tick ${i}`);
    sample.cpuMs = Math.max(0, sample.cpuRawMs - idleRate * sample.wallMs);
    samples.push(sample);
    console.log(
      `tick ${i}: wall ${sample.wallMs.toFixed(0)} ms, cpu ${sample.cpuMs.toFixed(0)} ms, decisions ${sample.decisions}`,
    );
    if (sample.decisions !== ROLLOUTS)
      throw new Error(`tick ${i} judged ${sample.decisions} rollouts, expected ${ROLLOUTS}`);
    await sleep(200);
  }
  if (first.decisions !== ROLLOUTS)
    throw new Error(`first tick judged ${first.decisions} rollouts, expected ${ROLLOUTS}`);

  const result = {
    rollouts: ROLLOUTS,
    cpuMs: Math.round(median(samples.map((s) => s.cpuMs))),
    wallMs: Math.round(median(samples.map((s) => s.wallMs))),
    ticks: TICKS,
    decisionsPerTick: median(samples.map((s) => s.decisions)),
    cpuSpreadMs: spread(
      samples.map((s) => s.cpuMs),
      0,
    ),
    wallSpreadMs: spread(
      samples.map((s) => s.wallMs),
      0,
    ),
    idleCpuMsPerS: Math.round(idleRate * 1000 * 10) / 10,
    firstTick: { wallMs: Math.round(first.wallMs), cpuMs: first.cpuRawMs },
    outcomeRows,
    targetMs: TARGET_MS,
    samples: samples.map((s) => ({ wallMs: Math.round(s.wallMs), cpuMs: Math.round(s.cpuMs), decisions: s.decisions })),
  };
  console.log(JSON.stringify(result));
  const meets = result.cpuMs <= TARGET_MS && result.wallMs <= TARGET_MS;
  console.log(
    `health tick with ${ROLLOUTS} rollouts: cpu ${result.cpuMs} ms, wall ${result.wallMs} ms (target ≤ ${TARGET_MS} ms): ${meets ? "meets" : "MISSES"}`,
  );
  if (!args.smoke) {
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/tick.json", JSON.stringify(result, null, 2) + "\n");
  }
}

try {
  await main();
} catch (error) {
  console.error(`bench:tick failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
