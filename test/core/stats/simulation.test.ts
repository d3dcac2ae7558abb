// Why this module exists: re-testing a fixed-horizon p-value every minute
// inflates false positives; the always-valid sequence does not.
// Seeded (mulberry32), ~5 s in total. The measured rates are printed so the
// README's STATISTICS figures can be re-checked from any CI log.
import { describe, expect, it } from "vitest";
import {
  isWorse,
  requiredSampleSize,
  sequentialMeanDiff,
  sequentialProportionDiff,
  twoProportionZTest,
} from "../../../src/core/stats/index";
import { addGaussianBatch, binomial, mulberry32, type Moments } from "./rng";

const ALPHA = 0.05;
const SEED = 20260101;

describe("A/A monitoring every tick (2 000 experiments × 200 ticks)", () => {
  it("keeps the sequential false-positive rate ≤ α + 1 pp while the naive repeated z-test exceeds it many times", () => {
    const EXPERIMENTS = 2000;
    const TICKS = 200;
    const UNITS_PER_TICK = 100; // per arm → 20 000 per arm at the end
    const RATE = 0.02;
    const rng = mulberry32(SEED);
    let sequentialHits = 0;
    let naiveHits = 0;
    let worseHits = 0;
    for (let e = 0; e < EXPERIMENTS; e++) {
      let errorsA = 0;
      let errorsB = 0;
      let seq = false;
      let naive = false;
      let worse = false;
      for (let tick = 1; tick <= TICKS; tick++) {
        errorsA += binomial(rng, UNITS_PER_TICK, RATE);
        errorsB += binomial(rng, UNITS_PER_TICK, RATE);
        const n = tick * UNITS_PER_TICK;
        const counts = { successesA: errorsA, totalA: n, successesB: errorsB, totalB: n };
        if (!naive && twoProportionZTest(counts).pValue < ALPHA) naive = true;
        if (!seq || !worse) {
          const r = sequentialProportionDiff({ ...counts, alpha: ALPHA });
          if (r.pValue < ALPHA) seq = true;
          if (isWorse(r, { direction: "lower_is_better" }).holds) worse = true;
        }
      }
      if (seq) sequentialHits++;
      if (naive) naiveHits++;
      if (worse) worseHits++;
    }
    const sequentialRate = sequentialHits / EXPERIMENTS;
    const naiveRate = naiveHits / EXPERIMENTS;
    const worseRate = worseHits / EXPERIMENTS;
    console.info(
      `A/A seed ${SEED}: sequential FPR ${sequentialRate}, naive repeated z-test FPR ${naiveRate}, isWorse FPR ${worseRate}`,
    );
    expect(sequentialRate).toBeLessThanOrEqual(ALPHA + 0.01);
    expect(worseRate).toBeLessThanOrEqual(ALPHA + 0.01);
    expect(naiveRate).toBeGreaterThan(4 * ALPHA);
    expect(naiveRate).toBeGreaterThan(5 * sequentialRate);
  });

  it("keeps the latency (mean) sequence honest too (500 experiments × 200 ticks)", () => {
    const EXPERIMENTS = 500;
    const TICKS = 200;
    const rng = mulberry32(SEED + 1);
    let sequentialHits = 0;
    for (let e = 0; e < EXPERIMENTS; e++) {
      const a: Moments = { n: 0, mean: 0, m2: 0 };
      const b: Moments = { n: 0, mean: 0, m2: 0 };
      for (let tick = 1; tick <= TICKS; tick++) {
        addGaussianBatch(a, rng, 20, 200, 50);
        addGaussianBatch(b, rng, 20, 200, 50);
        const r = sequentialMeanDiff({
          meanA: a.mean,
          varA: a.m2 / (a.n - 1),
          nA: a.n,
          meanB: b.mean,
          varB: b.m2 / (b.n - 1),
          nB: b.n,
        });
        if (r.pValue < ALPHA) {
          sequentialHits++;
          break;
        }
      }
    }
    console.info(`A/A latency seed ${SEED + 1}: sequential FPR ${sequentialHits / EXPERIMENTS}`);
    expect(sequentialHits / EXPERIMENTS).toBeLessThanOrEqual(ALPHA + 0.02);
  });
});

describe("power: a 10× error-rate regression (1 % → 10 %)", () => {
  it("is caught by isWorse in every run, mostly within 2× the fixed-horizon sample size", () => {
    const RUNS = 1000;
    const TICKS = 100;
    const UNITS_PER_TICK = 10; // per arm
    const fixedN = requiredSampleSize({ baselineRate: 0.01, minDetectableEffect: 0.09 });
    expect(fixedN).toBe(80); // ⌈79.93⌉, see power.test.ts
    const tuningN = 2 * fixedN; // N* = the total planned sample, both arms
    const rng = mulberry32(SEED + 2);
    const detectedAt: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      let errorsA = 0;
      let errorsB = 0;
      for (let tick = 1; tick <= TICKS; tick++) {
        errorsA += binomial(rng, UNITS_PER_TICK, 0.01);
        errorsB += binomial(rng, UNITS_PER_TICK, 0.1);
        const n = tick * UNITS_PER_TICK;
        const r = sequentialProportionDiff({ successesA: errorsA, totalA: n, successesB: errorsB, totalB: n, tuningN });
        if (isWorse(r, { direction: "lower_is_better" }).holds) {
          detectedAt.push(n);
          break;
        }
      }
    }
    detectedAt.sort((x, y) => x - y);
    const within = (units: number) => detectedAt.filter((n) => n <= units).length / RUNS;
    const median = detectedAt[Math.floor(detectedAt.length / 2)] ?? Infinity;
    console.info(
      `power seed ${SEED + 2}: detected ${detectedAt.length / RUNS}, median ${median}/arm (fixed n ${fixedN}), ` +
        `≤1× ${within(fixedN)}, ≤2× ${within(2 * fixedN)}, ≤3× ${within(3 * fixedN)}`,
    );
    expect(detectedAt.length).toBe(RUNS);
    expect(median).toBeLessThanOrEqual(2 * fixedN);
    expect(within(3 * fixedN)).toBeGreaterThanOrEqual(0.9);
  });
});
