// `npm run bench`: every benchmark in turn, then how long each took (the
// whole run must stay under 5 minutes on a 2-core machine; BENCHMARKS.md).
// Contract: stops at the first failing benchmark and exits with its code;
// each benchmark writes its own bench/results/*.json. Both builds are made
// once: the deployed router for the benchmarks of the proxy path alone, the
// single-Worker bundle (control plane included) for those that also drive
// the admin API or the cron through the router's URL; bench:startup builds
// and profiles its own.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildBundle, buildDeployed } from "./lib/harness.mjs";
import { ensureWrk } from "./lib/wrk.mjs";

const BENCHES = ["eval", "snapshot", "startup", "killswitch", "shadow", "router", "tick", "scale"];
const TAKES_ROUTER = new Set(["shadow", "router"]);
const TAKES_SINGLE = new Set(["killswitch", "tick", "scale"]);
ensureWrk();
const timings = [];
const started = performance.now();
const work = mkdtempSync(path.join(tmpdir(), "switchyard-bench-all-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const router = buildDeployed(path.join(work, "deployed")).router;
const single = buildBundle(path.join(work, "single"));
timings.push(["(build)", (performance.now() - started) / 1000]);
for (const name of BENCHES) {
  const begun = performance.now();
  const bundle = TAKES_ROUTER.has(name) ? router : TAKES_SINGLE.has(name) ? single : null;
  const extra = bundle ? ["--", "--bundle", bundle] : [];
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
