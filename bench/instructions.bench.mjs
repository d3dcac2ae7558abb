// bench:instructions — the router's own work against the floor's, counted in
// instructions instead of time. Router (the deployed bundle, bench flag at
// 25 %) and floor (lib/floor-worker.mjs: SPEC's per-request work without
// flag logic) each run in their own workerd under Valgrind's callgrind
// (lib/callgrind.mjs), in front of the same Node origins. After a warm-up
// (so V8 has optimised both), windows alternate between them: zero the
// counters, send N requests at concurrency C, read every thread's count.
// Each window pair gives floor/router instructions per request — the same
// sense as router/floor throughput, since a CPU-bound Worker's throughput
// is the inverse of its work per request — reported as the median with its
// distribution-free interval (lib/stats.mjs). Instruction counts do not move
// with the other tenants of a shared VM, which is why this instrument
// exists (docs/benchmarks-history.md). They count user-space work only: the
// kernel's share (sockets) is the same for both Workers, so the ratio of
// whole CPU time would lie closer to 1 than this one.
// The version probe (a D1/KV read every few seconds) is set to once an
// hour: under callgrind a request takes ~40× longer, so a 5 s probe would
// land on every hundredth request instead of every few thousandth.
// Under callgrind a GC pause can outlast the bench flag's 2 s origin timeout,
// so both Workers wait up to 30 s (a timer costs the same whatever its length).
// Also names the native functions whose instructions differ most (the last
// window of each), and the share of JIT-compiled JavaScript.
// Writes bench/results/instructions.json.
//
//   node bench/instructions.bench.mjs [--windows N] [--requests N] [--warmup N] [--connections C] [--bundle PATH]
//   node bench/instructions.bench.mjs --smoke   # a few requests per Worker, asserts, nothing written
//
// Contract: installs valgrind from apt when missing or fails loudly; every
// process it starts is stopped before it exits; all load on 127.0.0.1,
// bounded by windows × requests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { cleanupStack } from "../scripts/lib/cleanups.mjs";
import { ensureAptTool } from "./lib/apt.mjs";
import { ROUTE_PATH, startBenchRouter, startFloor } from "./lib/bench-workers.mjs";
import { callgrindWorkerd, dumpProfile, instructions, largestDifferences, selfCosts, zero } from "./lib/callgrind.mjs";
import { floorScript } from "./lib/floor-worker.mjs";
import { buildDeployed } from "./lib/harness.mjs";
import { startOrigin } from "./lib/origin.mjs";
import { startTracked } from "./lib/paired.mjs";
import { median, medianInterval } from "./lib/stats.mjs";

const TARGET_RATIO = 0.97;
const SLOW_TIMEOUT_MS = 30_000;
const { values: args } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    windows: { type: "string", default: "8" },
    requests: { type: "string", default: "1000" },
    warmup: { type: "string", default: "3000" },
    connections: { type: "string", default: "4" },
    bundle: { type: "string" },
  },
});
const windows = args.smoke ? 1 : Number(args.windows);
const requests = args.smoke ? 40 : Number(args.requests);
const warmup = args.smoke ? 40 : Number(args.warmup);
const connections = Number(args.connections);

const { cleanups, cleanup } = cleanupStack();

let nextUser = 0;
const BODY = '{"inputs":"the service was great"}';

/** One bench request on `agent`'s kept-alive sockets; resolves to { status, variant, text }. */
function post(url, agent) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      new URL(ROUTE_PATH, url),
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(BODY),
          "x-user-id": `bench-user-${nextUser++ % 1000}`,
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode, variant: response.headers["x-model-variant"] ?? "none", text }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(BODY);
  });
}

// Kept-alive sockets race the server closing them: a request written as the
// close arrives fails with ECONNRESET, usually before workerd read it. It
// is sent again (at most 3 times in all); whatever it cost stays in the window
// (at most one request of the 1 000 counted). Every resend is counted and shown.
const RESET = new Set(["ECONNRESET", "EPIPE"]);
let resets = 0;
async function postRetryingReset(url, agent, attempts = 3) {
  try {
    return await post(url, agent);
  } catch (error) {
    if (attempts <= 1 || !(RESET.has(error.code) || error.message === "socket hang up")) throw error;
    resets++;
    return postRetryingReset(url, agent, attempts - 1);
  }
}

/**
 * `count` bench requests, `connections` at once, on sockets opened for this
 * load alone (a socket left idle while the other Worker was measured may
 * have been closed by workerd); every one must be a 200. Returns variant counts.
 */
async function load(url, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const variants = {};
  let sent = 0;
  const client = async () => {
    while (sent < count) {
      sent++;
      const { status, variant, text } = await postRetryingReset(url, agent);
      if (status !== 200 || !text.includes('"label"')) throw new Error(`${url}: ${status} ${text.slice(0, 200)}`);
      variants[variant] = (variants[variant] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, client));
  } finally {
    agent.destroy();
  }
  return variants;
}

/** Fails unless the router split its requests and the floor served blue to all. */
function assertVariants(name, variants, count) {
  const green = variants.green ?? 0;
  const ok =
    name === "floor" ? variants.blue === count : green > 0 && green < count && green + (variants.blue ?? 0) === count;
  if (!ok) throw new Error(`${name}: unexpected variants ${JSON.stringify(variants)} of ${count}`);
}

async function main() {
  ensureAptTool("valgrind", "valgrind", "npm run bench:instructions");
  const work = mkdtempSync(path.join(tmpdir(), "switchyard-instructions-"));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  const scriptPath = args.bundle ?? buildDeployed(path.join(work, "deployed")).router;
  const blue = await startOrigin("blue");
  cleanups.push(blue.close);
  const green = await startOrigin("green");
  cleanups.push(green.close);
  process.env.MINIFLARE_WORKERD_PATH = callgrindWorkerd(work);
  const origins = { blue: blue.port, green: green.port };
  const targets = {
    router: await startTracked(async () => {
      const started = await startBenchRouter(scriptPath, origins, cleanups, {
        bindings: { VERSION_PROBE_SECONDS: "3600" },
        seed: (db) => db.prepare("UPDATE flags SET timeout_ms = ?1").bind(SLOW_TIMEOUT_MS).run(),
      });
      return started.url;
    }),
    floor: await startTracked(() => startFloor(blue.port, cleanups, floorScript(SLOW_TIMEOUT_MS))),
  };
  delete process.env.MINIFLARE_WORKERD_PATH;
  for (const [name, target] of Object.entries(targets)) {
    const variants = await load(target.value, warmup);
    assertVariants(name, variants, warmup);
    console.log(`${name}: warmed up with ${warmup} requests ${JSON.stringify(variants)}`);
  }

  const perRequest = { router: [], floor: [] };
  const profiles = {};
  for (let window = 0; window < windows; window++) {
    const order = window % 2 === 0 ? ["router", "floor"] : ["floor", "router"];
    for (const name of order) {
      const { pid, value: url } = targets[name];
      zero(pid);
      const variants = await load(url, requests);
      const counted = instructions(pid);
      assertVariants(name, variants, requests);
      perRequest[name].push(counted / requests);
      if (window === windows - 1) profiles[name] = selfCosts(dumpProfile(work, pid, `${name}-${window}`));
      console.log(
        `window ${window} ${name.padEnd(6)} ${(counted / requests / 1000).toFixed(1)} k instructions/request${resets ? ` (${resets} resent after a reset so far)` : ""}`,
      );
    }
  }
  const ratios = perRequest.router.map((router, i) => perRequest.floor[i] / router);
  const interval = medianInterval(ratios);
  const round = (n, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;
  const jit = (profile) => round((profile.costs.get("(JIT code)") ?? 0) / requests, 0);
  const result = {
    method: "callgrind Ir, all threads, per request",
    windows,
    requestsPerWindow: requests,
    warmupRequests: warmup,
    connections,
    resentAfterReset: resets,
    routerPerRequest: perRequest.router.map((n) => round(n, 0)),
    floorPerRequest: perRequest.floor.map((n) => round(n, 0)),
    floorOverRouter: {
      median: round(median(ratios)),
      low: round(interval.low),
      high: round(interval.high),
      coverage: round(interval.coverage),
    },
    jitPerRequest: { router: jit(profiles.router), floor: jit(profiles.floor) },
    largestDifferences: largestDifferences(profiles.router, profiles.floor, requests, 12).map((row) => ({
      name: row.name.slice(0, 160),
      router: round(row.a, 0),
      floor: round(row.b, 0),
    })),
  };
  if (!(result.floorOverRouter.median > 0) || result.routerPerRequest.some((n) => !(n > 0)))
    throw new Error(`implausible instruction counts: ${JSON.stringify(result)}`);
  console.log("largest differences per request (router − floor), last window:");
  for (const row of result.largestDifferences)
    console.log(`  ${String(row.router - row.floor).padStart(8)}  ${row.name.slice(0, 110)}`);
  console.log(
    `instructions per request: router ${round(median(perRequest.router) / 1000, 1)}k, floor ${round(median(perRequest.floor) / 1000, 1)}k; JIT code router ${result.jitPerRequest.router}, floor ${result.jitPerRequest.floor}`,
  );
  const { median: ratio, low, high, coverage } = result.floorOverRouter;
  console.log(
    `floor / router instructions ${ratio} (${(coverage * 100).toFixed(1)} % interval ${low}–${high}, ${windows} window pairs) (target ≥ ${TARGET_RATIO}): ${ratio >= TARGET_RATIO ? "meets" : "MISSES"}`,
  );
  if (args.smoke) return;
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/instructions.json", JSON.stringify(result, null, 2) + "\n");
}

try {
  await main();
} catch (error) {
  console.error(`bench:instructions failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
