import { describe, expect, it } from "vitest";
import { twoProportionZTest, wilsonInterval } from "../../../src/core/stats/index";

// Pooled z and its two-sided p recomputed in mpmath at 40 digits
// (p = erfc(|z|/√2)); the first two rows are the seeds' worked examples
// (their comments quote p ≈ 0.72 and ≈ 0.64; statsmodels' proportions_ztest gives these values).
// Columns: xA, nA, xB, nB, z, p.
const Z_CASES: ReadonlyArray<readonly [number, number, number, number, number, number]> = [
  [43, 50, 44, 50, 0.29735051672502629, 0.76619891792123325],
  [17, 20, 18, 20, 0.47809144373375746, 0.63258512169604147],
  [0, 100, 5, 100, 2.2645540682891915, 0.023540058261177951],
  [30, 1000, 2, 50, 0.40144936337675168, 0.68808931202821757],
  [10000, 1000000, 10300, 1000000, 2.1163551144589017, 0.034314616534415501],
  [1, 3, 0, 7, -1.6101529717988265, 0.10736446520661455],
  [500, 1000, 560, 1000, 2.688124559825473, 0.0071854587581324122],
];

// Wilson endpoints found by 300-step bisection on the score equation
// (p̂ − p)² = z²·p(1 − p)/n in mpmath — a different method from the closed form.
// Columns: x, n, α, low, high.
const WILSON_CASES: ReadonlyArray<readonly [number, number, number, number, number]> = [
  [43, 50, 0.05, 0.73813806289414461, 0.9304916657298371],
  [44, 50, 0.05, 0.76195182616797011, 0.94382399849067725],
  [0, 10, 0.05, 0, 0.27753279986288925],
  [10, 10, 0.05, 0.72246720013711075, 1],
  [1, 1000000, 0.05, 1.7652457674537147e-7, 5.664911804311443e-6],
  [0, 1, 0.05, 0, 0.79345068562276261],
  [5, 7, 0.01, 0.27807585064470971, 0.94194782007203841],
  [999999, 1000000, 0.05, 0.99999433508819569, 0.99999982347542325],
  [17, 20, 0.1, 0.67817192432469312, 0.9384175895226317],
];

describe("twoProportionZTest", () => {
  it.each(Z_CASES)("%d/%d vs %d/%d matches mpmath within 1e-12", (xA, nA, xB, nB, z, p) => {
    const result = twoProportionZTest({ successesA: xA, totalA: nA, successesB: xB, totalB: nB });
    expect(result.z).toBeCloseTo(z, 12);
    expect(result.pValue).toBeCloseTo(p, 12);
  });

  it("keeps the seeds' verdicts: 43/50 vs 44/50 and 17/20 vs 18/20 are not significant", () => {
    expect(twoProportionZTest({ successesA: 43, totalA: 50, successesB: 44, totalB: 50 }).pValue).toBeGreaterThan(0.05);
    expect(twoProportionZTest({ successesA: 17, totalA: 20, successesB: 18, totalB: 20 }).pValue).toBeGreaterThan(0.05);
  });

  it("is antisymmetric in the arms", () => {
    const ab = twoProportionZTest({ successesA: 30, totalA: 1000, successesB: 2, totalB: 50 });
    const ba = twoProportionZTest({ successesA: 2, totalA: 50, successesB: 30, totalB: 1000 });
    expect(ba.z).toBeCloseTo(-ab.z, 14);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 14);
  });

  it.each([
    [0, 10, 0, 20],
    [10, 10, 20, 20],
  ])("defines SE = 0 (%d/%d vs %d/%d) as z = 0, p = 1", (xA, nA, xB, nB) => {
    expect(twoProportionZTest({ successesA: xA, totalA: nA, successesB: xB, totalB: nB })).toEqual({ z: 0, pValue: 1 });
  });

  it.each([
    { successesA: -1, totalA: 10, successesB: 0, totalB: 10 },
    { successesA: 11, totalA: 10, successesB: 0, totalB: 10 },
    { successesA: 0, totalA: 0, successesB: 0, totalB: 10 },
    { successesA: 1.5, totalA: 10, successesB: 0, totalB: 10 },
  ])("throws RangeError for invalid counts %o", (input) => {
    expect(() => twoProportionZTest(input)).toThrow(RangeError);
  });
});

describe("wilsonInterval", () => {
  it.each(WILSON_CASES)("%d/%d at α = %d matches the score-equation roots within 1e-12", (x, n, alpha, low, high) => {
    const interval = wilsonInterval(x, n, alpha);
    expect(Math.abs(interval.low - low)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(interval.high - high)).toBeLessThanOrEqual(1e-12);
  });

  it("defaults to α = 0.05 and always contains the point estimate", () => {
    expect(wilsonInterval(43, 50)).toEqual(wilsonInterval(43, 50, 0.05));
    for (const [x, n] of [
      [0, 3],
      [1, 3],
      [3, 3],
      [7, 1000],
      [999, 1000],
    ] as const) {
      const { low, high } = wilsonInterval(x, n);
      expect(low).toBeLessThanOrEqual(x / n);
      expect(high).toBeGreaterThanOrEqual(x / n);
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
    }
  });

  it.each([
    [5, 4, 0.05],
    [-1, 4, 0.05],
    [1, 0, 0.05],
    [1, 4, 0],
    [1, 4, 1],
  ])("throws RangeError for x = %d, n = %d, α = %d", (x, n, alpha) => {
    expect(() => wilsonInterval(x, n, alpha)).toThrow(RangeError);
  });
});
