// Every guard interval a decision records is within the tested quantity's
// possible range: a rate in [0, 1], a difference of rates in [−1, 1], even
// on the few samples an early stage has.
import { describe, expect, it } from "vitest";
import { EMPTY_ARM, type ArmWindow } from "../../../src/core/health";
import { errorCapGuard, rateGuard, shadowGuard, type StatsKnobs } from "../../../src/core/health/guards";

const knobs: StatsKnobs = { alpha: 0.05 / 3, tuningN: 5000, wideMarginFactor: 3 };
const arm = (requests: number, errors: number): ArmWindow => ({ ...EMPTY_ARM, requests, rows: requests, errors });

describe("guard intervals stay in range", () => {
  it.each([
    ["error_rate 0/10 vs 9/10", () => rateGuard("error_rate", "errors", 2, 0.01, arm(10, 0), arm(10, 9), knobs), -1, 1],
    [
      "error_rate 10/10 vs 0/10",
      () => rateGuard("error_rate", "errors", 2, 0.01, arm(10, 10), arm(10, 0), knobs),
      -1,
      1,
    ],
    ["shadow agreement 29/30", () => shadowGuard(0.85, 30, 29, 30, knobs), 0, 1],
    ["shadow agreement 1/30", () => shadowGuard(0.85, 30, 1, 30, knobs), 0, 1],
    ["error cap 1/20", () => errorCapGuard(0.5, arm(20, 1), knobs), 0, 1],
  ])("%s", (_, guard, low, high) => {
    const interval = guard().interval!;
    expect(interval[0]).toBeGreaterThanOrEqual(low);
    expect(interval[1]).toBeLessThanOrEqual(high);
    // …and the range really cut it: one end sits on the boundary.
    expect(interval[0] === low || interval[1] === high).toBe(true);
  });
});
