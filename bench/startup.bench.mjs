// bench:startup — what a new router isolate pays before its first request.
//   - busyMs: the CPU busy time of the deployed router's start-up profile from
//     `wrangler check startup` (offline: workerd imports the main module under
//     V8's profiler): every sample that is not idle while the main module is
//     evaluated. Profiles are noisy on a shared machine, so it takes several
//     and reports the median (and the least disturbed run); and, interleaved,
//     the same for an empty Worker (emptyBusyMs): V8's default sampling sees
//     one to four samples of a start this short, each carrying ms of
//     whatever came before it, so that is what the instrument reads when a
//     Worker does no start-up work at all. busyMsMean and emptyBusyMsMean
//     estimate each one's expected reading (a profile catches the start in a
//     sample of several ms or reads 0, so the median flips between the two).
//   - fineBusyMs: the same profile sampled every 50 µs (./lib/fine-profile.mjs):
//     V8's default catches a handful of samples in a few milliseconds, so the
//     wrangler figure moves by whole samples; the router's and, for
//     comparison, the single-Worker script's and the empty Worker's.
//   - isolateStartMs: the whole start, which that profile does not see —
//     workerd compiles every module of the upload before the profiler starts
//     (./lib/isolate-start.mjs) — for the router and, for comparison, the
//     single-Worker script that still carries the control plane.
//   - the bundles' sizes: router raw and gzipped, control Worker, single Worker.
// Writes bench/results/startup.json { busyMs, isolateStartMs, bundleBytes, … }.
//
//   node bench/startup.bench.mjs [--runs N]
//   node bench/startup.bench.mjs --smoke   # one profile, asserts, nothing written
//
// Contract: every child (wrangler, its workerd) ends before it exits; all
// files it writes besides the results live in a temp dir it removes.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { buildBundle, buildDeployed } from "./lib/harness.mjs";
import { fineStartupBusyMs } from "./lib/fine-profile.mjs";
import { isolateStartMs } from "./lib/isolate-start.mjs";
import { median } from "./lib/stats.mjs";

const TARGET_BUSY_MS = 10;
const TOP_ITEMS = 8;
const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

const { values: args } = parseArgs({
  options: { smoke: { type: "boolean", default: false }, runs: { type: "string", default: "9" } },
});

function wrangler(argv) {
  const run = spawnSync("npx", ["wrangler", ...argv], { env: WRANGLER_ENV, encoding: "utf8", timeout: 120_000 });
  if (run.status !== 0) throw new Error(`wrangler ${argv.join(" ")} failed:\n${run.stdout}\n${run.stderr}`);
}

/** The upload wrangler would deploy (multipart: metadata + modules), and its main module's text. */
async function buildUpload(dir, configArgs = []) {
  const file = path.join(dir, "worker.bundle");
  wrangler(["deploy", "--dry-run", ...configArgs, `--outfile=${file}`]);
  const bytes = readFileSync(file);
  const boundary = bytes.subarray(2, bytes.indexOf(10)).toString().trim();
  const form = await new Response(bytes, {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  }).formData();
  const { main_module: main } = JSON.parse(form.get("metadata"));
  return { file, main: Buffer.from(await form.get(main).arrayBuffer()) };
}

/**
 * Start line → source file, from the `// src/…` and `// node_modules/…`
 * comments esbuild puts before each module; null for a minified bundle
 * (no such comments), whose items are then named by function.
 */
function moduleMap(text) {
  const starts = [];
  text.split("\n").forEach((line, index) => {
    const match = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line);
    if (match) starts.push([index, match[1]]);
  });
  if (starts.length === 0) return null;
  return (line) => {
    let found = "(bundle prelude)";
    for (const [start, name] of starts) if (start <= line) found = name;
    return found;
  };
}

/** Busy ms of one profile, and its self time per source module (top-level code and functions alike). */
function analyse(profile, moduleAt) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const perModule = new Map();
  let busyMs = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    if (functionName === "(idle)") return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    busyMs += ms;
    const where =
      moduleAt && url && lineNumber >= 0
        ? moduleAt(lineNumber)
        : functionName || (url ? "(script top level)" : "(native)");
    perModule.set(where, (perModule.get(where) ?? 0) + ms);
  });
  return { busyMs, perModule };
}

/**
 * The same upload for a Worker that does nothing (answers "ok"): its profile
 * is what the instrument reads when there is no start-up work to see.
 */
async function buildEmptyUpload(dir) {
  const home = path.join(dir, "empty");
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, "index.js"), 'export default { fetch() { return new Response("ok"); } };\n');
  writeFileSync(
    path.join(home, "wrangler.toml"),
    `name = "empty"\nmain = "index.js"\ncompatibility_date = "2026-04-20"\ncompatibility_flags = ["nodejs_compat"]\n`,
  );
  return buildUpload(home, [`--config=${path.join(home, "wrangler.toml")}`]);
}

function profileOnce(dir, upload, run) {
  const outfile = path.join(dir, `startup-${run}.cpuprofile`);
  wrangler(["check", "startup", `--worker=${upload.file}`, `--outfile=${outfile}`]);
  return JSON.parse(readFileSync(outfile, "utf8"));
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-startup-"));
  try {
    const upload = await buildUpload(dir);
    const empty = await buildEmptyUpload(dir);
    const moduleAt = moduleMap(upload.main.toString("utf8"));
    const runs = args.smoke ? 1 : Math.max(1, Number(args.runs));
    const profiles = [];
    const emptyBusy = [];
    // Interleaved, so the router's and the empty Worker's profiles see the same machine.
    for (let run = 0; run < runs; run++) {
      const profiled = analyse(profileOnce(dir, upload, run), moduleAt);
      profiles.push(profiled);
      emptyBusy.push(analyse(profileOnce(dir, empty, `empty-${run}`), null).busyMs);
      console.log(
        `profile ${run + 1}/${runs}: busy ${profiled.busyMs.toFixed(1)} ms (an empty Worker: ${emptyBusy.at(-1).toFixed(1)} ms)`,
      );
    }
    const deployed = buildDeployed(path.join(dir, "deployed"));
    const single = buildBundle(path.join(dir, "single"));
    const routerText = readFileSync(deployed.router, "utf8");
    const singleText = readFileSync(single, "utf8");
    const fine = { router: [], single: [], empty: [] };
    for (let run = 0; run < runs; run++) {
      fine.router.push(await fineStartupBusyMs(routerText));
      fine.single.push(await fineStartupBusyMs(singleText));
      fine.empty.push(await fineStartupBusyMs(empty.main.toString("utf8")));
    }
    const start = await isolateStartMs(
      { router: deployed.router, single },
      args.smoke ? { copies: 2, rounds: 1 } : { copies: 8, rounds: 5 },
    );
    const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
    const busy = profiles.map((p) => p.busyMs);
    const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
    // The profile whose busy time is the median: its items are the typical ones.
    const typical = profiles.toSorted((a, b) => a.busyMs - b.busyMs)[(profiles.length - 1) >> 1];
    const result = {
      busyMs: round(median(busy)),
      busyMsMin: round(Math.min(...busy)),
      busyMsRuns: busy.map((ms) => round(ms)),
      emptyBusyMs: round(median(emptyBusy)),
      emptyBusyMsRuns: emptyBusy.map((ms) => round(ms)),
      // A profile either catches the start in a sample (carrying ms since the
      // one before) or reads 0, so the median flips between the two modes from
      // run to run; the means estimate each Worker's expected reading, and
      // their difference what the router's start adds to nothing.
      busyMsMean: round(mean(busy)),
      emptyBusyMsMean: round(mean(emptyBusy)),
      fineBusyMs: round(median(fine.router)),
      singleFineBusyMs: round(median(fine.single)),
      emptyFineBusyMs: round(median(fine.empty)),
      isolateStartMs: round(start.router),
      singleIsolateStartMs: round(start.single),
      bundleBytes: upload.main.length,
      bundleGzipBytes: gzipSync(upload.main).length,
      controlBundleBytes: statSync(deployed.control).size,
      singleBundleBytes: statSync(single).size,
      topItems: [...typical.perModule]
        .sort((a, b) => b[1] - a[1])
        .slice(0, TOP_ITEMS)
        .map(([item, ms]) => ({ item, ms: round(ms) })),
    };
    // The router starts in a few ms, so V8's default sampling can miss it
    // entirely: a wrangler profile with no busy sample is a real outcome (its
    // resolution, not a failure). The 50 µs profile always sees the start.
    if (
      !(result.busyMs >= 0) ||
      !(result.fineBusyMs > 0) ||
      !(result.bundleBytes > 0) ||
      !(result.bundleGzipBytes > 0) ||
      !Number.isFinite(result.isolateStartMs)
    )
      throw new Error(`implausible start-up figures: ${JSON.stringify(result)}`);
    console.log(
      `startup: busy ${result.busyMs} ms (min ${result.busyMsMin}), bundle ${result.bundleBytes} bytes (gzip ${result.bundleGzipBytes})`,
    );
    console.log(
      `the same profile of an empty Worker: busy ${result.emptyBusyMs} ms (runs ${result.emptyBusyMsRuns.join(", ")})`,
    );
    console.log(
      `means: router ${result.busyMsMean} ms, empty Worker ${result.emptyBusyMsMean} ms (the router's start adds ${round(result.busyMsMean - result.emptyBusyMsMean)} ms to nothing)`,
    );
    for (const { item, ms } of result.topItems) console.log(`  ${String(ms).padStart(6)} ms  ${item}`);
    console.log(
      `evaluation sampled every 50 µs (median): router ${result.fineBusyMs} ms, single Worker ${result.singleFineBusyMs} ms, empty Worker ${result.emptyFineBusyMs} ms`,
    );
    console.log(
      `isolate start (compile + evaluate, per isolate): router ${result.isolateStartMs} ms, single Worker ${result.singleIsolateStartMs} ms (${result.singleBundleBytes} bytes); control Worker ${result.controlBundleBytes} bytes`,
    );
    if (args.smoke) return;
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/startup.json", JSON.stringify(result, null, 2) + "\n");
    console.log(
      `start-up busy time ${result.busyMs} ms (target ≤ ${TARGET_BUSY_MS}): ${result.busyMs <= TARGET_BUSY_MS ? "meets" : "MISSES"}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  console.error(`bench:startup failed: ${error.stack ?? error}`);
  process.exitCode = 1;
}
