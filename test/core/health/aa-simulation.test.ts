// Scenario 5 (A/A): identical blue and green, the judge asked every tick for
// 1 000 ticks on cumulative window metrics with realistic noise. The stage
// never advances (minimum duration longer than the run), which is the worst
// case for repeated looks. Run directly on simulated window metrics (not
// through the Worker), over many seeds; the false-rollback rate must stay
// under the family-wise α the sequential tests promise.
// Model per tick and arm: requests ~ Binomial-split of the tick's traffic,
// errors ~ Binomial(n, 2 %), timeouts ~ Binomial(n, 0.5 %); latency enters
// through the count slower than the p95 threshold (~ Binomial(n, P(X > T))
// for log-normal latency) and p95 estimates with sampling noise.
import { describe, expect, it } from "vitest";
import { assessHealth, DEFAULT_HEALTH_SETTINGS, EMPTY_ARM, type ArmWindow } from "../../../src/core/health";
import { startRollout, type Stage } from "../../../src/core/rollout-machine";
import { binomial, gaussian, mulberry32 } from "../stats/rng";

const TICKS = 1000;
const SEEDS = 100;
const ERROR_RATE = 0.02;
const TIMEOUT_RATE = 0.005;
// Log-normal latency (median 120 ms, σ 0.35): p95 ≈ 213 ms; the guard's T = 1.5 × p95 ≈ 320 ms, P(X > T) ≈ 0.26 %.
const P95_MS = 120 * Math.exp(1.6449 * 0.35);
const TAIL_ABOVE_T = 0.0026;

function runOnce(
  seed: number,
  percent: number,
  perTick: number,
  greenErrorRate = ERROR_RATE,
): { rolledBackAt: number | null } {
  const rng = mulberry32(seed);
  const stages: Stage[] = [
    { mode: "serve", percent, minDurationSeconds: 10 * TICKS * 60, minSamples: 500 },
    { mode: "serve", percent: 100, minDurationSeconds: 60, minSamples: 500 },
  ];
  const rollout = startRollout("aa", stages, 600, 0);
  const blue: ArmWindow = { ...EMPTY_ARM };
  const green: ArmWindow = { ...EMPTY_ARM };
  const above = { blue: 0, green: 0 };
  for (let t = 1; t <= TICKS; t++) {
    const toGreen = binomial(rng, perTick, percent / 100);
    for (const [armState, n, side] of [
      [blue, perTick - toGreen, "blue"],
      [green, toGreen, "green"],
    ] as const) {
      armState.requests += n;
      armState.rows += n;
      armState.errors += binomial(rng, n, side === "green" ? greenErrorRate : ERROR_RATE);
      armState.timeouts += binomial(rng, n, TIMEOUT_RATE);
      above[side] += binomial(rng, n, TAIL_ABOVE_T);
      // A p95 estimate's relative noise shrinks like 1/√n.
      armState.p95Ms = P95_MS * (1 + (0.1 * gaussian(rng)) / Math.sqrt(Math.max(armState.requests, 1) / 100));
    }
    const result = assessHealth({
      now: t * 60_000,
      rollout,
      scope: { kind: "rollout" },
      settings: DEFAULT_HEALTH_SETTINGS,
      green,
      blue,
      earlier: null,
      baseline: null,
      above: { green: [above.green, 0], control: [above.blue, 0] },
      shadow: { pairs: 0, agreements: 0 },
      blueReady: null,
    });
    if (result.action === "rollback") return { rolledBackAt: t };
  }
  return { rolledBackAt: null };
}

describe("A/A over 1 000 ticks (scenario 5)", () => {
  it.each([
    [50, 200],
    [5, 1000],
  ])("green at %i percent, %i requests per tick: false rollbacks stay under α", (percent, perTick) => {
    let falseRollbacks = 0;
    for (let seed = 1; seed <= SEEDS; seed++)
      if (runOnce(20261124 + seed, percent, perTick).rolledBackAt !== null) falseRollbacks++;
    const rate = falseRollbacks / SEEDS;
    console.log(
      `A/A ${percent} %: ${falseRollbacks}/${SEEDS} runs rolled back within ${TICKS} ticks (${(rate * 100).toFixed(1)} %)`,
    );
    expect(rate).toBeLessThanOrEqual(DEFAULT_HEALTH_SETTINGS.alpha);
  });

  it("is not vacuous: the same simulation catches green at 3× blue's error rate", () => {
    let caught = 0;
    for (let seed = 1; seed <= 20; seed++)
      if (runOnce(777 + seed, 50, 200, 3 * ERROR_RATE).rolledBackAt !== null) caught++;
    expect(caught).toBe(20);
  });
});
