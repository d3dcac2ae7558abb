import { describe, expect, it } from "vitest";
import {
  DEFAULT_SEQUENTIAL_TUNING_N,
  asymptoticConfidenceSequence,
  isWorse,
  nonInferiority,
  sequentialMeanDiff,
  sequentialProportionDiff,
  superiority,
  type SequentialResult,
} from "../../../src/core/stats/index";

// Expected values: the Waudby-Smith et al. (2023) boundary evaluated in mpmath at
// 40 digits (ρ² = (−2 ln α + ln(1 − 2 ln α))/N*, half-width SE·√(2(Nρ²+1)/(Nρ²)·ln(√(Nρ²+1)/α)),
// p = min(1, √(Nρ²+1)·exp(−Nρ²z²/(2(Nρ²+1))))), with Agresti–Caffo variances for proportions.
// Columns: xA, nA, xB, nB, α, N*, estimate, low, high, p.
const PROPORTION_CASES: ReadonlyArray<readonly number[]> = [
  [100, 10000, 130, 10000, 0.05, 5000, 0.003, -0.0017344394888936564, 0.0077344394888936564, 0.85310868175512074],
  [0, 50, 3, 50, 0.05, 5000, 0.06, -0.22380870435647994, 0.34380870435647994, 0.93845097217393887],
  [
    1396, 3000, 2422, 3461, 0.05, 5000, 0.23446441298276028, 0.19804704097069431, 0.27088178499482625,
    6.4069591517704209e-76,
  ],
  [200, 10000, 300, 10000, 0.01, 20000, 0.01, 0.0021035093259320268, 0.017896490674067973, 0.00028911007081920032],
  [5, 1000, 60, 1000, 0.05, 2000, 0.055, 0.030885030485017552, 0.079114969514982448, 1.7142178654524857e-9],
];
// Columns: meanA, varA, nA, meanB, varB, nB, α, N*, estimate, low, high, p.
const MEAN_CASES: ReadonlyArray<readonly number[]> = [
  [250, 10000, 5000, 260, 12000, 4000, 0.05, 20000, 10, 3.0665662543758014, 16.933433745624199, 0.00086521854723131439],
  [100, 400, 50, 101, 400, 50, 0.1, 100, 1, -10.055754290271613, 12.055754290271613, 1],
];

const near = (actual: number, expected: number, tolerance: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));

describe("sequentialProportionDiff", () => {
  it.each(PROPORTION_CASES)("%d/%d vs %d/%d (α %d, N* %d)", (xA, nA, xB, nB, alpha, tuningN, est, low, high, p) => {
    const r = sequentialProportionDiff({
      successesA: xA as number,
      totalA: nA as number,
      successesB: xB as number,
      totalB: nB as number,
      alpha,
      tuningN,
    });
    near(r.estimate, est as number, 1e-12);
    near(r.low, low as number, 1e-12);
    near(r.high, high as number, 1e-12);
    expect(Math.abs(r.pValue - (p as number))).toBeLessThanOrEqual(1e-12 * Math.max(p as number, 1e-3));
    expect(r.n).toBe((nA as number) + (nB as number));
  });

  it("defaults to α = 0.05 and N* = 5000", () => {
    const r = sequentialProportionDiff({ successesA: 10, totalA: 100, successesB: 20, totalB: 100 });
    expect(r.alpha).toBe(0.05);
    expect(r.tuningN).toBe(DEFAULT_SEQUENTIAL_TUNING_N);
    expect(DEFAULT_SEQUENTIAL_TUNING_N).toBe(5000);
  });

  it("is wider than the fixed-horizon 95% interval at every N (the price of peeking)", () => {
    for (const n of [20, 200, 2000, 20000, 200000, 2000000]) {
      const r = sequentialProportionDiff({ successesA: n / 10, totalA: n, successesB: n / 10, totalB: n });
      expect(r.high - r.estimate).toBeGreaterThan(1.96 * r.standardError);
    }
  });

  it("never divides by zero: 0 events in both arms and 1/1 vs 0/1 stay inconclusive", () => {
    const none = sequentialProportionDiff({ successesA: 0, totalA: 500, successesB: 0, totalB: 500 });
    expect(none.pValue).toBe(1);
    expect(none.low).toBeLessThan(0);
    expect(none.high).toBeGreaterThan(0);
    const tiny = sequentialProportionDiff({ successesA: 0, totalA: 1, successesB: 1, totalB: 1 });
    expect(tiny.pValue).toBeGreaterThan(0.9);
    expect(tiny.low).toBeLessThan(0);
  });

  // Small samples whose unbounded sequence left [−1, 1]: 0/40 vs 19/40 read "−13.3 % to 108.3 %".
  it.each([
    [0, 40, 19, 40],
    [2, 50, 30, 50],
    [0, 20, 10, 20],
    [0, 5, 5, 5],
    [5, 5, 0, 5],
    [0, 1, 1, 1],
    [40, 40, 21, 40],
  ])("%d/%d vs %d/%d stays within [−1, 1], cut only where the unbounded sequence left it", (xA, nA, xB, nB) => {
    const r = sequentialProportionDiff({ successesA: xA!, totalA: nA!, successesB: xB!, totalB: nB! });
    const unbounded = asymptoticConfidenceSequence({
      estimate: r.estimate,
      variance: r.standardError ** 2,
      n: r.n,
      alpha: r.alpha,
      tuningN: r.tuningN,
    });
    expect(unbounded.low < -1 || unbounded.high > 1).toBe(true);
    expect(r.low).toBeGreaterThanOrEqual(-1);
    expect(r.high).toBeLessThanOrEqual(1);
    expect(r.low).toBeCloseTo(Math.max(-1, unbounded.low), 12);
    expect(r.high).toBeCloseTo(Math.min(1, unbounded.high), 12);
    expect(r.low <= r.estimate && r.estimate <= r.high).toBe(true);
    expect(r.pValue).toBeCloseTo(unbounded.pValue, 12);
  });

  it.each([
    { successesA: 1, totalA: 0, successesB: 0, totalB: 1 },
    { successesA: 0, totalA: 1, successesB: 0, totalB: 1, alpha: 1 },
    { successesA: 0, totalA: 1, successesB: 0, totalB: 1, tuningN: 0 },
  ])("throws RangeError for %o", (input) => {
    expect(() => sequentialProportionDiff(input)).toThrow(RangeError);
  });
});

describe("sequentialMeanDiff", () => {
  it.each(MEAN_CASES)("x̄A %d vs x̄B %d", (mA, vA, nA, mB, vB, nB, alpha, tuningN, est, low, high, p) => {
    const r = sequentialMeanDiff({
      meanA: mA as number,
      varA: vA as number,
      nA: nA as number,
      meanB: mB as number,
      varB: vB as number,
      nB: nB as number,
      alpha,
      tuningN,
    });
    near(r.estimate, est as number, 1e-12);
    near(r.low, low as number, 1e-12);
    near(r.high, high as number, 1e-12);
    expect(Math.abs(r.pValue - (p as number))).toBeLessThanOrEqual(1e-12);
  });

  it("collapses to the estimate with zero variance", () => {
    const r = sequentialMeanDiff({ meanA: 5, varA: 0, nA: 10, meanB: 6, varB: 0, nB: 10 });
    expect([r.low, r.high, r.pValue]).toEqual([1, 1, 0]);
  });
});

describe("asymptoticConfidenceSequence", () => {
  it("reproduces GrowthBook's gbstats fixture (test_sequential_test_runs: relative effect, N* = 1000)", () => {
    // stat_a: sum 1396.87, sum_squares 52377.9767, n 3000; stat_b: 2422.7, 134698.29, 3461.
    // Expected (rounded to 5 dp in gbstats): estimate 0.50336, ci (−0.55844, 1.56516), p 1.
    const stat = (sum: number, sumSquares: number, n: number) => ({
      mean: sum / n,
      variance: (sumSquares - (sum * sum) / n) / (n - 1),
      n,
    });
    const a = stat(1396.87, 52377.9767, 3000);
    const b = stat(2422.7, 134698.29, 3461);
    const r = asymptoticConfidenceSequence({
      estimate: (b.mean - a.mean) / a.mean,
      variance: b.variance / (a.mean ** 2 * b.n) + (a.variance * b.mean ** 2) / (a.mean ** 4 * a.n),
      n: a.n + b.n,
      alpha: 0.05,
      tuningN: 1000,
    });
    expect(r.estimate).toBeCloseTo(0.50336, 5);
    expect(r.standardError).toBeCloseTo(0.33341, 5);
    expect(r.low).toBeCloseTo(-0.55844, 5);
    expect(r.high).toBeCloseTo(1.56516, 5);
    expect(r.pValue).toBe(1);
  });

  it("cuts the sequence to bounds, and refuses an estimate outside them", () => {
    const input = { estimate: 0.9, variance: 0.04, n: 20, alpha: 0.05, tuningN: 5000 };
    const free = asymptoticConfidenceSequence(input);
    const bounded = asymptoticConfidenceSequence({ ...input, bounds: { low: 0, high: 1 } });
    expect(free.high).toBeGreaterThan(1);
    expect(free.low).toBeLessThan(0);
    expect(bounded).toMatchObject({ low: 0, high: 1, pValue: free.pValue, estimate: 0.9 });
    expect(() => asymptoticConfidenceSequence({ ...input, estimate: 1.5, bounds: { low: 0, high: 1 } })).toThrow(
      RangeError,
    );
  });

  it("p < α exactly when 0 is outside the interval", () => {
    for (let z = 0; z <= 6; z += 0.05) {
      const r = asymptoticConfidenceSequence({ estimate: z, variance: 1, n: 4000, alpha: 0.05, tuningN: 5000 });
      expect(r.pValue < 0.05).toBe(r.low > 0);
    }
  });
});

describe("verdicts", () => {
  // 100/10000 (blue) vs 200/10000 (green) errors: low = 0.0046119048741025831,
  // p(H0: diff = 0) = 4.6416082670485192e-7, p(H0: diff = 0.005) = 0.096570525878336334 (mpmath).
  const regression = sequentialProportionDiff({ successesA: 100, totalA: 10000, successesB: 200, totalB: 10000 });

  it("isWorse answers the rollback question for a lower-is-better rate, with and without a margin", () => {
    expect(regression.low).toBeCloseTo(0.0046119048741025831, 14);
    const plain = isWorse(regression, { direction: "lower_is_better" });
    expect(plain.holds).toBe(true);
    expect(plain.pValue).toBeCloseTo(4.6416082670485192e-7, 18);
    const withMargin = isWorse(regression, { direction: "lower_is_better", margin: 0.005 });
    expect(withMargin.holds).toBe(false);
    expect(withMargin.pValue).toBeCloseTo(0.096570525878336334, 14);
    expect(withMargin.threshold).toBe(0.005);
    expect(isWorse(regression, { direction: "lower_is_better", margin: 0.004 }).holds).toBe(true);
  });

  it("reads the same interval the other way for higher-is-better metrics", () => {
    expect(isWorse(regression, { direction: "higher_is_better" }).holds).toBe(false);
    expect(isWorse(regression, { direction: "higher_is_better" }).pValue).toBe(1);
    expect(superiority(regression, { direction: "higher_is_better" }).holds).toBe(true);
    expect(superiority(regression, { direction: "lower_is_better" }).holds).toBe(false);
  });

  it("nonInferiority: green within the margin of blue", () => {
    const same = sequentialProportionDiff({ successesA: 1000, totalA: 100000, successesB: 1010, totalB: 100000 });
    expect(nonInferiority(same, { direction: "lower_is_better", margin: 0.002 }).holds).toBe(true);
    expect(nonInferiority(same, { direction: "lower_is_better", margin: 0.0001 }).holds).toBe(false);
    expect(nonInferiority(regression, { direction: "lower_is_better", margin: 0.002 }).holds).toBe(false);
    expect(nonInferiority(same, { direction: "higher_is_better", margin: 0.002 }).holds).toBe(true);
  });

  it("each verdict holds iff its threshold lies outside the sequence on the claimed side", () => {
    const results: SequentialResult[] = [];
    for (let x = 0; x <= 300; x += 15) {
      results.push(sequentialProportionDiff({ successesA: 150, totalA: 10000, successesB: x, totalB: 10000 }));
    }
    for (const r of results) {
      for (const margin of [0, 0.002, 0.01]) {
        expect(isWorse(r, { direction: "lower_is_better", margin }).holds).toBe(r.low > margin);
        expect(superiority(r, { direction: "lower_is_better", margin }).holds).toBe(r.high < -margin);
        expect(nonInferiority(r, { direction: "lower_is_better", margin }).holds).toBe(r.high < margin);
      }
    }
  });

  it("rejects a negative margin", () => {
    expect(() => isWorse(regression, { direction: "lower_is_better", margin: -0.01 })).toThrow(RangeError);
  });
});
