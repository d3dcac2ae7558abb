import { describe, expect, it } from "vitest";
import { cohensH, requiredSampleSize, requiredSampleSizeForMeans } from "../../../src/core/stats/index";

/** p2 with Cohen's h exactly `h` above p1 = 0.5. */
const p2ForH = (h: number) => Math.sin(Math.asin(Math.sqrt(0.5)) + h / 2) ** 2;

describe("requiredSampleSize (Cohen's h, two-sided)", () => {
  // Cohen's (1988) tables for h (§6.4) tabulate n = 2(z.975 + z.80)²/h²; in mpmath that
  // is 1569.78, 392.44, 174.42, 62.79, 24.53, 15.70. We round up, so h = 0.2 → 393 per
  // arm (the figure the power target requires); a table that rounds to nearest prints 392.
  it.each([
    [0.1, 1570],
    [0.2, 393],
    [0.3, 175],
    [0.5, 63],
    [0.8, 25],
    [1.0, 16],
  ])("h = %d → %d per arm", (h, expected) => {
    const p2 = p2ForH(h);
    expect(cohensH(0.5, p2)).toBeCloseTo(h, 14);
    expect(requiredSampleSize({ baselineRate: 0.5, minDetectableEffect: p2 - 0.5 })).toBe(expected);
  });

  // Exact n from mpmath (40 digits): baseline, absolute MDE, α, power, exact n.
  it.each([
    [0.1, 0.02, 0.05, 0.8, 3834.6051323476458],
    [0.01, 0.09, 0.05, 0.8, 79.928981821713678],
    [0.5, -0.1, 0.01, 0.9, 733.96880839476804],
    [0.001, 0.001, 0.05, 0.8, 22839.654442390379],
    [0.95, 0.04, 0.1, 0.8, 196.75115772527734],
  ])("baseline %d, MDE %d, α %d, power %d → ⌈%d⌉", (baselineRate, minDetectableEffect, alpha, power, exact) => {
    expect(requiredSampleSize({ baselineRate, minDetectableEffect, alpha, power })).toBe(Math.ceil(exact));
  });

  it("treats the MDE as absolute: 10% → 12% needs far more units than 10% → 30%", () => {
    const small = requiredSampleSize({ baselineRate: 0.1, minDetectableEffect: 0.02 });
    const large = requiredSampleSize({ baselineRate: 0.1, minDetectableEffect: 0.2 });
    expect(small).toBeGreaterThan(10 * large);
  });

  it.each([
    { baselineRate: 0, minDetectableEffect: 0.01 },
    { baselineRate: 1, minDetectableEffect: -0.01 },
    { baselineRate: 0.5, minDetectableEffect: 0 },
    { baselineRate: 0.5, minDetectableEffect: 0.6 },
    { baselineRate: 0.5, minDetectableEffect: 0.1, alpha: 0 },
    { baselineRate: 0.5, minDetectableEffect: 0.1, power: 1 },
  ])("throws RangeError for %o", (options) => {
    expect(() => requiredSampleSize(options)).toThrow(RangeError);
  });
});

describe("requiredSampleSizeForMeans", () => {
  it("needs 2σ²(z.975 + z.80)²/δ²: σ = 100 ms, δ = 10 ms → ⌈1569.78⌉", () => {
    expect(requiredSampleSizeForMeans({ variance: 10000, minDetectableEffect: 10 })).toBe(1570);
  });

  it("rejects non-positive variance and zero effect", () => {
    expect(() => requiredSampleSizeForMeans({ variance: 0, minDetectableEffect: 1 })).toThrow(RangeError);
    expect(() => requiredSampleSizeForMeans({ variance: 1, minDetectableEffect: 0 })).toThrow(RangeError);
  });
});
