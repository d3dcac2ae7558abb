// The answer figures operators read: histogram edges from both arms'
// deciles, per-arm rates that are null when they do not apply, and drift
// figures with KS only over ordered bins. Hand-computed fixtures.
import { describe, expect, it } from "vitest";
import { EMPTY_ARM } from "../../../src/core/health";
import { answerArmFigures, driftFigures, histogramEdges } from "../../../src/core/health/answer-report";
import type { PredictionArm } from "../../../src/core/health/predictions";

const arm = (deciles: number[] | null, extra: Partial<PredictionArm> = {}): PredictionArm => ({
  labels: new Map(),
  labeled: 0,
  values: deciles ? 100 : 0,
  deciles,
  bins: null,
  ...extra,
});
const spread = (low: number, high: number) => [low, ...new Array<number>(7).fill((low + high) / 2), high];

describe("histogramEdges", () => {
  it.each([
    ["no numbers in either arm", [arm(null), arm(null)], []],
    ["one arm's spread", [arm(spread(0, 8)), arm(null)], [0, 1, 2, 3, 4, 5, 6, 7, 8]],
    [
      "the lower 10th and the higher 90th of both",
      [arm(spread(2, 4)), arm(spread(0, 0.8))],
      [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4],
    ],
    ["a constant prediction: one edge", [arm(spread(5, 5)), arm(spread(5, 5))], [5]],
    [
      "edges rounded to 6 significant digits",
      [arm(spread(0.1, 0.4)), arm(null)],
      [0.1, 0.1375, 0.175, 0.2125, 0.25, 0.2875, 0.325, 0.3625, 0.4],
    ],
  ])("%s", (_, arms, edges) => {
    expect(histogramEdges(arms)).toEqual(edges);
  });
});

describe("answerArmFigures", () => {
  it("has no invalid rate without inspections and no first-byte p95 without streamed answers", () => {
    const figures = answerArmFigures({ ...EMPTY_ARM, requests: 7, ttfbP95Ms: 120 }, arm(null));
    expect(figures).toMatchObject({ requests: 7, invalidRate: null, streamed: 0, ttfbP95Ms: null });
  });

  it("divides invalid by inspected (not by requests) and lists labels largest first", () => {
    const figures = answerArmFigures(
      { ...EMPTY_ARM, requests: 50, inspected: 40, invalid: 4, streamed: 3, ttfbP95Ms: 90 },
      arm(null, {
        labels: new Map([
          ["b", 5],
          ["a", 5],
          ["c", 9],
        ]),
        labeled: 19,
      }),
    );
    expect(figures.invalidRate).toBe(0.1);
    expect(figures.ttfbP95Ms).toBe(90);
    expect(figures.labels.map((l) => l.label)).toEqual(["c", "a", "b"]);
  });
});

describe("driftFigures", () => {
  const counts = { categories: ["x", "y"], control: [60, 40], green: [40, 60] };
  it("reports KS only for ordered bins", () => {
    expect(driftFigures(counts, "labels").ks).toBeNull();
    // D = |0.6 − 0.4| after the first bin; p = kolmogorov(√50 · 0.2) (scipy 0.0366)
    const numbers = driftFigures(counts, "numbers");
    expect(numbers.ks?.statistic).toBeCloseTo(0.2, 12);
    expect(numbers.ks?.pValue).toBeCloseTo(0.03663105, 6);
    expect(numbers.psi).toBeCloseTo(0.1621860432432657, 12);
  });
});
