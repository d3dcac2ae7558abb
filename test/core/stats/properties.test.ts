// Invariants over random inputs (fast-check, fixed seed so failures replay).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  normalCdf,
  normalQuantile,
  sequentialProportionDiff,
  twoProportionZTest,
  welchTTest,
  wilsonInterval,
} from "../../../src/core/stats/index";

const SETTINGS = { seed: 4242, numRuns: 300 };

/** n ≥ 1 and 0 ≤ x ≤ n. */
const countPair = fc
  .integer({ min: 1, max: 1_000_000 })
  .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

describe("invariants", () => {
  it("Wilson intervals lie in [0, 1], contain p̂ and narrow as α grows", () => {
    fc.assert(
      fc.property(countPair, ([x, n]) => {
        const wide = wilsonInterval(x, n, 0.01);
        const narrow = wilsonInterval(x, n, 0.1);
        expect(wide.low).toBeGreaterThanOrEqual(0);
        expect(wide.high).toBeLessThanOrEqual(1);
        expect(wide.low).toBeLessThanOrEqual(x / n + 1e-15);
        expect(wide.high).toBeGreaterThanOrEqual(x / n - 1e-15);
        expect(narrow.low).toBeGreaterThanOrEqual(wide.low - 1e-15);
        expect(narrow.high).toBeLessThanOrEqual(wide.high + 1e-15);
      }),
      SETTINGS,
    );
  });

  it("z-test p-values lie in [0, 1] and agree with |z| through Φ", () => {
    fc.assert(
      fc.property(countPair, countPair, ([xA, nA], [xB, nB]) => {
        const { z, pValue } = twoProportionZTest({ successesA: xA, totalA: nA, successesB: xB, totalB: nB });
        expect(pValue).toBeGreaterThanOrEqual(0);
        expect(pValue).toBeLessThanOrEqual(1);
        expect(pValue).toBeCloseTo(2 * normalCdf(-Math.abs(z)), 14);
      }),
      SETTINGS,
    );
  });

  it("the sequential interval contains the estimate and is consistent with its p-value", () => {
    fc.assert(
      fc.property(countPair, countPair, ([xA, nA], [xB, nB]) => {
        const r = sequentialProportionDiff({ successesA: xA, totalA: nA, successesB: xB, totalB: nB });
        expect(r.low).toBeLessThanOrEqual(r.estimate);
        expect(r.high).toBeGreaterThanOrEqual(r.estimate);
        const excludesZero = r.low > 0 || r.high < 0;
        // Away from the boundary itself the two views must agree.
        if (Math.abs(r.pValue - r.alpha) > 1e-9) expect(r.pValue < r.alpha).toBe(excludesZero);
      }),
      SETTINGS,
    );
  });

  it("Welch p-values lie in [0, 1] and ν lies between min(n) − 1 and nA + nB − 2", () => {
    const arm = fc.record({
      mean: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      variance: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
      n: fc.integer({ min: 2, max: 100_000 }),
    });
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const r = welchTTest({ meanA: a.mean, varA: a.variance, nA: a.n, meanB: b.mean, varB: b.variance, nB: b.n });
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        expect(r.df).toBeGreaterThanOrEqual(Math.min(a.n, b.n) - 1 - 1e-9);
        expect(r.df).toBeLessThanOrEqual(a.n + b.n - 2 + 1e-9);
      }),
      SETTINGS,
    );
  });

  it("normalQuantile inverts normalCdf on the lower half-line", () => {
    fc.assert(
      fc.property(fc.double({ min: -37, max: 0, noNaN: true }), (x) => {
        expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThan(1e-9);
      }),
      SETTINGS,
    );
  });
});
