// CLI error mapping (status → exit code and advice) and human formatting.
import { describe, expect, it } from "vitest";
import { apiError, EXIT, errorJson, exitCodeOf } from "../../cli/errors.mjs";
import {
  formatDuration,
  formatGuards,
  formatRolloutStatus,
  GUARD_UNITS,
  progressBar,
  table,
} from "../../cli/format.mjs";
import { adminBase } from "../../cli/http.mjs";
import {
  formatCount,
  formatMs,
  formatP,
  formatRatio,
  formatShare,
  formatTokens,
  formatUsd,
  formatValue,
  ratioOf,
} from "../../cli/units.mjs";
import { GUARD_NAMES, type GuardUnit, GUARD_UNITS as UNIT_OF_GUARD } from "../../src/core/health/guards";

describe("error mapping", () => {
  it.each([
    [401, EXIT.AUTH],
    [403, EXIT.AUTH],
    [409, EXIT.CONFLICT],
    [412, EXIT.CONFLICT],
    [428, EXIT.CONFLICT],
    [400, EXIT.API],
    [404, EXIT.API],
    [422, EXIT.API],
    [500, EXIT.API],
  ])("HTTP %i → exit %i", (status, code) => {
    expect(exitCodeOf(status)).toBe(code);
  });

  it("says what to do", () => {
    expect(apiError(412, { error: { code: "precondition_failed", message: "stale" } }, 'flag "a"').message).toBe(
      'flag "a" changed since you read it; re-run the command (it reads the current version first)',
    );
    expect(apiError(401, null, "x").message).toMatch(/SWITCHYARD_TOKEN/);
    expect(
      apiError(
        409,
        { error: { code: "conflict", message: "cannot promote", details: { reason: "not_at_full_rollout" } } },
        "x",
      ).message,
    ).toBe("conflict: cannot promote [not_at_full_rollout]");
    expect(apiError(503, null, "x").message).toMatch(/HTTP 503.*try again/);
    const invalid = apiError(
      400,
      {
        error: {
          code: "invalid_request",
          message: "request failed validation",
          details: [{ path: "reason", message: "Required" }],
        },
      },
      "x",
    );
    expect(invalid.message).toBe("request failed validation\n  reason: Required");
    expect(errorJson(invalid)).toEqual({
      error: {
        code: "invalid_request",
        message: invalid.message,
        status: 400,
        exitCode: EXIT.API,
        details: [{ path: "reason", message: "Required" }],
      },
    });
  });

  it("accepts the Worker origin or the admin API URL as SWITCHYARD_URL", () => {
    expect(adminBase("http://127.0.0.1:8787")).toBe("http://127.0.0.1:8787/admin/api");
    expect(adminBase("https://r.example/admin/api/")).toBe("https://r.example/admin/api");
    expect(adminBase("https://r.example/prefix")).toBe("https://r.example/prefix/admin/api");
  });
});

describe("formatting", () => {
  it("aligns tables and renders durations and progress", () => {
    expect(
      table(
        [
          { a: "x", b: 1 },
          { a: "longer", b: 22 },
        ],
        [
          ["A", (r) => r.a],
          ["B", (r) => r.b],
        ],
      ),
    ).toBe("A       B\nx       1\nlonger  22");
    expect([formatDuration(5_000), formatDuration(125_000), formatDuration(3_725_000), formatDuration(-1)]).toEqual([
      "5s",
      "2m05s",
      "1h02m",
      "-",
    ]);
    expect(progressBar(5, 10, 10)).toBe("[#####-----]  50% 5/10");
    expect(progressBar(0, 0, 4)).toBe("[####] 100% 0/0");
  });

  it("rollout status names both variants, the stage, the clock and the last decision", () => {
    const stage = (mode: "shadow" | "serve", percent: number, minDurationSeconds = 0, minSamples = 0) => ({
      mode,
      percent,
      minDurationSeconds,
      minSamples,
    });
    const rollout = {
      id: "r1",
      state: "active" as const,
      stageIndex: 2,
      stageStartedAt: 0,
      stages: [stage("shadow", 0), stage("serve", 5), stage("serve", 25, 600, 1000)],
    };
    const text = formatRolloutStatus({
      flag: { key: "f", killSwitch: false },
      rollout,
      decision: { action: "hold", at: 60_000, reason: "not enough data", applied: true },
      decisionsAvailable: true,
      nowMs: 300_000,
    });
    expect(text).toContain("shadow > 5% > [25%]");
    expect(text).toContain("green 25 % / blue 75 %");
    expect(text).toContain("5m00s of at least 10m00s");
    expect(text).toContain("decision   hold at 1970-01-01T00:01:00Z: not enough data");
    const noLoop = formatRolloutStatus({
      flag: { key: "f", killSwitch: true },
      rollout,
      decision: null,
      decisionsAvailable: false,
      nowMs: 0,
    });
    expect(noLoop).toContain("no health decisions endpoint");
    expect(noLoop).toContain("kill switch ON");
  });

  it("prints numbers in their units, and a missing number as -, never as 0", () => {
    expect([formatCount(12.6), formatCount(null), formatCount(Number.NaN)]).toEqual(["13", "-", "-"]);
    expect([formatShare(0.0123), formatShare(0.00004), formatShare(0), formatShare(null)]).toEqual([
      "1.23 %",
      "0.004 %",
      "0.00 %",
      "-",
    ]);
    expect([formatMs(999.6), formatMs(1234), formatMs(undefined)]).toEqual(["1000 ms", "1.23 s", "-"]);
    expect([formatUsd(0.00000945), formatUsd(0.0123), formatUsd(1.5), formatUsd(0), formatUsd(null)]).toEqual([
      "$0.00000945",
      "$0.0123",
      "$1.50",
      "$0",
      "-",
    ]);
    expect([formatP(0.03456), formatP(0.00001), formatP(null)]).toEqual(["0.035", "< 0.0001", "-"]);
    expect([ratioOf(3, 2), ratioOf(3, 0), ratioOf(null, 2)]).toEqual([1.5, null, null]);
    expect([formatRatio(1.5), formatRatio(null)]).toEqual(["1.50×", "-"]);
  });

  // The CLI cannot import core's table (plain Node ESM, no build step): its own copy is held to it here.
  it.each(GUARD_NAMES)("prints %s's figures in the unit the health loop gives them", (name) => {
    const inUnit: Record<GuardUnit, (value: number) => string> = {
      share: formatShare,
      ms: formatMs,
      psi: (value) => `PSI ${formatValue(value)}`,
      usd: formatUsd,
      tokens: formatTokens,
    };
    // 1.5 prints differently in every unit: 150.00 %, 2 ms, PSI 1.5, $1.50, 1.5.
    expect(GUARD_UNITS.get(name)?.(1.5)).toBe(inUnit[UNIT_OF_GUARD[name]](1.5));
  });

  it("knows the unit of every guard, and says when none was judged", () => {
    expect(GUARD_NAMES.filter((name) => !GUARD_UNITS.has(name))).toEqual([]);
    expect(formatGuards([])).toEqual(["none judged"]);
    const off = { green: null, control: null, threshold: null, pValue: null };
    expect(formatGuards([{ guard: "cost_per_request", status: "off", ...off }])).toEqual([
      "none judged",
      "off: cost_per_request",
    ]);
  });
});
