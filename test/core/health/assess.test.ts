// The judge on its own: stage rules, insufficient data, each guard's breach
// vs suspect, caps with a wide margin, baseline control, readiness, and the
// settings parser's fallbacks. Pure inputs, no Worker.
import { describe, expect, it } from "vitest";
import { assessHealth, DEFAULT_HEALTH_SETTINGS, EMPTY_ARM, parseHealthSettings, type ArmWindow, type AssessInput } from "../../../src/core/health";
import { startRollout, type Stage } from "../../../src/core/rollout-machine";

const T0 = 1_700_000_000_000;
const plan: Stage[] = [
  { mode: "serve", percent: 50, minDurationSeconds: 600, minSamples: 200 },
  { mode: "serve", percent: 100, minDurationSeconds: 600, minSamples: 200 },
];

function arm(requests: number, errorRate = 0.01, p95 = 100, extra: Partial<ArmWindow> = {}): ArmWindow {
  return { ...EMPTY_ARM, requests, rows: requests, errors: Math.round(requests * errorRate), p50Ms: p95 / 2, p95Ms: p95, p99Ms: p95 * 1.3, latencySumMs: requests * p95 / 2, ...extra };
}

function input(overrides: Partial<AssessInput> = {}): AssessInput {
  return {
    now: T0 + 700_000, rollout: startRollout("r", plan, 600, T0), scope: { kind: "rollout" }, settings: DEFAULT_HEALTH_SETTINGS,
    green: arm(2000), blue: arm(2000), baseline: null, above: { green: [40, 0], control: [40, 0] }, shadow: { pairs: 0, agreements: 0 }, blueReady: null,
    ...overrides,
  };
}

describe("assessHealth", () => {
  it("advances a healthy stage after its minimum duration, holds before it", () => {
    expect(assessHealth(input())).toMatchObject({ action: "advance", reason: "healthy", control: "concurrent" });
    expect(assessHealth(input({ now: T0 + 60_000 }))).toMatchObject({ action: "hold", reason: "min_duration" });
  });

  it("holds with insufficient_samples below the stage minimum on either arm, whatever green looks like", () => {
    expect(assessHealth(input({ green: arm(150, 1) }))).toMatchObject({ action: "hold", reason: "insufficient_samples", guards: [] });
    expect(assessHealth(input({ blue: arm(100) }))).toMatchObject({ action: "hold", reason: "insufficient_samples" });
  });

  it("rolls back on sequential evidence and only holds on a bad point estimate without it", () => {
    const worse = assessHealth(input({ green: arm(2000, 0.1) }));
    expect(worse).toMatchObject({ action: "rollback", reason: "error_rate" });
    expect(worse.guards.find((g) => g.guard === "error_rate")).toMatchObject({ status: "breach", evidence: "sequential" });
    // 2.5 % vs 1 %: beyond 2× in the point estimate, far from proven at n = 200.
    const unproven = assessHealth(input({ green: arm(200, 0.025), blue: arm(200, 0.01) }));
    expect(unproven).toMatchObject({ action: "hold", reason: "guard_inconclusive" });
  });

  it("judges timeouts and p95 latency (via the share of requests slower than the threshold)", () => {
    expect(assessHealth(input({ green: arm(2000, 0.01, 100, { timeouts: 200 }) }))).toMatchObject({ action: "rollback", reason: "timeout_rate" });
    expect(assessHealth(input({ green: arm(2000, 0.01, 220), above: { green: [900, 0], control: [40, 0] } }))).toMatchObject({ action: "rollback", reason: "latency_p95" });
  });

  it("uses the pre-rollout baseline when no concurrent blue is left (100 %)", () => {
    const atFull = { ...startRollout("r", plan, 600, T0), stageIndex: 1 };
    const result = assessHealth(input({ rollout: atFull, blue: EMPTY_ARM, baseline: arm(5000) }));
    expect(result).toMatchObject({ action: "promote", control: "baseline" });
    expect(assessHealth(input({ rollout: atFull, now: T0 + 1000, blue: EMPTY_ARM, baseline: arm(5000) }))).toMatchObject({ action: "hold", reason: "hold_time" });
    expect(assessHealth(input({ rollout: atFull, blue: EMPTY_ARM, baseline: null }))).toMatchObject({ action: "hold", reason: "insufficient_samples", control: "none" });
  });

  it("rolls back at once on a cap breached by a wide margin, and needs evidence for a narrow breach", () => {
    const settings = { ...DEFAULT_HEALTH_SETTINGS, guards: { ...DEFAULT_HEALTH_SETTINGS.guards, maxP99Ms: 500 } };
    const wide = assessHealth(input({ settings, green: arm(2000, 0.01, 100, { p99Ms: 1200 }) }));
    expect(wide).toMatchObject({ action: "rollback", reason: "cap_latency_p99" });
    expect(wide.guards[1]).toMatchObject({ evidence: "wide_margin" });
    const narrow = assessHealth(input({ settings, green: arm(2000, 0.01, 100, { p99Ms: 520 }), above: { green: [40, 22], control: [40, 0] } }));
    expect(narrow).toMatchObject({ action: "hold", reason: "guard_inconclusive" });
  });

  it("judges shadow agreement and feedback when present", () => {
    expect(assessHealth(input({ shadow: { pairs: 2000, agreements: 1500 } }))).toMatchObject({ action: "rollback", reason: "shadow_agreement" });
    const settings = { ...DEFAULT_HEALTH_SETTINGS, guards: { ...DEFAULT_HEALTH_SETTINGS.guards, feedbackMaxDrop: 0.02 } };
    const green = arm(2000, 0.01, 100, { feedbackTotal: 3000, feedbackSuccesses: 2400 });
    const blue = arm(2000, 0.01, 100, { feedbackTotal: 3000, feedbackSuccesses: 2700 });
    expect(assessHealth(input({ settings, green, blue }))).toMatchObject({ action: "rollback", reason: "feedback" });
  });

  it("does not advance while blue (the rollback target) is not ready, but still rolls back", () => {
    expect(assessHealth(input({ blueReady: false }))).toMatchObject({ action: "hold", reason: "blue_not_ready", blueReady: false });
    expect(assessHealth(input({ blueReady: false, green: arm(2000, 0.2) }))).toMatchObject({ action: "rollback" });
  });

  it("never advances a segment scope (rules only hold or roll back)", () => {
    expect(assessHealth(input({ scope: { kind: "rule", ruleId: "eu" } }))).toMatchObject({ action: "hold", reason: "healthy" });
  });
});

describe("parseHealthSettings", () => {
  it("fills defaults, takes valid overrides and reports (ignores) bad ones", () => {
    const parsed = parseHealthSettings({ health: { alpha: 0.01, guards: { errorRateRatio: 3, latencyP95Ratio: -1, nope: 1 }, webhook: { url: "https://x.example/h" } } });
    expect(parsed.settings.alpha).toBe(0.01);
    expect(parsed.settings.guards.errorRateRatio).toBe(3);
    expect(parsed.settings.guards.latencyP95Ratio).toBe(1.5);
    expect(parsed.settings.webhook).toEqual({ url: "https://x.example/h", secretName: "HEALTH_WEBHOOK_SECRET" });
    expect(parsed.problems).toEqual(["health.guards.latencyP95Ratio: invalid value -1", "health.guards.nope: unknown setting"]);
    expect(parseHealthSettings(null).settings).toEqual(DEFAULT_HEALTH_SETTINGS);
    expect(parseHealthSettings({ health: "x" }).problems).toEqual(["health: not an object"]);
  });
});
