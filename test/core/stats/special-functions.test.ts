import { describe, expect, it } from "vitest";
import {
  chiSquareSf,
  logGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTTwoSidedP,
} from "../../../src/core/stats/index";

// Student t: mpmath 1.3.0 (40 digits) Gauss–Legendre quadrature of the t density
// Γ((ν+1)/2)/(√(νπ)Γ(ν/2))·(1 + t²/ν)^−(ν+1)/2 — independent of the incomplete-beta route.
// Cross-checks: R pt(2, 3) = 0.930337; Cauchy (ν = 1) has F(t) = ½ + atan(t)/π;
// ν = 2 has F(t) = ½ + t/(2√(2 + t²)).
// Columns: t, ν, P(T ≤ t), P(|T| ≥ |t|).
const T_CASES: ReadonlyArray<readonly [number, number, number, number]> = [
  [2, 3, 0.93033701572057841, 0.13932596855884318],
  [0.5, 1, 0.64758361765043327, 0.70483276469913345],
  [-3, 1, 0.10241638234956673, 0.20483276469913345],
  [1.5, 2, 0.86380343755449946, 0.27239312489100108],
  [2.5, 0.5, 0.79951473547335341, 0.40097052905329318],
  [1.3, 2.7, 0.85327367814807728, 0.29345264370384543],
  [10, 5, 0.99991452621212852, 0.00017094757574296359],
  [-40, 4, 1.1670081613006343e-6, 2.3340163226012686e-6],
  [2, 30, 0.97268747751850845, 0.054625044962983104],
  [1.96, 1000, 0.97486340752212564, 0.050273184955748714],
  [3, 100000, 0.99864976955796764, 0.0027004608840647192],
  [2, 1000000, 0.9772497330743404, 0.045500533851319208],
  [2.5, 50000000, 0.99379033308572156, 0.01241933382855689],
  [2.5, 99999, 0.9937895403957775, 0.012420919208445002],
  [2.2, 30000, 0.98609275420555237, 0.027814491588895265],
  [0, 7, 0.5, 1],
];

// Chi-square upper tail: mpmath quadrature of the χ²_k density. 3.8414588… and
// 5.9914645… are the published 95% points for k = 1, 2.
const CHI2_CASES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 1, 0.3173105078629141],
  [3.841458820694124, 1, 0.050000000000000058],
  [0.001, 1, 0.97477287936996039],
  [5.991464547107979, 2, 0.050000000000000075],
  [10, 3, 0.018566135463043233],
  [30, 4, 4.8944371280292126e-6],
  [100, 5, 5.2851483609432401e-20],
  [0.5, 10, 0.99999338828943897],
  [200, 3, 4.2185411071465821e-43],
  [15, 20, 0.77640761301971443],
];

// mpmath loggamma / betainc(regularized=True) at 40 digits.
const LOG_GAMMA_CASES: ReadonlyArray<readonly [number, number]> = [
  [1e-8, 18.420680738180209],
  [0.5, 0.57236494292470009],
  [1, 0],
  [1.5, -0.12078223763524522],
  [3.7, 1.4280723266653879],
  [10, 12.80182748008147],
  [100.5, 361.43554046777762],
  [1000000, 12815504.569147612],
];
const BETA_CASES: ReadonlyArray<readonly [number, number, number, number]> = [
  [0.3, 2, 3, 0.3483],
  [0.999, 0.5, 0.5, 0.97986495836662251],
  [0.01, 50, 0.5, 7.9982274179048127e-102],
  [0.5, 1000, 1000, 0.5],
  [0.2, 0.1, 10, 0.99525419415966817],
];

const relativeError = (actual: number, expected: number) =>
  expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);

describe("Student t distribution", () => {
  it.each(T_CASES)("t = %d, ν = %d: CDF and two-sided tail within 1e-12 of quadrature", (t, df, cdf, twoSided) => {
    expect(Math.abs(studentTCdf(t, df) - cdf)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(studentTTwoSidedP(t, df) - twoSided)).toBeLessThanOrEqual(1e-12);
    expect(relativeError(studentTTwoSidedP(t, df), twoSided)).toBeLessThanOrEqual(1e-10);
  });

  it("matches the closed forms for ν = 1 and ν = 2 across the line", () => {
    for (let t = -50; t <= 50; t += 0.731) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it("tends to the normal for huge ν (Fisher-expansion branch) and ν = ∞", () => {
    expect(studentTCdf(1.7, 1e12)).toBeCloseTo(0.95543453724145699, 12); // Φ(1.7), mpmath
    expect(studentTTwoSidedP(1.959963984540054, Infinity)).toBeCloseTo(0.05, 14);
    expect(studentTTwoSidedP(Infinity, 3)).toBe(0);
  });

  it.each([0, -1, NaN])("throws RangeError for ν = %d", (df) => {
    expect(() => studentTCdf(1, df)).toThrow(RangeError);
  });
});

describe("chi-square upper tail", () => {
  it.each(CHI2_CASES)("χ² = %d, k = %d within 1e-13 absolute and 1e-10 relative", (x, k, expected) => {
    expect(Math.abs(chiSquareSf(x, k) - expected)).toBeLessThanOrEqual(1e-13);
    expect(relativeError(chiSquareSf(x, k), expected)).toBeLessThanOrEqual(1e-10);
  });

  it("equals exp(−x/2) for k = 2 and 1 at x ≤ 0", () => {
    for (const x of [0.1, 1, 7, 40, 300])
      expect(relativeError(chiSquareSf(x, 2), Math.exp(-x / 2))).toBeLessThan(1e-13);
    expect(chiSquareSf(0, 3)).toBe(1);
  });
});

describe("log-gamma and incomplete beta", () => {
  it.each(LOG_GAMMA_CASES)("lnΓ(%d) within 1e-13 relative (1e-14 absolute near 0)", (x, expected) => {
    expect(Math.abs(logGamma(x) - expected)).toBeLessThanOrEqual(Math.max(1e-14, 1e-13 * Math.abs(expected)));
  });

  it.each(BETA_CASES)("I_%d(%d, %d) within 1e-12 relative", (x, a, b, expected) => {
    expect(relativeError(regularizedIncompleteBeta(x, a, b), expected)).toBeLessThanOrEqual(1e-12);
  });

  it("rejects invalid arguments", () => {
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta(0.5, -1, 1)).toThrow(RangeError);
    expect(() => regularizedIncompleteBeta(1.5, 1, 1)).toThrow(RangeError);
  });
});
