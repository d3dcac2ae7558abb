// bench:router — the built router bundle against a bare
// pass-through Worker, both served by Miniflare (workerd) on 127.0.0.1 in
// this one harness, in front of the same local Node origin(s), loaded by wrk
// at the same concurrency in alternating runs (router, bare, router, …).
// Writes bench/results/router.json (medians) and router-runs.json (every
// run). Never uses `wrangler dev` (its proxy costs ~95 %, TOOLCHAIN.md).
// Where `taskset` and two cores exist, the Workers' workerd processes run
// on one core and wrk, the origins and this process on the other; after the
// alternating runs, paired rounds load router, bare and a third "floor"
// Worker (SPEC's per-request work without flag logic, lib/floor-worker.mjs) at
// once on that shared core (lib/paired.mjs), which measures CPU-cost ratios
// far more precisely than runs taken one after the other on this machine.
// The same rounds load peer Workers (LaunchDarkly, GrowthBook, flagd-core
// SDKs; lib/peers.mjs) serving the same flag, each checked for its split first.
// Then router and floor alone on that core in pairs: the router's own work by
// throughput and by CPU per request (/proc), each per-round ratio's median
// with its distribution-free interval (order statistics, exact coverage);
// every such round is followed by one with an identical floor Worker in the
// router's place, whose ratio (ideally 1) shows the instrument's own error.
// Then the answer scenarios (lib/answer-scenarios.mjs): the router with a
// response contract against the router without one (paired), and the first
// chunk of an event stream through the router against a bare Worker.
//
//   node bench/router.bench.mjs [--runs N] [--duration S] [--connections C] [--threads T] [--paired-rounds N] [--floor-rounds N] [--stream-requests N]
//   node bench/router.bench.mjs --bundle /path/to/index.js   # bench a prebuilt bundle
//   node bench/router.bench.mjs --smoke   # no wrk: a few hundred Node fetches, asserts, exit code
//
// Contract: everything it starts (origins, two Miniflare instances, wrk) is
// stopped before it exits, on success, failure or SIGINT/SIGTERM; all load
// stays on 127.0.0.1 and is bounded by runs × duration.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { cleanupStack } from "../scripts/lib/cleanups.mjs";
import { buildDeployed } from "./lib/harness.mjs";
import { ROUTE_PATH, startBare, startBenchRouter, startFloor } from "./lib/bench-workers.mjs";
import { startOrigin } from "./lib/origin.mjs";
import { buildPeers, PEERS, startPeer } from "./lib/peers.mjs";
import { median, medianInterval, spread } from "./lib/stats.mjs";
import { canPin, cpuMicros, LOAD_CORE, pin, runTogether, startTracked, WORKER_CORE } from "./lib/paired.mjs";
import {
  asChatFlag,
  asStreamFlag,
  assertStreamed,
  clientSeesTruncation,
  contractSettings,
  firstChunkRounds,
  inspectedCounts,
  inspectionFigures,
  startStreamOrigin,
  streamCpuRounds,
  streamOnce,
  usageCounts,
  withSettings,
} from "./lib/answer-scenarios.mjs";
import { ensureWrk, runWrk, stopAll as stopWrk, writeLuaScript } from "./lib/wrk.mjs";

const TARGET_RATIO = 0.9;
const TARGET_ADDED_P99_MS = 0.5;

const { values: args } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    runs: { type: "string", default: "2" },
    "paired-rounds": { type: "string", default: "6" },
    "floor-rounds": { type: "string", default: "8" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "32" },
    threads: { type: "string", default: "2" },
    // A prebuilt router bundle (e.g. a candidate fix built elsewhere) instead of building this checkout.
    bundle: { type: "string" },
    "latency-runs": { type: "string", default: "2" },
    "stream-requests": { type: "string", default: "150" },
  },
});

const { cleanups, cleanup } = cleanupStack(stopWrk);
// Each router's D1 by its URL (the answer scenarios' smoke check reads its outcomes).
const routerDbs = new Map();

/** The router with the bench flag; resolves to its URL (its D1 kept in routerDbs). */
async function startRouter(scriptPath, origins, options) {
  const started = await startBenchRouter(scriptPath, origins, cleanups, options);
  routerDbs.set(started.url.href, started.database);
  return started.url;
}

/** Every peer in its own workerd (tracked for pinning); each `{ name, value: url, pid }`. */
async function startPeers(origins, work) {
  const started = [];
  for (const peer of await buildPeers(work))
    started.push({ name: peer.name, ...(await startTracked(() => startPeer(peer, origins, cleanups))) });
  return started;
}

const peerRatios = (peers, rps) =>
  peers.map(({ name }) => `  ${name}/bare ${(rps[name] / rps.bare).toFixed(3)}`).join("");

/** Node-side requests (no wrk): used for --smoke and to check routing before loading. */
async function probe(base, count) {
  const variants = { blue: 0, green: 0, none: 0 };
  const failures = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const response = await fetch(new URL(ROUTE_PATH, base), {
      method: "POST",
      body: '{"inputs":"smoke"}',
      headers: { "content-type": "application/json", "x-user-id": `smoke-user-${i}` },
    });
    const text = await response.text();
    if (response.status !== 200 || !text.includes('"label"')) failures.push(`${response.status} ${text.slice(0, 200)}`);
    variants[response.headers.get("x-model-variant") ?? "none"]++;
  }
  return { variants, failures, ms: performance.now() - started };
}

function assertRouting(name, result, expectSplit) {
  if (result.failures.length > 0)
    throw new Error(`${name}: ${result.failures.length} failed requests, first: ${result.failures[0]}`);
  const total = result.variants.blue + result.variants.green + result.variants.none;
  const greenShare = result.variants.green / total;
  // 25 % of a few hundred distinct units: far outside 8–45 % means the split is broken.
  if (expectSplit && (result.variants.none > 0 || greenShare < 0.08 || greenShare > 0.45)) {
    throw new Error(`${name}: unexpected variants ${JSON.stringify(result.variants)}`);
  }
  console.log(
    `${name}: ${total} requests ok in ${result.ms.toFixed(0)} ms, variants ${JSON.stringify(result.variants)}`,
  );
}

async function main() {
  if (!args.smoke) ensureWrk(); // installs wrk or exits loudly: never a skipped benchmark
  const work = mkdtempSync(path.join(tmpdir(), "switchyard-bench-"));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  const blue = await startOrigin("blue");
  cleanups.push(blue.close);
  const green = await startOrigin("green");
  cleanups.push(green.close);
  // The deployed router alone: this path never reaches the control plane.
  const scriptPath = args.bundle ? path.resolve(args.bundle) : buildDeployed(work).router;
  const pinned = canPin() && !args.smoke;
  // Everything started from here on (origins are in this process; wrk, workerd) inherits this core.
  if (pinned) pin(process.pid, LOAD_CORE);
  const router = await startTracked(() => startRouter(scriptPath, { blue: blue.port, green: green.port }));
  const bare = await startTracked(() => startBare(blue.port, cleanups));
  const floor = await startTracked(() => startFloor(blue.port, cleanups));
  const floorTwin = await startTracked(() => startFloor(blue.port, cleanups));
  const peers = await startPeers({ blue: blue.port, green: green.port }, work);
  if (pinned) for (const { pid } of [router, bare, floor, floorTwin, ...peers]) pin(pid, WORKER_CORE);
  const [routerUrl, bareUrl, floorUrl] = [router.value, bare.value, floor.value];
  const answers = await startAnswerTargets(scriptPath, { blue: blue.port, green: green.port }, pinned);

  const count = args.smoke ? 200 : 50;
  assertRouting("router", await probe(routerUrl, count), true);
  assertRouting("bare", await probe(bareUrl, count), false);
  assertRouting("floor", await probe(floorUrl, count), false);
  assertRouting("floorTwin", await probe(floorTwin.value, count), false);
  for (const peer of peers) assertRouting(peer.name, await probe(peer.value, count), true);
  await checkAnswerTargets(answers, count);
  if (args.smoke) return;

  const load = {
    threads: Number(args.threads),
    connections: Number(args.connections),
    durationS: Number(args.duration),
  };
  const script = writeLuaScript(work, { path: ROUTE_PATH });
  const targets = {
    router: routerUrl.href,
    bare: bareUrl.href,
    floor: floorUrl.href,
    floorTwin: floorTwin.value.href,
    ...Object.fromEntries(peers.map((peer) => [peer.name, peer.value.href])),
  };
  // Warm every isolate (JIT, upstream connection pools, first index/snapshot load); discarded.
  for (const url of Object.values(targets)) await runWrk({ ...load, durationS: 2, url, script });

  const runs = [];
  for (let pair = 0; pair < Number(args.runs); pair++) {
    for (const target of ["router", "bare"]) {
      const result = await runWrk({ ...load, url: targets[target], script });
      if (result.non2xx > 0 || result.socketErrors > 0)
        throw new Error(`${target}: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors`);
      runs.push({ pair, target, ...result });
      console.log(
        `pair ${pair} ${target.padEnd(6)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms`,
      );
    }
  }
  // All three at once on the shared worker core: ratios of CPU cost per request.
  const togetherLoad = { threads: 1, connections: Math.max(1, load.connections / 2), durationS: 4 };
  // CPU per request from /proc over the same rounds: unlike a throughput share,
  // it does not move with how the kernel split the core in a given round.
  const cpuPids = [router.pid, floor.pid, bare.pid];
  const cpuBefore = cpuMicros(cpuPids);
  const paired = pinned
    ? await runTogether(
        ["router", "floor", "bare", ...peers.map((peer) => peer.name)].map((name) => ({
          name,
          url: targets[name],
          script,
        })),
        togetherLoad,
        Number(args["paired-rounds"]),
        ({ round, rps }) =>
          console.log(
            `paired ${round} router ${rps.router.toFixed(0).padStart(5)}  floor ${rps.floor.toFixed(0).padStart(5)}  bare ${rps.bare.toFixed(0).padStart(5)} req/s` +
              `  router/bare ${(rps.router / rps.bare).toFixed(3)}  floor/bare ${(rps.floor / rps.bare).toFixed(3)}` +
              peerRatios(peers, rps),
          ),
      )
    : [];
  const cpuAfter = cpuMicros(cpuPids);
  const usPerRequest = (name, i) =>
    (cpuAfter[i] - cpuBefore[i]) / paired.reduce((sum, { rps }) => sum + rps[name] * togetherLoad.durationS, 0);
  const cpuPerRequest =
    paired.length > 0 && cpuBefore && cpuAfter
      ? { router: usPerRequest("router", 0), floor: usPerRequest("floor", 1), bare: usPerRequest("bare", 2) }
      : null;
  // Router against floor alone on the shared core: the router's own work, in
  // pairs. With six Workers on one core every context switch also evicts
  // what the others cached, and the router, whose path touches more code,
  // pays more of that than in a pair (BENCHMARKS.md, "The router's own work").
  // Each round is followed by the same pair with the router replaced by an
  // identical floor Worker (twin): what this instrument reads where there is
  // no difference at all, i.e. its own error on this machine at that moment.
  const floorPairs = [];
  const twinPairs = [];
  const asTarget = (name, started, url) => ({ name, url, script, pid: started.pid });
  for (let round = 0; pinned && round < Number(args["floor-rounds"]); round++) {
    const [pair] = await runTogether(
      [asTarget("router", router, targets.router), asTarget("floor", floor, targets.floor)],
      togetherLoad,
      1,
    );
    const [twinPair] = await runTogether(
      [asTarget("router", floorTwin, targets.floorTwin), asTarget("floor", floor, targets.floor)],
      togetherLoad,
      1,
    );
    floorPairs.push({ ...pair, round });
    twinPairs.push({ ...twinPair, round });
    const cpu = ({ cpuUs }) =>
      cpuUs ? `  CPU µs/request ${cpuUs.router.toFixed(0)} vs ${cpuUs.floor.toFixed(0)}` : "";
    console.log(
      `router+floor ${round} router ${pair.rps.router.toFixed(0).padStart(5)}  floor ${pair.rps.floor.toFixed(0).padStart(5)} req/s` +
        `  router/floor ${(pair.rps.router / pair.rps.floor).toFixed(3)}${cpu(pair)}` +
        `;  twin/floor ${(twinPair.rps.router / twinPair.rps.floor).toFixed(3)}${cpu(twinPair)}`,
    );
  }
  // At saturation p99 is queueing, not router cost (and goes negative when the
  // slower router queues less). One connection shows the per-request latency
  // the router adds, which is what the 0.5 ms budget is about.
  const single = { threads: 1, connections: 1, durationS: 2 };
  const quiet = [];
  for (let pair = 0; pair < Number(args["latency-runs"]); pair++) {
    for (const target of ["router", "bare"]) {
      const result = await runWrk({ ...single, url: targets[target], script });
      quiet.push({ pair, target, ...result });
      console.log(
        `c1 ${pair} ${target.padEnd(6)} p50 ${result.p50Ms.toFixed(3)} ms  p99 ${result.p99Ms.toFixed(3)} ms`,
      );
    }
  }
  answerPids.plain = router.pid;
  const answerFigures = await measureAnswers({ plain: routerUrl, ...answers }, script, togetherLoad, pinned);
  report(runs, quiet, load, paired, pinned, answerFigures, cpuPerRequest, floorPairs, twinPairs);
}

// The answer scenarios (lib/answer-scenarios.mjs): the same router bundle with
// the bench flag under a response contract at sampleRate 100 (the default)
// and 10, and on an event-stream origin, beside a bare Worker on that origin.
let answerPids = {};
async function startAnswerTargets(scriptPath, origins, pinned) {
  const stream = await startStreamOrigin();
  cleanups.push(stream.close);
  // In smoke mode the contract routers keep their outcomes in D1, to show the contract is applied.
  const bindings = args.smoke ? { OUTCOMES_EMBEDDED: "1" } : {};
  const started = {
    inspect100: await startTracked(() =>
      startRouter(scriptPath, origins, { seed: withSettings("bench-model", contractSettings(100)), bindings }),
    ),
    inspect10: await startTracked(() =>
      startRouter(scriptPath, origins, { seed: withSettings("bench-model", contractSettings(10)), bindings }),
    ),
    streamRouter: await startTracked(() =>
      startRouter(scriptPath, origins, { seed: asStreamFlag("bench-model", stream.port) }),
    ),
    streamBare: await startTracked(() => startBare(stream.port, cleanups)),
    chatRouter: await startTracked(() =>
      startRouter(scriptPath, origins, {
        seed: asChatFlag("bench-model", stream.port),
        bindings: args.smoke ? { OUTCOMES_EMBEDDED: "1" } : {},
      }),
    ),
  };
  if (pinned) for (const { pid } of Object.values(started)) pin(pid, WORKER_CORE);
  answerPids = Object.fromEntries(Object.entries(started).map(([name, { pid }]) => [name, pid]));
  return Object.fromEntries(Object.entries(started).map(([name, { value }]) => [name, value]));
}

async function checkAnswerTargets(answers, probes) {
  // Fewer than the split check's: every contract router writes its outcomes to D1 in smoke mode.
  const count = Math.min(probes, 100);
  for (const [name, sampled] of [
    ["inspect100", [count, count]],
    ["inspect10", [1, count * 0.3]],
  ]) {
    assertRouting(name, await probe(answers[name], count), true);
    if (!args.smoke) continue;
    // Outcomes are written after each answer ends (waitUntil): wait for all of them.
    const db = await routerDbs.get(answers[name].href)();
    let found = {};
    for (let tries = 0; tries < 50; tries++) {
      found = await inspectedCounts(db, "bench-model");
      if (Object.values(found).reduce((a, b) => a + b, 0) >= count) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const valid = found.valid ?? 0;
    if (valid < sampled[0] || valid > sampled[1] || (found.invalid ?? 0) > 0)
      throw new Error(`${name}: inspections ${JSON.stringify(found)}, expected ${sampled.join("–")} valid`);
    console.log(`${name}: ${valid} of ${count} answers inspected and valid`);
  }
  // workerd ends a chunked answer cleanly even when its body broke; a declared length is what a client can check.
  if (!(await clientSeesTruncation(answers.streamRouter, "sized")))
    throw new Error("streamRouter: a sized answer that broke mid-body reached the client as complete");
  const unsized = (await clientSeesTruncation(answers.streamRouter, "unsized")) ? "incomplete" : "complete";
  console.log(`streamRouter: a broken answer is incomplete for the client when sized; ${unsized} when unsized`);
  for (const name of ["streamRouter", "streamBare", "chatRouter"]) {
    const result = await streamOnce(answers[name]);
    assertStreamed(name, result);
    console.log(`${name}: streamed ${result.text.split("\n\n").length - 1} events in ${result.chunks} chunks`);
  }
  if (!args.smoke) return;
  // The chat router reads every answer's usage (after it ended, in waitUntil): wait for the outcome.
  const db = await routerDbs.get(answers.chatRouter.href)();
  let found = {};
  for (let tries = 0; tries < 50 && !(found.known >= 1); tries++) {
    found = await usageCounts(db, "bench-model");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!(found.known >= 1)) throw new Error(`chatRouter: usage ${JSON.stringify(found)}, expected known`);
  console.log(`chatRouter: usage read from the stream (${found.known} known)`);
}

/** Inspection paired rounds (plain, inspect100, inspect10 at once) and first-chunk latency, alternating. */
async function measureAnswers(targets, script, load, pinned) {
  const figures = {};
  if (pinned) {
    const names = ["plain", "inspect100", "inspect10"];
    const cpuBefore = cpuMicros(names.map((name) => answerPids[name]));
    const rounds = await runTogether(
      names.map((name) => ({ name, url: targets[name].href, script })),
      load,
      Number(args["paired-rounds"]),
      ({ round, rps }) =>
        console.log(
          `inspection ${round} plain ${rps.plain.toFixed(0).padStart(5)}  contract@100 ${rps.inspect100.toFixed(0).padStart(5)}  contract@10 ${rps.inspect10.toFixed(0).padStart(5)} req/s`,
        ),
    );
    const cpuAfter = cpuMicros(names.map((name) => answerPids[name]));
    const cpu =
      cpuBefore && cpuAfter ? Object.fromEntries(names.map((name, i) => [name, cpuAfter[i] - cpuBefore[i]])) : null;
    Object.assign(figures, inspectionFigures(rounds, load.durationS, cpu), { inspectionRounds: rounds });
  }
  const streamed = { router: targets.streamRouter, bare: targets.streamBare };
  await firstChunkRounds(streamed, 20); // warm-up, discarded
  const first = await firstChunkRounds(streamed, Number(args["stream-requests"]));
  figures.streamFirstChunk = first;
  figures.streamRouterFirstChunkP50Ms = first.router.p50Ms;
  figures.streamBareFirstChunkP50Ms = first.bare.p50Ms;
  figures.streamAddedFirstChunkP50Ms = first.addedP50Ms;
  console.log(
    `first chunk of an event stream, p50: router ${first.router.p50Ms.toFixed(3)} ms, bare ${first.bare.p50Ms.toFixed(3)} ms` +
      ` (added ${figures.streamAddedFirstChunkP50Ms.toFixed(3)} ms, target ≤ 1)`,
  );
  // A chat completion with usage reading on: first event against bare, and CPU per streamed request against
  // the same stream without usage (the flag that declares none pays nothing per chunk).
  const chat = await firstChunkRounds(
    { chat: targets.chatRouter, bare: targets.streamBare },
    Number(args["stream-requests"]),
  );
  figures.chatFirstChunkP50Ms = chat.chat.p50Ms;
  figures.chatAddedFirstChunkP50Ms = chat.addedP50Ms;
  const cpu = await streamCpuRounds(
    { stream: targets.streamRouter, chat: targets.chatRouter },
    { stream: answerPids.streamRouter, chat: answerPids.chatRouter },
    Number(args["stream-requests"]),
  );
  if (cpu) {
    figures.streamUsPerRequest = cpu.stream;
    figures.chatUsPerRequest = cpu.chat;
    figures.chatVsStreamCpuRatio = cpu.chat / cpu.stream;
  }
  console.log(
    `chat completion with usage, first event p50: added ${chat.addedP50Ms.toFixed(3)} ms vs bare (target ≤ 1)` +
      (cpu
        ? `; CPU per streamed request ${cpu.chat.toFixed(0)} µs with usage vs ${cpu.stream.toFixed(0)} µs without`
        : ""),
  );
  return figures;
}

/** Median of per-round ratios with its distribution-free interval (≥ 95 % from 6 rounds), rounded. */
function ratioFigure(values) {
  const round3 = (n) => Math.round(n * 1000) / 1000;
  const { low, high, coverage } = medianInterval(values);
  return { median: round3(median(values)), low: round3(low), high: round3(high), coverage: round3(coverage) };
}

/** The router (or the floor's twin, named "router" in its pairs) against the floor alone: throughput and CPU ratios per round, null without pinning. */
function floorPairFigures(rounds) {
  if (rounds.length === 0) return null;
  const cpu = rounds.every((r) => r.cpuUs) ? rounds.map((r) => r.cpuUs.floor / r.cpuUs.router) : null;
  return {
    rounds: rounds.length,
    throughput: ratioFigure(rounds.map((r) => r.rps.router / r.rps.floor)),
    cpu: cpu && ratioFigure(cpu),
    cpuUsPerRequest: cpu && {
      router: Math.round(median(rounds.map((r) => r.cpuUs.router))),
      floor: Math.round(median(rounds.map((r) => r.cpuUs.floor))),
    },
  };
}

function report(runs, quiet, load, paired, pinned, answers, cpuPerRequest, floorPairs = [], twinPairs = []) {
  const of = (target, key, from = runs) => from.filter((run) => run.target === target).map((run) => run[key]);
  const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  const result = {
    routerRps: round(median(of("router", "rps")), 0),
    bareRps: round(median(of("bare", "rps")), 0),
    routerP50Ms: round(median(of("router", "p50Ms"))),
    bareP50Ms: round(median(of("bare", "p50Ms"))),
    routerP99Ms: round(median(of("router", "p99Ms"))),
    bareP99Ms: round(median(of("bare", "p99Ms"))),
    ratio: 0,
    addedP99Ms: 0,
    // Additive to the shape: the same figures at one connection (see above).
    routerP50MsC1: round(median(of("router", "p50Ms", quiet)), 3),
    bareP50MsC1: round(median(of("bare", "p50Ms", quiet)), 3),
    routerP99MsC1: round(median(of("router", "p99Ms", quiet)), 3),
    bareP99MsC1: round(median(of("bare", "p99Ms", quiet)), 3),
    addedP99MsC1: 0,
    runs: runs.length / 2,
    concurrency: load.connections,
    durationS: load.durationS,
    // Additive: paired rounds (router, floor and bare loaded at once on one pinned core); null when not pinned.
    pinned,
    pairedRatio: paired.length > 0 ? round(median(paired.map((p) => p.rps.router / p.rps.bare)), 3) : null,
    // Additive: the floor Worker (SPEC's per-request work, no flag logic) in the same rounds.
    floorPairedRatio: paired.length > 0 ? round(median(paired.map((p) => p.rps.floor / p.rps.bare)), 3) : null,
    routerVsFloorPairedRatio:
      paired.length > 0 ? round(median(paired.map((p) => p.rps.router / p.rps.floor)), 3) : null,
    pairedRounds: paired.length,
    // Additive: CPU µs per request over the paired rounds (/proc), and floor/router: the router's own work by CPU.
    cpuUsPerRequest:
      cpuPerRequest && Object.fromEntries(Object.entries(cpuPerRequest).map(([k, v]) => [k, round(v, 1)])),
    routerVsFloorCpuRatio: cpuPerRequest ? round(cpuPerRequest.floor / cpuPerRequest.router, 3) : null,
    // Additive: router and floor alone on the core (the paired rounds), per-round
    // ratios' median with its distribution-free interval, by throughput and by CPU per request.
    routerVsFloorPairs: floorPairFigures(floorPairs),
    // Additive: the same rounds' twin pairs, an identical floor in the router's place (ideal: 1).
    twinVsFloorPairs: floorPairFigures(twinPairs),
    // Additive: each peer Worker's share of bare in the same rounds (lib/peers.mjs).
    peerPairedRatios:
      paired.length > 0
        ? Object.fromEntries(
            PEERS.map(({ name }) => [name, round(median(paired.map((p) => p.rps[name] / p.rps.bare)), 3)]),
          )
        : null,
  };
  // Additive: the answer scenarios (inspection cost per inspected response, first chunk of a stream).
  const { inspectionRounds = [], streamFirstChunk = null, ...answerKeys } = answers;
  for (const [key, value] of Object.entries(answerKeys)) result[key] = round(value, 3);
  result.ratio = round(result.routerRps / result.bareRps, 3);
  result.addedP99Ms = round(result.routerP99Ms - result.bareP99Ms);
  result.addedP99MsC1 = round(result.routerP99MsC1 - result.bareP99MsC1, 3);
  // Per-pair figures: each pair ran back to back, so they show the spread the medians hide.
  const pairs = [...new Set(runs.map((run) => run.pair))].map((pair) => {
    const [router, bare] = ["router", "bare"].map((target) =>
      runs.find((run) => run.pair === pair && run.target === target),
    );
    return {
      ratio: router.rps / bare.rps,
      addedP99Ms: router.p99Ms - bare.p99Ms,
      addedP50Ms: router.p50Ms - bare.p50Ms,
    };
  });
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/router.json", JSON.stringify(result, null, 2) + "\n");
  writeFileSync(
    "bench/results/router-runs.json",
    JSON.stringify({ load, runs, pairs, quiet, paired, floorPairs, inspectionRounds, streamFirstChunk }, null, 2) +
      "\n",
  );
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `per-pair ratio ${JSON.stringify(
      spread(
        pairs.map((p) => p.ratio),
        3,
      ),
    )}, added p99 ms ${JSON.stringify(spread(pairs.map((p) => p.addedP99Ms)))}, added p50 ms ${JSON.stringify(spread(pairs.map((p) => p.addedP50Ms)))}`,
  );
  console.log(
    `throughput ratio, alternating runs ${result.ratio} (target ≥ ${TARGET_RATIO}): ${result.ratio >= TARGET_RATIO ? "meets" : "MISSES"}`,
  );
  if (result.pairedRatio !== null) {
    console.log(
      `throughput ratio, paired rounds ${result.pairedRatio} ${JSON.stringify(
        spread(
          paired.map((p) => p.rps.router / p.rps.bare),
          3,
        ),
      )} (target ≥ ${TARGET_RATIO}): ${result.pairedRatio >= TARGET_RATIO ? "meets" : "MISSES"}`,
    );
    console.log(
      `floor (SPEC's per-request work, no flag logic) / bare ${result.floorPairedRatio} ${JSON.stringify(
        spread(
          paired.map((p) => p.rps.floor / p.rps.bare),
          3,
        ),
      )}; router / floor ${result.routerVsFloorPairedRatio} ${JSON.stringify(
        spread(
          paired.map((p) => p.rps.router / p.rps.floor),
          3,
        ),
      )} (target ≥ 0.97)`,
    );
    const alone = result.routerVsFloorPairs;
    if (alone) {
      const shown = ({ median: m, low, high, coverage }) =>
        `${m} (${(coverage * 100).toFixed(1)} % interval ${low}–${high})`;
      console.log(
        `router / floor alone in ${alone.rounds} pairs: throughput ${shown(alone.throughput)}` +
          (alone.cpu
            ? `; by CPU ${shown(alone.cpu)} (router ${alone.cpuUsPerRequest.router} vs floor ${alone.cpuUsPerRequest.floor} µs)`
            : "") +
          ` (target ≥ 0.97)`,
      );
      const twin = result.twinVsFloorPairs;
      console.log(
        `the same pairs with an identical floor in the router's place (the instrument's own error; ideal 1): throughput ${shown(twin.throughput)}` +
          (twin.cpu ? `; by CPU ${shown(twin.cpu)}` : ""),
      );
    }
    if (result.cpuUsPerRequest)
      console.log(
        `CPU per request (µs, /proc, same rounds): router ${result.cpuUsPerRequest.router}, floor ${result.cpuUsPerRequest.floor}, bare ${result.cpuUsPerRequest.bare}; floor/router ${result.routerVsFloorCpuRatio}`,
      );
  }
  if (result.inspect100PairedRatio !== undefined)
    console.log(
      `response contract, paired against the router without one: sampleRate 100 (the default) ${result.inspect100PairedRatio}` +
        ` (${result.inspect100UsPerInspected} µs per inspected response), sampleRate 10 ${result.inspect10PairedRatio}` +
        ` (${result.inspect10UsPerInspected} µs per inspected response; a request costs ${result.plainUsPerRequest} µs)`,
    );
  // When the bare Worker's own p99 is 10× its p50, scheduler stalls from other
  // load on the machine dominate the tail and a difference of tails means nothing.
  const stalled = result.bareP99MsC1 > 10 * result.bareP50MsC1;
  const p99Verdict = stalled
    ? "INCONCLUSIVE (tail dominated by machine stalls)"
    : result.addedP99MsC1 <= TARGET_ADDED_P99_MS
      ? "meets"
      : "MISSES";
  console.log(
    `added p99 at one connection ${result.addedP99MsC1} ms (target ≤ ${TARGET_ADDED_P99_MS}): ${p99Verdict}` +
      ` (at ${load.connections} connections: ${result.addedP99Ms} ms, queueing-dominated)`,
  );
}

try {
  await main();
} catch (error) {
  console.error(`bench:router failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
