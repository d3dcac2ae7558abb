import { describe, expect, it } from "vitest";
import { normalCdf, normalQuantile, normalSf } from "../../../src/core/stats/index";

// Reference values: mpmath 1.3.0 at 60 significant digits, Φ(x) = erfc(−x/√2)/2,
// rounded to 17 significant digits.
const CDF_CASES: ReadonlyArray<readonly [number, number]> = [
  [-38, 2.8854283600687843e-316],
  [-37.5, 4.6053530095819548e-308],
  [-20, 2.7536241186062337e-89],
  [-10, 7.6198530241605261e-24],
  [-8.3, 5.2055697448902852e-17],
  [-6, 9.8658764503769814e-10],
  [-5.657, 7.7020881721776021e-9],
  [-3, 0.0013498980316300945],
  [-1.96, 0.024997895148220434],
  [-0.6744, 0.25002852137294061],
  [-0.5, 0.3085375387259869],
  [0, 0.5],
  [0.3, 0.61791142218895264],
  [0.6745, 0.75000325713630083],
  [1, 0.84134474606854295],
  [1.96, 0.97500210485177957],
  [2.5, 0.99379033467422386],
  [5.65, 0.99999999197760815],
  [5.66, 0.99999999243135025],
  [6, 0.99999999901341235],
  [8.5, 0.99999999999999999],
];

// Φ⁻¹(p) by 400-step bisection of log Φ in mpmath (an independent method from AS 241),
// evaluated at the exact binary value of each double p (0.999999 is not exact).
const QUANTILE_CASES: ReadonlyArray<readonly [number, number]> = [
  [1e-300, -37.047096299361199],
  [1e-20, -9.2623400897984076],
  [1e-12, -7.0344838253011319],
  [1e-6, -4.7534243088228989],
  [0.001, -3.0902323061678135],
  [0.025, -1.9599639845400542],
  [0.05, -1.6448536269514727],
  [0.3, -0.52440051270804078],
  [0.5, 0],
  [0.7, 0.52440051270804078],
  [0.975, 1.9599639845400542],
  [0.999999, 4.7534243088170878],
];

describe("normalCdf", () => {
  it.each(CDF_CASES)("Φ(%d) matches mpmath to 1e-15 absolute and 1e-13 relative", (x, expected) => {
    const actual = normalCdf(x);
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-15);
    if (expected > 0) expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(1e-13);
  });

  it("hits the published Φ(1.96) = 0.9750021048517795", () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 15);
  });

  it("is symmetric, monotone and handles infinities and NaN", () => {
    for (let x = -9; x <= 9; x += 0.37) {
      expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
      expect(normalCdf(x + 0.01)).toBeGreaterThanOrEqual(normalCdf(x));
      if (x < 8) expect(normalCdf(x + 0.01)).toBeGreaterThan(normalCdf(x));
    }
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(NaN)).toBeNaN();
  });

  it("normalSf keeps relative precision in the upper tail where 1 − Φ would cancel", () => {
    expect(normalSf(10) / 7.6198530241605261e-24).toBeCloseTo(1, 12);
    expect(1 - normalCdf(10)).toBe(0); // what the naive complement would give
  });
});

describe("normalQuantile", () => {
  it.each(QUANTILE_CASES)("Φ⁻¹(%d) matches the mpmath bisection to 1e-12 relative", (p, expected) => {
    const actual = normalQuantile(p);
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
  });

  it("hits the published qnorm(0.975) = 1.959963984540054", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
  });

  it("inverts normalCdf to 1e-9 wherever Φ(x) still resolves x (x ≤ 5; the lower tail to −37)", () => {
    for (let x = -37; x <= 5; x += 0.173) {
      expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThan(1e-9);
    }
  });

  it.each([0, 1, -0.1, 1.5, NaN])("throws RangeError for p = %d", (p) => {
    expect(() => normalQuantile(p)).toThrow(RangeError);
  });
});
