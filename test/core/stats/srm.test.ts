import { describe, expect, it } from "vitest";
import { SRM_P_VALUE_THRESHOLD, isSampleRatioMismatch, srmTest } from "../../../src/core/stats/index";

describe("srmTest", () => {
  it("exports the 0.001 threshold", () => {
    expect(SRM_P_VALUE_THRESHOLD).toBe(0.001);
    expect(isSampleRatioMismatch(0.0009)).toBe(true);
    expect(isSampleRatioMismatch(0.001)).toBe(false);
  });

  it("5050 vs 4950 at 50/50: χ² = 1, p = 2Φ(−1) = 0.3173105078629141 (mpmath)", () => {
    const result = srmTest([5050, 4950], [1, 1]);
    expect(result.chi2).toBeCloseTo(1, 12);
    expect(result.df).toBe(1);
    expect(result.pValue).toBeCloseTo(0.3173105078629141, 12);
    expect(result.mismatch).toBe(false);
  });

  it("flags the example in Kohavi, Tang & Xu (2020): 821 588 vs 815 482 users at 50/50, p ≈ 1.8e-6", () => {
    const result = srmTest([821588, 815482], [50, 50]);
    // χ² = 2·3053²/818535; p = erfc(√(χ²/2)) (χ²₁ tail), both from mpmath at 40 digits.
    expect(result.chi2).toBeCloseTo(22.77436884189436, 10);
    expect(Math.abs(result.pValue - 1.8217928726191872e-6)).toBeLessThan(1e-15);
    expect(result.mismatch).toBe(true);
  });

  it("uses k − 1 degrees of freedom for three arms and normalises weights", () => {
    // Expected 500/300/200; χ² = (20² / 500) + (10² / 300) + (10² / 200) = 0.8 + 0.3333… + 0.5.
    const result = srmTest([520, 290, 190], [0.5, 0.3, 0.2]);
    expect(result.df).toBe(2);
    expect(result.chi2).toBeCloseTo(1.6333333333333333, 12);
    expect(result.pValue).toBeCloseTo(Math.exp(-1.6333333333333333 / 2), 12); // χ²₂ tail = e^(−x/2)
    expect(srmTest([520, 290, 190], [50, 30, 20]).chi2).toBeCloseTo(result.chi2, 12);
  });

  it("detects a 90/10 rollout that actually split 88/12", () => {
    expect(srmTest([8800, 1200], [90, 10]).mismatch).toBe(true);
    expect(srmTest([9010, 990], [90, 10]).mismatch).toBe(false);
  });

  it("returns χ² = 0, p = 1 with no units", () => {
    expect(srmTest([0, 0], [1, 1])).toEqual({ chi2: 0, df: 1, pValue: 1, mismatch: false });
  });

  it.each([
    [[1, 2], [1]],
    [[1], [1]],
    [
      [1, -2],
      [1, 1],
    ],
    [
      [1, 2],
      [1, 0],
    ],
    [
      [1.5, 2],
      [1, 1],
    ],
  ])("throws RangeError for observed %o, weights %o", (observed, weights) => {
    expect(() => srmTest(observed, weights)).toThrow(RangeError);
  });
});
