// What a load or chaos run judges and what it only reports. Judged: the
// run's correctness checks (no router-made 5xx beyond the ones the fault
// calls for, no broken connection, one outcome per answered request, the
// health loop acting). Reported, never judged: throughput and latency — on
// a busy machine they fall while the router is right; `npm run bench` owns them.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Nearest-rank quantile of unsorted numbers (null when empty). */
function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(1));
}

/**
 * What a run reports and never judges: the rate it achieved against the
 * target, how late the generator had to send (`deferred`, `maxLagMs`) or
 * what it never sent (`notSent`), what the client gave up on
 * (`clientTimeouts`), and answer latency as the client saw it.
 */
export function loadFigures(load, { rps }) {
  const achievedRps = Number((load.sent / load.elapsedSeconds).toFixed(1));
  const latencies = load.latenciesMs;
  return {
    targetRps: rps,
    achievedRps,
    rateShare: Number((achievedRps / rps).toFixed(3)),
    elapsedSeconds: load.elapsedSeconds,
    deferred: load.deferred,
    maxLagMs: load.maxLagMs,
    notSent: load.notSent,
    clientTimeouts: load.clientTimeouts,
    latencyMs: {
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
      max: quantile(latencies, 1),
    },
  };
}

/** Below this share of the target rate, the figures describe the machine more than the router. */
const BUSY_RATE_SHARE = 0.95;

/**
 * Writes the run's result JSON, prints it with its `figures` (reported, not
 * judged), and throws naming every failed check.
 */
export function reportChecks(name, result, checks, out) {
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ ...result, perSecond: undefined }, null, 2));
  const f = result.figures;
  if (f) {
    console.log(
      `${name} figures (reported, not judged): ${f.achievedRps} of ${f.targetRps} rps over ${f.elapsedSeconds} s, latency p50 ${f.latencyMs.p50} / p95 ${f.latencyMs.p95} / p99 ${f.latencyMs.p99} ms, ${f.deferred} sent late (up to ${f.maxLagMs} ms), ${f.notSent} not sent, ${f.clientTimeouts} client timeouts`,
    );
    if (f.rateShare < BUSY_RATE_SHARE || f.deferred > 0 || f.notSent > 0 || f.clientTimeouts > 0) {
      console.log(
        `${name}: the machine could not keep up with the target rate; correctness is still judged, speed belongs to \`npm run bench\`.`,
      );
    }
  }
  const failed = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([check]) => check);
  if (failed.length > 0) throw new Error(`${name} failed: ${failed.join(", ")}`);
}
