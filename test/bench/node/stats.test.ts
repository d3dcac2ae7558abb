// The benchmarks' small statistics (bench/lib/stats.mjs): the interval that
// bench:router reports around the median of per-round ratios.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain .mjs helper shared with the benchmarks (no type declarations)
import { median, medianInterval } from "../../../bench/lib/stats.mjs";

describe("medianInterval", () => {
  // Order statistics and exact coverage for 1..n, computed with scipy 1.17
  // (binom.cdf(k, n, 0.5): the largest k with cdf(k - 1) ≤ 0.025).
  it.each([
    { n: 5, low: 1, high: 5, coverage: 0.9375 },
    { n: 6, low: 1, high: 6, coverage: 0.96875 },
    { n: 8, low: 1, high: 8, coverage: 0.9921875 },
    { n: 15, low: 4, high: 12, coverage: 0.96484375 },
    { n: 30, low: 10, high: 21, coverage: 0.9572260547429323 },
  ])("$n rounds: X($low)…X($high), coverage $coverage", ({ n, low, high, coverage }) => {
    // Shuffled input: the interval is of the sorted rounds.
    const values = Array.from({ length: n }, (_, i) => ((i * 7) % n) + 1);
    const found = medianInterval(values);
    expect(found.low).toBe(low);
    expect(found.high).toBe(high);
    expect(found.coverage).toBeCloseTo(coverage, 12);
  });

  it("holds the median, lies within the rounds, and reaches the level once rounds allow it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (values) => {
          const { low, high, coverage } = medianInterval(values);
          expect(low).toBeLessThanOrEqual(median(values));
          expect(high).toBeGreaterThanOrEqual(median(values));
          expect(low).toBeGreaterThanOrEqual(Math.min(...values));
          expect(high).toBeLessThanOrEqual(Math.max(...values));
          if (values.length >= 6) expect(coverage).toBeGreaterThanOrEqual(0.95);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("covers the true median at least as often as it says", () => {
    // Rounds drawn from a known distribution (uniform on [0.9, 1.0], median 0.95).
    let state = 7;
    const uniform = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return 0.9 + (state / 4294967296) * 0.1;
    };
    const trials = 2000;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const { low, high } = medianInterval(Array.from({ length: 8 }, uniform));
      if (low <= 0.95 && 0.95 <= high) covered++;
    }
    // Exact coverage for 8 rounds is 99.2 %; 2 000 trials put a correct interval above 98.5 %.
    expect(covered / trials).toBeGreaterThan(0.985);
  });
});
