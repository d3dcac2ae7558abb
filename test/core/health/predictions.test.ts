// From reader groups to the counts prediction_drift compares: arms summed
// over the groups in scope, labels aligned with one "other" for the rest,
// bins cut at control's distinct deciles. Hand-computed cases.
import { describe, expect, it } from "vitest";
import type { PredictionGroup } from "../../../src/core/health";
import {
  binEdges,
  labelCounts,
  OTHER_LABELS,
  predictionArmOf,
  predictsNumbers,
  valueCounts,
} from "../../../src/core/health/predictions";

const group = (overrides: Partial<PredictionGroup>): PredictionGroup => ({
  variant: "blue",
  reason: "SPLIT",
  ruleId: null,
  kind: "served",
  labels: [],
  labeled: 0,
  values: 0,
  deciles: null,
  bins: null,
  ...overrides,
});
const ROLLOUT = { kind: "rollout" } as const;

describe("predictionArmOf", () => {
  it("sums labels, totals and bins of the variant's groups in scope, and takes deciles from the largest", () => {
    const groups = [
      group({ labels: [{ label: "a", count: 5 }], labeled: 6, values: 10, deciles: [1], bins: [4, 6] }),
      group({
        reason: "DEFAULT",
        labels: [{ label: "a", count: 2 }],
        labeled: 2,
        values: 30,
        deciles: [9],
        bins: [1, 2],
      }),
      // Out of scope (a segment rule) and another variant: both ignored.
      group({ reason: "SEGMENT_MATCH", ruleId: "r1", labels: [{ label: "a", count: 100 }], labeled: 100 }),
      group({ variant: "green", labels: [{ label: "b", count: 7 }], labeled: 7 }),
    ];
    const arm = predictionArmOf(groups, "blue", ROLLOUT);
    expect(Object.fromEntries(arm.labels)).toEqual({ a: 7 });
    expect(arm).toMatchObject({ labeled: 8, values: 40, deciles: [9], bins: [5, 8] });
    expect(predictionArmOf(groups, "blue", { kind: "rule", ruleId: "r1" }).labeled).toBe(100);
  });
});

describe("labelCounts", () => {
  it.each<{
    name: string;
    control: Record<string, number>;
    controlTotal: number;
    green: Record<string, number>;
    greenTotal: number;
    expected: { categories: string[]; control: number[]; green: number[] };
  }>([
    {
      name: "same labels",
      control: { a: 60, b: 40 },
      controlTotal: 100,
      green: { a: 30, b: 70 },
      greenTotal: 100,
      expected: { categories: ["a", "b"], control: [60, 40], green: [30, 70] },
    },
    {
      name: "a label only green answers gets a zero for control",
      control: { a: 100 },
      controlTotal: 100,
      green: { a: 80, z: 20 },
      greenTotal: 100,
      expected: { categories: ["a", "z"], control: [100, 0], green: [80, 20] },
    },
    {
      name: "labels beyond the listed ones become one category",
      control: { a: 50 },
      controlTotal: 60,
      green: { a: 50 },
      greenTotal: 50,
      expected: { categories: ["a", OTHER_LABELS], control: [50, 10], green: [50, 0] },
    },
  ])("$name", ({ control, controlTotal, green, greenTotal, expected }) => {
    const arm = (labels: Record<string, number>, labeled: number) => ({
      labels: new Map(Object.entries(labels)),
      labeled,
      values: 0,
      deciles: null,
      bins: null,
    });
    expect(labelCounts(arm(control, controlTotal), arm(green, greenTotal))).toEqual(expected);
  });
});

describe("numbers", () => {
  const arm = (values: number, deciles: number[] | null, bins: number[] | null = null) => ({
    labels: new Map<string, number>(),
    labeled: 0,
    values,
    deciles,
    bins,
  });

  it("are the kind when control has more numbers than labels", () => {
    expect(predictsNumbers(arm(10, [1]))).toBe(true);
    expect(predictsNumbers({ ...arm(10, [1]), labeled: 10 })).toBe(false);
  });

  it.each([
    { deciles: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], edges: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] },
    // A score that is mostly one value has few distinct cut points: bins never repeat an edge.
    { deciles: [0, 0, 0, 0, 0, 0, 0, 1, 1], edges: [0, 1] },
    { deciles: null, edges: [] },
  ])("cut at control's distinct deciles: $deciles → $edges", ({ deciles, edges }) => {
    expect(binEdges(arm(100, deciles))).toEqual(edges);
  });

  it("counts both arms in the same named bins, or nothing without bins", () => {
    expect(valueCounts([0, 1], arm(10, null, [7, 2, 1]), arm(10, null, [1, 2, 7]))).toEqual({
      categories: ["≤ 0", "(0, 1]", "> 1"],
      control: [7, 2, 1],
      green: [1, 2, 7],
    });
    expect(valueCounts([0], arm(10, null, [7, 3]), arm(0, null, null))).toBeNull();
  });
});
