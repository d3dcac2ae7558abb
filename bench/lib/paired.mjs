// Paired load: two (or more) Workers (separate workerd processes) pinned to
// the same CPU core and loaded by wrk at the same time, with wrk, the origins and this
// Node process on the other core. The kernel splits the shared core fairly
// between the two processes, so when both are CPU-bound their throughput
// ratio is the inverse of their CPU cost per request, and whatever else the
// (shared, noisy) machine does at that moment hits both sides alike. Per-round
// ratios vary a few percent here, against 10–30 % for runs taken one after
// the other. Contract: pinning is best effort (`canPin()` says whether it
// applies); nothing is left running; load is bounded by rounds × duration.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { runWrk } from "./wrk.mjs";

export const LOAD_CORE = 0;
export const WORKER_CORE = 1;

/** taskset present and at least two cores. */
export function canPin() {
  return availableParallelism() >= 2 && spawnSync("taskset", ["-V"], { stdio: "ignore" }).error === undefined;
}

/** Pins every thread of `pid` to `core`. */
export function pin(pid, core) {
  execFileSync("taskset", ["-a", "-p", "-c", String(core), String(pid)], { stdio: "ignore" });
}

function childPids() {
  const found = spawnSync("pgrep", ["-P", String(process.pid)], { encoding: "utf8" });
  return new Set(found.stdout.split(/\s+/).filter(Boolean).map(Number));
}

/**
 * Runs `start()` (which launches one Miniflare) and returns its result plus
 * the pid of the workerd process it spawned, found as the new child process.
 */
export async function startTracked(start) {
  const before = childPids();
  const value = await start();
  const spawned = [...childPids()].filter((pid) => !before.has(pid));
  if (spawned.length !== 1) throw new Error(`expected one new workerd process, found ${spawned.length}`);
  return { value, pid: spawned[0] };
}

/**
 * CPU time (user + system, all threads) each process has used so far, in µs,
 * from Linux's /proc; null where that does not exist. Unlike throughput, CPU
 * per request does not depend on how much of the core the other load left.
 */
export function cpuMicros(pids) {
  try {
    return pids.map((pid) => {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
    });
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * `rounds` runs that load every target ({ name, url, script, pid? }) at once for
 * `load.durationS`: with N CPU-bound Workers on one core, each gets 1/N of
 * it, and any two throughputs still compare their CPU cost per request.
 * Returns every round's { round, rps: {name: …}, p50Ms: {name: …}, cpuUs?: {name: …} }.
 */
export async function runTogether(targets, load, rounds, onRound = () => {}) {
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const withCpu = targets.every((target) => target.pid);
    const cpuBefore = withCpu ? cpuMicros(targets.map((target) => target.pid)) : null;
    const runs = await Promise.all(
      targets.map((target) => runWrk({ ...load, url: target.url, script: target.script })),
    );
    const cpuAfter = withCpu ? cpuMicros(targets.map((target) => target.pid)) : null;
    runs.forEach((run, i) => {
      if (run.non2xx > 0 || run.socketErrors > 0 || run.requests === 0)
        throw new Error(
          `together ${targets[i].name}: ${run.requests} requests, ${run.non2xx} non-2xx, ${run.socketErrors} socket errors`,
        );
    });
    const entry = {
      round,
      rps: Object.fromEntries(targets.map((target, i) => [target.name, runs[i].rps])),
      p50Ms: Object.fromEntries(targets.map((target, i) => [target.name, runs[i].p50Ms])),
    };
    // CPU µs per request in this round, for targets given a pid (where /proc exists).
    if (cpuBefore && cpuAfter)
      entry.cpuUs = Object.fromEntries(
        targets.map((target, i) => [target.name, (cpuAfter[i] - cpuBefore[i]) / runs[i].requests]),
      );
    results.push(entry);
    onRound(entry);
  }
  return results;
}

/**
 * `rounds` paired runs of `a` against `b` ({ url, script }); each round
 * loads both at once for `load.durationS`. Returns every round's figures.
 */
export async function runPaired(a, b, load, rounds, onRound = () => {}) {
  const asPair = ({ round, rps, p50Ms }) => ({
    round,
    aRps: rps.a,
    bRps: rps.b,
    ratio: rps.a / rps.b,
    aP50Ms: p50Ms.a,
    bP50Ms: p50Ms.b,
  });
  const together = await runTogether(
    [
      { name: "a", ...a },
      { name: "b", ...b },
    ],
    load,
    rounds,
    (entry) => onRound(asPair(entry)),
  );
  return together.map(asPair);
}
