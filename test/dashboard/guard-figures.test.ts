// A decision's guard figures on the rollout timeline, each in its guard's
// unit (core GUARD_UNITS): shares as percentages, times in ms, drift as a
// PSI, cost in dollars, output in tokens; a missing figure as "–", never 0.
import { describe, expect, it } from "vitest";
import { GUARD_NAMES, type GuardName } from "../../src/core/health/guards";
import { formatGuardFigure, formatUsd } from "../../src/dashboard/format";

/** One row per guard: a figure and how the timeline prints it. */
const CASES: [GuardName, number, string][] = [
  ["cap_error_rate", 0.05, "5.0 %"],
  ["cap_latency_p99", 1500, "1.50 s"],
  ["error_rate", 0.0004, "0.04 %"],
  ["timeout_rate", 0.012, "1.2 %"],
  ["latency_p95", 240.4, "240 ms"],
  ["shadow_agreement", 0.85, "85.0 %"],
  ["feedback", 0.7, "70.0 %"],
  ["invalid_rate", 0.03, "3.0 %"],
  ["prediction_drift", 0.2468, "PSI 0.247"],
  ["ttfb_p95", 95, "95 ms"],
  ["cost_per_request", 0.0000345, "$0.0000345"],
  ["output_tokens", 27.25, "27.3 tokens"],
];

describe("guard figures on the timeline", () => {
  it("has a case for every guard", () => {
    expect(GUARD_NAMES.filter((name) => !CASES.some(([guard]) => guard === name))).toEqual([]);
  });

  it.each(CASES)("%s: %d → %s", (guard, value, text) => {
    expect(formatGuardFigure(guard, value)).toBe(text);
  });

  it.each(GUARD_NAMES)("%s: a missing figure is –", (guard) => {
    expect(formatGuardFigure(guard, null)).toBe("–");
  });

  it.each([
    [0.00000945, "$0.00000945"],
    [0.0123, "$0.0123"],
    [1.5, "$1.50"],
    [0, "$0"],
    [Number.NaN, "–"],
  ])("dollars: %d → %s", (value, text) => {
    expect(formatUsd(value)).toBe(text);
  });
});
