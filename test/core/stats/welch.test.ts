import { describe, expect, it } from "vitest";
import { welchTTest } from "../../../src/core/stats/index";

// t and Welch–Satterthwaite ν recomputed in mpmath; p by quadrature of the t
// density at that (fractional) ν. Row 1 is GrowthBook's gbstats test case
// (packages/stats/tests/frequentist/test_tests.py, absolute effect 0.29:
// p_value = 0.02016). Columns: meanA, varA, nA, meanB, varB, nB, t, ν, p.
const CASES: ReadonlyArray<readonly [number, number, number, number, number, number, number, number, number]> = [
  [0.41, 3.9 ** 2, 3407, 0.7, 6.2 ** 2, 3461, 2.3240227609215204, 5841.7420320935641, 0.020158402643586965],
  [10, 4, 2, 14, 9, 3, 1.7888543819998318, 2.9411764705882353, 0.17342021054405981],
  [100, 25, 30, 103, 100, 12, 0.99086738861372455, 13.259704568876675, 0.33948842245660389],
  [5, 0, 10, 5, 1, 2, 0, 1, 1],
  [250, 10000, 5000, 251, 10000, 5000, 0.5, 9998, 0.61708608152401377],
  [1, 0.5, 2, 3, 0.5, 2, 2.8284271247461901, 2, 0.10557280900008412],
];

describe("welchTTest", () => {
  it.each(CASES)("x̄A = %d (s² %d, n %d) vs x̄B = %d (s² %d, n %d)", (meanA, varA, nA, meanB, varB, nB, t, df, p) => {
    const result = welchTTest({ meanA, varA, nA, meanB, varB, nB });
    expect(result.t).toBeCloseTo(t, 12);
    expect(Math.abs(result.df - df)).toBeLessThanOrEqual(1e-9 * df);
    expect(Math.abs(result.pValue - p)).toBeLessThanOrEqual(1e-12);
  });

  it("reproduces GrowthBook's rounded p-value 0.02016", () => {
    const { pValue } = welchTTest({ meanA: 0.41, varA: 3.9 ** 2, nA: 3407, meanB: 0.7, varB: 6.2 ** 2, nB: 3461 });
    expect(Math.round(pValue * 1e5) / 1e5).toBe(0.02016);
  });

  it("defines zero variance in both arms: equal means → p = 1, different means → p = 0", () => {
    expect(welchTTest({ meanA: 3, varA: 0, nA: 5, meanB: 3, varB: 0, nB: 7 })).toEqual({ t: 0, df: 10, pValue: 1 });
    expect(welchTTest({ meanA: 3, varA: 0, nA: 5, meanB: 2, varB: 0, nB: 7 })).toEqual({
      t: -Infinity,
      df: 10,
      pValue: 0,
    });
  });

  it.each([
    { meanA: 1, varA: 1, nA: 1, meanB: 1, varB: 1, nB: 5 },
    { meanA: 1, varA: -1, nA: 5, meanB: 1, varB: 1, nB: 5 },
    { meanA: NaN, varA: 1, nA: 5, meanB: 1, varB: 1, nB: 5 },
    { meanA: 1, varA: 1, nA: 5.5, meanB: 1, varB: 1, nB: 5 },
  ])("throws RangeError for %o", (input) => {
    expect(() => welchTTest(input)).toThrow(RangeError);
  });
});
