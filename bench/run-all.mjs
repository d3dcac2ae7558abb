// `npm run bench`: every benchmark in turn, then how long each took (the
// whole run must stay under 5 minutes on a 2-core machine; BENCHMARKS.md).
// Contract: stops at the first failing benchmark and exits with its code;
// each benchmark writes its own bench/results/*.json. The single-Worker
// bundle (the control plane bundled: the benchmarks drive the admin API and
// the cron through the router's own URL) is built once and handed to every
// Miniflare benchmark; bench:startup builds and profiles the deployed router.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildBundle } from "./lib/harness.mjs";
import { ensureWrk } from "./lib/wrk.mjs";

const BENCHES = ["eval", "snapshot", "startup", "killswitch", "shadow", "router", "tick", "scale"];
const TAKES_BUNDLE = new Set(["killswitch", "shadow", "router", "tick", "scale"]);
ensureWrk();
const timings = [];
const started = performance.now();
const work = mkdtempSync(path.join(tmpdir(), "switchyard-bench-all-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const bundle = buildBundle(work);
timings.push(["(build)", (performance.now() - started) / 1000]);
for (const name of BENCHES) {
  const begun = performance.now();
  const extra = TAKES_BUNDLE.has(name) ? ["--", "--bundle", bundle] : [];
  const run = spawnSync("npm", ["run", `bench:${name}`, ...extra], { stdio: "inherit" });
  timings.push([name, (performance.now() - begun) / 1000]);
  if (run.status !== 0) {
    console.error(`bench:${name} failed (exit ${run.status ?? run.signal})`);
    process.exit(run.status ?? 1);
  }
}
const total = (performance.now() - started) / 1000;
console.log("\nbenchmark durations:");
for (const [name, seconds] of timings)
  console.log(`  ${(name.startsWith("(") ? name : `bench:${name}`).padEnd(17)} ${seconds.toFixed(0).padStart(4)} s`);
console.log(`  total            ${total.toFixed(0).padStart(4)} s (budget 300 s)`);
