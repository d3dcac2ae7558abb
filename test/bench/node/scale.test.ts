// The load model's arithmetic (bench/lib/scale-model.mjs), its command's
// JSON and input errors, and a smoke run of bench:scale: N isolates in
// simulated locations over one D1/KV/cache, asserting about one D1 probe per
// location per interval and a kill switch that reaches every isolate (the
// harness checks both and exits non-zero otherwise; no timing verdict here).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain .mjs module shared with the benchmarks (no type declarations)
import * as scaleModel from "../../../bench/lib/scale-model.mjs";

const { DEFAULT_PRICES, SIZES, locationProbesPerSecond, model, shareTimings } = scaleModel;

const MINUTE = 60_000;
const size = (extra: Record<string, number> = {}) => ({
  name: "t",
  isolates: 100,
  locations: 10,
  flags: 50,
  requestsPerSecond: 1000,
  activeRollouts: 5,
  ...extra,
});

describe("scale model arithmetic", () => {
  it("today: every isolate reads every flag's row once per interval", () => {
    const m = model(size(), { probeSeconds: 5 });
    expect(m.d1QueriesPerSecond.today).toBe(20);
    expect(m.d1RowsPerSecond.today).toBe(1000);
    expect(m.d1RowsPerMonth.today).toBe(1000 * 30 * 24 * 3600);
  });

  it("new: one one-row probe per location per shared max age, plus one index read per location per change", () => {
    expect(shareTimings(5)).toEqual({ checkEverySeconds: 1, shareMaxAgeSeconds: 4 });
    const quiet = model(size(), { probeSeconds: 5, changesPerHour: 0, d1RoundTripMs: 0 });
    expect(quiet.d1QueriesPerSecond.new).toBeCloseTo(10 / 4);
    expect(quiet.d1RowsPerSecond.new).toBeCloseTo(10 / 4);
    expect(quiet.d1QueriesPerSecond.newWithoutCache).toBeCloseTo(100 / 4);
    const busy = model(size(), { probeSeconds: 5, changesPerHour: 3600, d1RoundTripMs: 0 });
    expect(busy.d1QueriesPerSecond.new).toBeCloseTo(10 / 4 + 10);
    expect(busy.d1RowsPerSecond.new).toBeCloseTo(10 / 4 + 10 * 51);
    expect(busy.d1RowsPerSecond.newWithoutCache).toBeCloseTo(100 / 4 + 100 * 51);
  });

  it("isolates that look while a miss is out also read, never more than every isolate", () => {
    // 10 isolates, each looking every 1 s, a 100 ms read: one more reader per window on average.
    expect(locationProbesPerSecond(10, 5, 100)).toBeCloseTo(2 / 4);
    expect(locationProbesPerSecond(10, 5, 1_000_000)).toBeCloseTo(10 / 4);
  });

  it("prices only what exceeds the included amount, at the given price", () => {
    const cheap = model(size({ isolates: 20000, flags: 1000 }), {}, DEFAULT_PRICES);
    const dearer = model(
      size({ isolates: 20000, flags: 1000 }),
      {},
      { ...DEFAULT_PRICES, d1UsdPerMillionRowsRead: 0.002 },
    );
    expect(dearer.d1UsdPerMonth.today).toBeCloseTo(cheap.d1UsdPerMonth.today * 2);
    expect(model(size({ isolates: 1, flags: 1 })).d1UsdPerMonth.today).toBe(0);
  });

  it("Analytics Engine points: one per request plus one per mirrored request, against the per-invocation limit", () => {
    const m = model(size(), { shadowShare: 0.5 });
    expect(m.analyticsEngine.pointsPerSecond).toBe(1500);
    expect(m.analyticsEngine.pointsPerInvocation).toBe(1.5);
    expect(m.analyticsEngine.perInvocationLimit).toBe(250);
    expect(m.healthLoop.sqlQueriesPerMinute).toEqual({ typical: 10, worst: 20 });
  });

  it("the three sizes: the new design reads fewer rows at every size", () => {
    expect(SIZES.map((s: { name: string }) => s.name)).toEqual(["team", "company", "platform"]);
    for (const s of SIZES) {
      const m = model(s);
      expect(m.d1RowsPerSecond.new).toBeLessThan(m.d1RowsPerSecond.today);
    }
  });
});

describe("bench/scale-model.mjs", () => {
  it("prints the three sizes as JSON and rejects a bad input", () => {
    const json = spawnSync(process.execPath, ["bench/scale-model.mjs", "--json", "--smoke"], { encoding: "utf8" });
    expect(json.status, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { model: { name: string; d1QueriesPerSecond: { today: number } }[] };
    expect(parsed.model.map((m) => m.name)).toEqual(["team", "company", "platform"]);
    expect(parsed.model[1]!.d1QueriesPerSecond.today).toBe(400);
    const bad = spawnSync(process.execPath, ["bench/scale-model.mjs", "--probe-seconds", "soon"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--probe-seconds must be a non-negative number/);
  });
});

describe("bench:scale (smoke)", () => {
  it(
    "N isolates in simulated locations: about one D1 probe per location per interval, the kill reaches every isolate",
    () => {
      const run = spawnSync(process.execPath, ["bench/scale.bench.mjs", "--smoke"], {
        encoding: "utf8",
        timeout: 4 * MINUTE,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      });
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/8 isolates in 2 locations/);
      expect(run.stdout).toMatch(/every isolate blue after \d+ ms/);
    },
    5 * MINUTE,
  );
});
