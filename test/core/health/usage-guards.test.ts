// cost_per_request and output_tokens: ratio caps on per-request means, judged
// only over answers whose usage is known, with always-valid evidence — an A/A
// re-checked every tick for 1 000 ticks stays within α, and a green that
// costs 2× is caught.
import { describe, expect, it } from "vitest";
import {
  assessHealth,
  DEFAULT_HEALTH_SETTINGS,
  EMPTY_ARM,
  parseHealthSettings,
  type ArmWindow,
} from "../../../src/core/health";
import { meanRatioGuard, usageGuards, type MeanArm } from "../../../src/core/health/usage-guards";
import { startRollout } from "../../../src/core/rollout-machine";
import { gaussian, mulberry32 } from "../stats/rng";

const KNOBS = { alpha: 0.05, tuningN: 5000, wideMarginFactor: 2 };
const arm = (values: number[]): MeanArm => ({
  n: values.length,
  sum: values.reduce((a, b) => a + b, 0),
  sumSq: values.reduce((a, b) => a + b * b, 0),
});
const repeat = (pattern: number[], times: number) => Array.from({ length: times }, () => pattern).flat();

describe("meanRatioGuard", () => {
  it.each([
    { name: "off without a ratio", ratio: null, control: [1, 2], green: [9, 9], required: 1, status: "off" },
    {
      name: "insufficient below the minimum",
      ratio: 1.5,
      control: repeat([1, 2], 50),
      green: [9],
      required: 10,
      status: "insufficient",
    },
    {
      name: "ok at equal means",
      ratio: 1.5,
      control: repeat([1, 2, 3], 200),
      green: repeat([3, 2, 1], 200),
      required: 10,
      status: "ok",
    },
    {
      name: "breach at 2× under a 1.5 cap with many samples",
      ratio: 1.5,
      control: repeat([1, 2, 3], 300),
      green: repeat([2, 4, 6], 300),
      required: 10,
      status: "breach",
    },
    {
      name: "suspect at 2× on too few samples for evidence",
      ratio: 1.5,
      control: repeat([1, 2, 3], 4),
      green: repeat([0, 4, 8], 4),
      required: 10,
      status: "suspect",
    },
    {
      name: "ok just under the cap",
      ratio: 1.5,
      control: repeat([1, 2, 3], 300),
      green: repeat([2, 3, 3.9], 300),
      required: 10,
      status: "ok",
    },
  ])("$name", ({ ratio, control, green, required, status }) => {
    const result = meanRatioGuard("cost_per_request", ratio, arm(control), arm(green), Math.min(required, 10), KNOBS);
    expect(result.status).toBe(status);
    if (status !== "off") {
      expect(result.control).toBeCloseTo(arm(control).sum / control.length, 9);
      expect(result.threshold).toBeCloseTo((ratio ?? 0) * (result.control ?? 0), 9);
    }
    if (status === "breach") {
      expect(result.evidence).toBe("sequential");
      expect(result.pValue!).toBeLessThan(KNOBS.alpha);
      expect(result.interval![0]).toBeGreaterThan(result.threshold!);
    }
  });

  it("reads only answers whose usage (or cost) is known: unknown ones are neither zeros nor requests", () => {
    const control: ArmWindow = {
      ...EMPTY_ARM,
      requests: 1000,
      rows: 1000,
      usageKnown: 400,
      outputTokensSum: 400 * 100,
      outputTokensSumSq: 400 * 100 * 100 + 399 * 25,
      costKnown: 0,
    };
    const green: ArmWindow = { ...control, requests: 5000, rows: 5000 };
    const [cost, output] = usageGuards(
      { costPerRequestRatio: 1.2, outputTokensRatio: 1.2, minUsageSamples: 100 },
      control,
      green,
      KNOBS,
    );
    expect(cost).toMatchObject({ guard: "cost_per_request", status: "insufficient" });
    expect(output).toMatchObject({ guard: "output_tokens", status: "ok", green: 100, control: 100 });
  });

  it("settings: off by default, on when the flag sets a ratio ≥ 1; a ratio below 1 is a problem", () => {
    expect(DEFAULT_HEALTH_SETTINGS.guards).toMatchObject({ costPerRequestRatio: null, outputTokensRatio: null });
    const parsed = parseHealthSettings({ health: { guards: { costPerRequestRatio: 1.5, outputTokensRatio: 0.5 } } });
    expect(parsed.settings.guards).toMatchObject({ costPerRequestRatio: 1.5, outputTokensRatio: null });
    expect(parsed.problems).toEqual(["health.guards.outputTokensRatio: invalid value 0.5"]);
  });
});

// Per request: output tokens log-normal (median 300, σ 0.6), input around 500; prices as a small model's.
const PRICE = { input: 0.15, output: 0.6 };
function drawInto(target: ArmWindow, rng: () => number, n: number, outputScale: number) {
  for (let i = 0; i < n; i++) {
    const output = Math.round(outputScale * 300 * Math.exp(0.6 * gaussian(rng)));
    const input = Math.max(1, Math.round(500 + 80 * gaussian(rng)));
    const cost = (input * PRICE.input + output * PRICE.output) / 1e6;
    target.requests++;
    target.rows++;
    target.usageKnown = (target.usageKnown ?? 0) + 1;
    target.outputTokensSum = (target.outputTokensSum ?? 0) + output;
    target.outputTokensSumSq = (target.outputTokensSumSq ?? 0) + output * output;
    target.costKnown = (target.costKnown ?? 0) + 1;
    target.costSum = (target.costSum ?? 0) + cost;
    target.costSumSq = (target.costSumSq ?? 0) + cost * cost;
  }
}

/** Judges every tick on cumulative windows; the tick of the first breach, or null. */
function firstBreach(seed: number, ticks: number, perArm: number, ratio: number, greenScale: number): number | null {
  const rng = mulberry32(seed);
  const control: ArmWindow = { ...EMPTY_ARM };
  const green: ArmWindow = { ...EMPTY_ARM };
  const settings = { costPerRequestRatio: ratio, outputTokensRatio: ratio, minUsageSamples: 100 };
  for (let t = 1; t <= ticks; t++) {
    drawInto(control, rng, perArm, 1);
    drawInto(green, rng, perArm, greenScale);
    if (usageGuards(settings, control, green, KNOBS).some((g) => g.status === "breach")) return t;
  }
  return null;
}

describe("A/A over 1 000 ticks for the usage guards", () => {
  it("identical arms under a ratio of 1 (the null's edge), judged every tick: false breaches stay under α", () => {
    const seeds = 100;
    let falseBreaches = 0;
    for (let seed = 1; seed <= seeds; seed++) if (firstBreach(4242 + seed, 1000, 25, 1, 1) !== null) falseBreaches++;
    console.log(`usage guards A/A: ${falseBreaches}/${seeds} runs breached within 1000 ticks`);
    // Two guards share the runs; each alone is within α, so both together stay within 2α.
    expect(falseBreaches / seeds).toBeLessThanOrEqual(2 * KNOBS.alpha);
  });

  it("is not vacuous: a green with twice the output tokens breaches a 1.5 cap in every run", () => {
    for (let seed = 1; seed <= 20; seed++) expect(firstBreach(99 + seed, 200, 50, 1.5, 2)).not.toBeNull();
  });
});

describe("assessHealth with the usage guards", () => {
  const stages = [{ mode: "serve" as const, percent: 50, minDurationSeconds: 60, minSamples: 100 }];
  const arms = (greenScale: number) => {
    const rng = mulberry32(7);
    const blue: ArmWindow = { ...EMPTY_ARM };
    const green: ArmWindow = { ...EMPTY_ARM };
    drawInto(blue, rng, 2000, 1);
    drawInto(green, rng, 2000, greenScale);
    return { blue, green };
  };
  const assess = (guards: object, greenScale: number) =>
    assessHealth({
      now: 3_600_000,
      rollout: startRollout("llm", stages, 600, 0),
      scope: { kind: "rollout" },
      settings: { ...DEFAULT_HEALTH_SETTINGS, guards: { ...DEFAULT_HEALTH_SETTINGS.guards, ...guards } },
      ...arms(greenScale),
      earlier: null,
      baseline: null,
      above: null,
      shadow: { pairs: 0, agreements: 0 },
      blueReady: null,
    });

  it("rolls back a green that costs 2× with reason cost_per_request when the flag sets the guard", () => {
    const result = assess({ costPerRequestRatio: 1.5 }, 2);
    expect(result).toMatchObject({ action: "rollback", reason: "cost_per_request" });
    const figure = result.guards.find((g) => g.guard === "cost_per_request")!;
    expect(figure.green! / figure.control!).toBeGreaterThan(1.5);
    expect(result.guards.find((g) => g.guard === "output_tokens")!.status).toBe("off");
  });

  it("leaves the same green alone when the guards are off (the default), and splits α only over guards that run", () => {
    const off = assess({}, 2);
    expect(off.action).not.toBe("rollback");
    const on = assess({ costPerRequestRatio: 1.5, outputTokensRatio: 3 }, 1);
    expect(on.alphaPerGuard).toBeLessThan(off.alphaPerGuard);
  });
});
