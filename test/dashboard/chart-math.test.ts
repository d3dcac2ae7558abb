// Pure chart arithmetic and the timeline model: scales, nice ticks, clock
// ticks, gap-aware paths, planned-vs-actual stage times.
import { describe, expect, it } from "vitest";
import {
  formatClock,
  linearScale,
  linePath,
  maxOf,
  niceStep,
  niceTicks,
  project,
  timeTicks,
} from "../../src/dashboard/chart-math";
import { decisionsByStage, stageActuals } from "../../src/dashboard/timeline-model";
import { fillSeries } from "../../src/admin/routes/series";
import type { AuditView, DecisionView, RolloutView } from "../../src/dashboard/types";

describe("scales and ticks", () => {
  it("maps linearly and survives a zero-width domain", () => {
    const x = linearScale([0, 10], [100, 200]);
    expect(x(0)).toBe(100);
    expect(x(5)).toBe(150);
    expect(x(10)).toBe(200);
    expect(linearScale([3, 3], [0, 10])(3)).toBe(5);
  });

  it.each([
    [0.7, 1],
    [1.3, 2],
    [2.2, 2.5],
    [3, 5],
    [7, 10],
    [0.0031, 0.005],
    [42, 50],
  ])("niceStep(%s) = %s", (raw, nice) => {
    expect(niceStep(raw)).toBeCloseTo(nice, 12);
  });

  it("ticks start at 0, reach at least the max, and have clean decimals", () => {
    expect(niceTicks(0.031, 4)).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(niceTicks(95, 4)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    for (const max of [0.0004, 1, 17, 333, 9999]) {
      const ticks = niceTicks(max);
      expect(ticks[0]).toBe(0);
      expect(ticks.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(7);
    }
  });

  it("gives an empty chart a usable axis", () => {
    expect(niceTicks(0, 4, 0.01)).toEqual([0, 0.0025, 0.005, 0.0075, 0.01]);
    expect(niceTicks(Number.NaN, 4, 100)).toEqual([0, 25, 50, 75, 100]);
  });

  it("puts time ticks on round UTC clock times, at most maxTicks", () => {
    const from = Date.UTC(2026, 10, 23, 8, 7);
    const ticks = timeTicks(from, from + 6 * 3600_000, 6);
    expect(ticks.length).toBeLessThanOrEqual(6);
    expect(ticks.map(formatClock)).toEqual(["09:00", "10:00", "11:00", "12:00", "13:00", "14:00"]);
    expect(timeTicks(from, from + 30 * 60_000, 6).map(formatClock)).toEqual([
      "08:10",
      "08:15",
      "08:20",
      "08:25",
      "08:30",
      "08:35",
    ]);
    expect(timeTicks(5, 5)).toEqual([]);
  });
});

describe("paths", () => {
  it("breaks the line at missing values instead of drawing zeros", () => {
    expect(linePath([[0, 1], [1, 2], null, [3, 4], [4, 5]])).toBe("M0 1 L1 2 M3 4 L4 5");
    expect(linePath([])).toBe("");
    expect(linePath([[0.04, 1.26]])).toBe("M0 1.3");
  });

  it("projects values and keeps gaps; maxOf ignores nulls and non-finite values", () => {
    const pts = project(
      [1, null, 3],
      (i) => i * 10,
      (v) => 100 - v,
    );
    expect(pts).toEqual([[0, 99], null, [20, 97]]);
    expect(
      maxOf([
        [1, null, 7],
        [Number.POSITIVE_INFINITY, 3],
      ]),
    ).toBe(7);
    expect(maxOf([[null]])).toBe(0);
  });
});

describe("series filling", () => {
  it("returns dense buckets per variant with rates only where there were requests", () => {
    const filled = fillSeries(
      [
        // Green: cost known for 2 of its 4 requests, $0.003 in all → $1.50 per 1 000.
        { bucket: 1, variant: "green", requests: 4, errors: 1, timeouts: 2, p95Ms: 120, costKnown: 2, costUsd: 0.003 },
        { bucket: 0, variant: "blue", requests: 10, errors: 0, timeouts: 0, p95Ms: 80, costKnown: 0, costUsd: 0 },
        { bucket: 9, variant: "blue", requests: 1, errors: 1, timeouts: 0, p95Ms: 1, costKnown: 0, costUsd: 0 },
        { bucket: 0, variant: "purple", requests: 1, errors: 1, timeouts: 0, p95Ms: 1, costKnown: 0, costUsd: 0 },
      ],
      3,
    );
    expect(filled.blue.map((b) => b.requests)).toEqual([10, 0, 0]);
    expect(filled.blue[0]!.errorRate).toBe(0);
    expect(filled.blue[1]!.errorRate).toBeNull();
    // No known cost is no cost figure, never $0.
    expect(filled.blue[0]!.costPer1kUsd).toBeNull();
    expect(filled.green[1]).toEqual({
      requests: 4,
      errors: 1,
      timeouts: 2,
      errorRate: 0.25,
      timeoutRate: 0.5,
      p95Ms: 120,
      costPer1kUsd: 1.5,
    });
  });
});

const stage = (percent: number) => ({
  mode: percent === 0 ? ("shadow" as const) : ("serve" as const),
  percent,
  minDurationSeconds: 60,
  minSamples: 10,
});
const rollout = (changes: Partial<RolloutView> = {}): RolloutView => ({
  id: "r1",
  flagKey: "f",
  state: "active",
  stages: [stage(0), stage(25), stage(100)],
  stageIndex: 1,
  stageStartedAt: 5_000,
  holdSeconds: 600,
  endedAt: null,
  stage: stage(25),
  salt: "s",
  version: 3,
  createdAt: 1_000,
  ...changes,
});
const audit = (
  id: number,
  action: string,
  at: number,
  after: unknown,
  resource = "r1",
  before: unknown = null,
): AuditView => ({
  id,
  at,
  actor: "bootstrap",
  action,
  resource: { type: "rollout", id: resource },
  flag: "f",
  before,
  after,
  requestId: "q",
});

describe("timeline model", () => {
  it("derives entered/left times from the audit log and the record", () => {
    const rows = [
      audit(2, "rollout.advance", 4_000, { stageIndex: 1 }),
      audit(1, "rollout.start", 1_000, { stageIndex: 0 }),
      audit(3, "rollout.advance", 9, { stageIndex: 1 }, "other"),
    ];
    const actual = stageActuals(rollout(), rows, 10_000, true);
    expect(actual.map((a) => a.status)).toEqual(["done", "current", "pending"]);
    expect(actual[0]).toMatchObject({ enteredAt: 1_000, leftAt: 4_000, seconds: 3 });
    expect(actual[1]).toMatchObject({ enteredAt: 4_000, leftAt: null, seconds: 6 });
    expect(actual[2]).toMatchObject({ enteredAt: null, seconds: null });
  });

  // A stage is "done" only with evidence it was entered; the dev seed writes a
  // rollout straight at a later stage, with no audit rows at all.
  it.each([
    [
      "seeded at stage 3, whole history",
      rollout({ stageIndex: 2, stages: [stage(0), stage(5), stage(25), stage(100)], stageStartedAt: 1_000 }),
      [],
      true,
      ["skipped", "skipped", "current", "pending"],
      [null, null, 1_000, null],
    ],
    [
      "seeded at stage 2, then advanced by hand",
      rollout({ stageIndex: 2, stages: [stage(0), stage(5), stage(25), stage(100)], stageStartedAt: 7_000 }),
      [audit(5, "rollout.advance", 7_000, { stageIndex: 2 }, "r1", { stageIndex: 1 })],
      true,
      ["skipped", "done", "current", "pending"],
      [null, 1_000, 7_000, null],
    ],
    [
      "history older than the audit page",
      rollout({ state: "rolled_back", endedAt: 8_000 }),
      [],
      false,
      ["unrecorded", "stopped", "not_reached"],
      [null, 5_000, null],
    ],
    [
      "rolled back, whole history from the API",
      rollout({ state: "rolled_back", endedAt: 8_000 }),
      [audit(1, "rollout.start", 1_000, { stageIndex: 0 }), audit(2, "rollout.advance", 5_000, { stageIndex: 1 })],
      true,
      ["done", "stopped", "not_reached"],
      [1_000, 5_000, null],
    ],
    [
      "promoted",
      rollout({ state: "promoted", stageIndex: 2, endedAt: 9_000 }),
      [
        audit(1, "rollout.start", 1_000, { stageIndex: 0 }),
        audit(2, "rollout.advance", 2_000, { stageIndex: 1 }),
        audit(3, "rollout.advance", 3_000, { stageIndex: 2 }),
      ],
      true,
      ["done", "done", "done"],
      [1_000, 2_000, 3_000],
    ],
  ] as const)("%s", (_, record, rows, complete, statuses, entered) => {
    const actual = stageActuals(record, [...rows], 10_000, complete);
    expect(actual.map((a) => a.status)).toEqual(statuses);
    expect(actual.map((a) => a.enteredAt)).toEqual(entered);
  });

  it("groups this rollout's decisions by stage, newest first", () => {
    const d = (id: number, at: number, stageIndex: number, rolloutId = "r1") =>
      ({ id, at, stageIndex, rolloutId }) as DecisionView;
    const grouped = decisionsByStage(rollout(), [d(1, 10, 0), d(3, 30, 1), d(2, 20, 1), d(4, 40, 1, "old")]);
    expect(grouped.get(1)!.map((x) => x.id)).toEqual([3, 2]);
    expect(grouped.get(0)!.map((x) => x.id)).toEqual([1]);
  });
});
