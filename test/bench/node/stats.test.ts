// The benchmarks' small statistics (bench/lib/stats.mjs): the bootstrap
// interval that bench:router reports around per-round ratios.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain .mjs helper shared with the benchmarks (no type declarations)
import { bootstrapMedianInterval, median } from "../../../bench/lib/stats.mjs";

const rounds = fc.array(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { minLength: 1, maxLength: 12 });

describe("bootstrapMedianInterval", () => {
  it("holds the median, lies within the data, and is the same for the same seed", () => {
    fc.assert(
      fc.property(rounds, (values) => {
        const { low, high } = bootstrapMedianInterval(values, { resamples: 400 });
        expect(low).toBeLessThanOrEqual(median(values));
        expect(high).toBeGreaterThanOrEqual(median(values));
        expect(low).toBeGreaterThanOrEqual(Math.min(...values));
        expect(high).toBeLessThanOrEqual(Math.max(...values));
        expect(bootstrapMedianInterval(values, { resamples: 400 })).toEqual({ low, high });
      }),
      { numRuns: 200 },
    );
  });

  it("is a point for identical rounds and narrows as rounds agree", () => {
    expect(bootstrapMedianInterval([0.95, 0.95, 0.95, 0.95])).toEqual({ low: 0.95, high: 0.95 });
    const wide = bootstrapMedianInterval([0.8, 0.9, 1.0, 1.1, 1.2, 0.85, 1.15, 0.95]);
    const narrow = bootstrapMedianInterval([0.98, 0.99, 1.0, 1.01, 1.02, 0.985, 1.015, 0.995]);
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
  });

  it("gives a 95 % interval that covers the true median about 95 % of the time", () => {
    // Rounds drawn from a known distribution (uniform on [0.9, 1.0], median 0.95).
    let state = 7;
    const uniform = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return 0.9 + (state / 4294967296) * 0.1;
    };
    let covered = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const values = Array.from({ length: 15 }, uniform);
      const { low, high } = bootstrapMedianInterval(values, { resamples: 1000, seed: t + 1 });
      if (low <= 0.95 && 0.95 <= high) covered++;
    }
    // Percentile intervals of a median from 15 rounds run a little wide or narrow; well outside means a bug.
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.995);
  });
});
