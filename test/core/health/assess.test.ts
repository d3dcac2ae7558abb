// The judge on its own: stage rules, insufficient data, each guard's breach
// vs suspect, caps with a wide margin, the control's source (concurrent,
// earlier stages, baseline, none), readiness, and the settings parser's
// fallbacks. Pure inputs, no Worker.
import { describe, expect, it } from "vitest";
import {
  assessHealth,
  chooseControl,
  DEFAULT_HEALTH_SETTINGS,
  EMPTY_ARM,
  parseHealthSettings,
  type ArmWindow,
  type AssessInput,
} from "../../../src/core/health";
import { startRollout, type Stage } from "../../../src/core/rollout-machine";

const T0 = 1_700_000_000_000;
const plan: Stage[] = [
  { mode: "serve", percent: 50, minDurationSeconds: 600, minSamples: 200 },
  { mode: "serve", percent: 100, minDurationSeconds: 600, minSamples: 200 },
];

function arm(requests: number, errorRate = 0.01, p95 = 100, extra: Partial<ArmWindow> = {}): ArmWindow {
  return {
    ...EMPTY_ARM,
    requests,
    rows: requests,
    errors: Math.round(requests * errorRate),
    p50Ms: p95 / 2,
    p95Ms: p95,
    p99Ms: p95 * 1.3,
    latencySumMs: (requests * p95) / 2,
    ...extra,
  };
}

function input(overrides: Partial<AssessInput> = {}): AssessInput {
  return {
    now: T0 + 700_000,
    rollout: startRollout("r", plan, 600, T0),
    scope: { kind: "rollout" },
    settings: DEFAULT_HEALTH_SETTINGS,
    green: arm(2000),
    blue: arm(2000),
    earlier: null,
    baseline: null,
    above: { green: [40, 0], control: [40, 0] },
    shadow: { pairs: 0, agreements: 0 },
    blueReady: null,
    ...overrides,
  };
}

describe("assessHealth", () => {
  it("advances a healthy stage after its minimum duration, holds before it", () => {
    expect(assessHealth(input())).toMatchObject({ action: "advance", reason: "healthy", control: "concurrent" });
    expect(assessHealth(input({ now: T0 + 60_000 }))).toMatchObject({ action: "hold", reason: "min_duration" });
  });

  it("holds with insufficient_samples while green is below the stage minimum, whatever green looks like", () => {
    expect(assessHealth(input({ green: arm(150, 1) }))).toMatchObject({
      action: "hold",
      reason: "insufficient_samples",
      guards: [],
    });
    // Green short and no control either: green's shortfall is what the operator waits for.
    expect(assessHealth(input({ green: arm(150), blue: arm(100) }))).toMatchObject({
      action: "hold",
      reason: "insufficient_samples",
      control: "none",
    });
  });

  it("holds with no_control, not insufficient_samples, when green has its minimum but no blue source does", () => {
    const held = assessHealth(input({ green: arm(2000, 1), blue: arm(100), earlier: arm(150), baseline: arm(199) }));
    expect(held).toMatchObject({
      action: "hold",
      reason: "no_control",
      control: "none",
      guards: [],
      samples: { green: 2000, control: 0, required: 200 },
    });
  });

  it("rolls back on sequential evidence and only holds on a bad point estimate without it", () => {
    const worse = assessHealth(input({ green: arm(2000, 0.1) }));
    expect(worse).toMatchObject({ action: "rollback", reason: "error_rate" });
    expect(worse.guards.find((g) => g.guard === "error_rate")).toMatchObject({
      status: "breach",
      evidence: "sequential",
    });
    // 2.5 % vs 1 %: beyond 2× in the point estimate, far from proven at n = 200.
    const unproven = assessHealth(input({ green: arm(200, 0.025), blue: arm(200, 0.01) }));
    expect(unproven).toMatchObject({ action: "hold", reason: "guard_inconclusive" });
  });

  it("judges timeouts and p95 latency (via the share of requests slower than the threshold)", () => {
    expect(assessHealth(input({ green: arm(2000, 0.01, 100, { timeouts: 200 }) }))).toMatchObject({
      action: "rollback",
      reason: "timeout_rate",
    });
    expect(
      assessHealth(input({ green: arm(2000, 0.01, 220), above: { green: [900, 0], control: [40, 0] } })),
    ).toMatchObject({ action: "rollback", reason: "latency_p95" });
  });

  it("promotes at 100 % against blue of earlier stages or the baseline, and holds no_control without either", () => {
    const atFull = { ...startRollout("r", plan, 600, T0), stageIndex: 1 };
    expect(assessHealth(input({ rollout: atFull, blue: EMPTY_ARM, earlier: arm(900) }))).toMatchObject({
      action: "promote",
      control: "earlier_stages",
      samples: { control: 900 },
    });
    expect(assessHealth(input({ rollout: atFull, blue: EMPTY_ARM, baseline: arm(5000) }))).toMatchObject({
      action: "promote",
      control: "baseline",
    });
    expect(
      assessHealth(input({ rollout: atFull, now: T0 + 1000, blue: EMPTY_ARM, baseline: arm(5000) })),
    ).toMatchObject({ action: "hold", reason: "hold_time" });
    expect(assessHealth(input({ rollout: atFull, blue: EMPTY_ARM, baseline: null }))).toMatchObject({
      action: "hold",
      reason: "no_control",
      control: "none",
    });
    // The chosen control is the one judged against: green at 10 % errors loses to earlier blue at 1 %.
    expect(
      assessHealth(
        input({
          rollout: atFull,
          green: arm(2000, 0.1),
          blue: EMPTY_ARM,
          earlier: arm(2000),
          baseline: arm(5000, 0.2),
        }),
      ),
    ).toMatchObject({ action: "rollback", reason: "error_rate", control: "earlier_stages" });
  });

  it("rolls back at once on a cap breached by a wide margin, and needs evidence for a narrow breach", () => {
    const settings = { ...DEFAULT_HEALTH_SETTINGS, guards: { ...DEFAULT_HEALTH_SETTINGS.guards, maxP99Ms: 500 } };
    const wide = assessHealth(input({ settings, green: arm(2000, 0.01, 100, { p99Ms: 1200 }) }));
    expect(wide).toMatchObject({ action: "rollback", reason: "cap_latency_p99" });
    expect(wide.guards[1]).toMatchObject({ evidence: "wide_margin" });
    const narrow = assessHealth(
      input({ settings, green: arm(2000, 0.01, 100, { p99Ms: 520 }), above: { green: [40, 22], control: [40, 0] } }),
    );
    expect(narrow).toMatchObject({ action: "hold", reason: "guard_inconclusive" });
  });

  it("judges shadow agreement and feedback when present", () => {
    expect(assessHealth(input({ shadow: { pairs: 2000, agreements: 1500 } }))).toMatchObject({
      action: "rollback",
      reason: "shadow_agreement",
    });
    const settings = {
      ...DEFAULT_HEALTH_SETTINGS,
      guards: { ...DEFAULT_HEALTH_SETTINGS.guards, feedbackMaxDrop: 0.02 },
    };
    const green = arm(2000, 0.01, 100, { feedbackTotal: 3000, feedbackSuccesses: 2400 });
    const blue = arm(2000, 0.01, 100, { feedbackTotal: 3000, feedbackSuccesses: 2700 });
    expect(assessHealth(input({ settings, green, blue }))).toMatchObject({ action: "rollback", reason: "feedback" });
  });

  it("does not advance while blue (the rollback target) is not ready, but still rolls back", () => {
    expect(assessHealth(input({ blueReady: false }))).toMatchObject({
      action: "hold",
      reason: "blue_not_ready",
      blueReady: false,
    });
    expect(assessHealth(input({ blueReady: false, green: arm(2000, 0.2) }))).toMatchObject({ action: "rollback" });
  });

  it("never advances a segment scope (rules only hold or roll back)", () => {
    expect(assessHealth(input({ scope: { kind: "rule", ruleId: "eu" } }))).toMatchObject({
      action: "hold",
      reason: "healthy",
    });
  });
});

describe("parseHealthSettings", () => {
  it("fills defaults, takes valid overrides and reports (ignores) bad ones", () => {
    const parsed = parseHealthSettings({
      health: {
        alpha: 0.01,
        guards: { errorRateRatio: 3, latencyP95Ratio: -1, nope: 1 },
        webhook: { url: "https://x.example/h" },
      },
    });
    expect(parsed.settings.alpha).toBe(0.01);
    expect(parsed.settings.guards.errorRateRatio).toBe(3);
    expect(parsed.settings.guards.latencyP95Ratio).toBe(1.5);
    expect(parsed.settings.webhook).toEqual({ url: "https://x.example/h", secretName: "HEALTH_WEBHOOK_SECRET" });
    expect(parsed.problems).toEqual([
      "health.guards.latencyP95Ratio: invalid value -1",
      "health.guards.nope: unknown setting",
    ]);
    expect(parseHealthSettings(null).settings).toEqual(DEFAULT_HEALTH_SETTINGS);
    expect(parseHealthSettings({ health: "x" }).problems).toEqual(["health: not an object"]);
  });
});

describe("chooseControl", () => {
  const required = 200;
  const short = arm(199);
  // Most recent trustworthy blue first: concurrent, this rollout's earlier stages, before the rollout.
  // A previous rollout's blue reaches the judge through the baseline (its window ignores which rollout served it).
  const cases: {
    name: string;
    blue: ArmWindow;
    earlier: ArmWindow | null;
    baseline: ArmWindow | null;
    kind: string;
    rows: number;
  }[] = [
    {
      name: "concurrent blue with the minimum wins over everything",
      blue: arm(200),
      earlier: arm(900),
      baseline: arm(5000),
      kind: "concurrent",
      rows: 200,
    },
    {
      name: "short concurrent → earlier stages",
      blue: short,
      earlier: arm(900),
      baseline: arm(5000),
      kind: "earlier_stages",
      rows: 900,
    },
    {
      name: "no concurrent blue at all (100 %) → earlier stages",
      blue: EMPTY_ARM,
      earlier: arm(200),
      baseline: null,
      kind: "earlier_stages",
      rows: 200,
    },
    {
      name: "short earlier stages → baseline (e.g. a previous rollout's blue)",
      blue: EMPTY_ARM,
      earlier: short,
      baseline: arm(300),
      kind: "baseline",
      rows: 300,
    },
    {
      name: "earlier stages not read → baseline",
      blue: short,
      earlier: null,
      baseline: arm(300),
      kind: "baseline",
      rows: 300,
    },
    { name: "every source short → none", blue: short, earlier: short, baseline: short, kind: "none", rows: 0 },
    {
      name: "nothing anywhere (a new flag at 100 %) → none",
      blue: EMPTY_ARM,
      earlier: EMPTY_ARM,
      baseline: null,
      kind: "none",
      rows: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const chosen = chooseControl({ blue: c.blue, earlier: c.earlier, baseline: c.baseline }, required);
      expect(chosen.kind).toBe(c.kind);
      expect(chosen.arm?.rows ?? 0).toBe(c.rows);
    });
  }
});
