// invalid_rate and prediction_drift: table-driven against hand-computed
// figures, and an A/A run checked every tick (the guards' false alarms stay
// within the α they are given).
import { describe, expect, it } from "vitest";
import {
  invalidRateGuard,
  predictionDriftGuard,
  ttfbGuard,
  ttfbThreshold,
} from "../../../src/core/health/answer-guards";
import { EMPTY_ARM } from "../../../src/core/health";
import { DEFAULT_GUARDS } from "../../../src/core/health/settings";
import { binomial, mulberry32 } from "../stats/rng";

const KNOBS = { alpha: 0.05 / 9, tuningN: 5000, wideMarginFactor: 2 };

describe("invalidRateGuard", () => {
  it.each([
    // name, control, green, cap, status, threshold
    ["no contract declared", null, null, null, "off", null],
    [
      "too few inspected answers",
      { inspected: 150, invalid: 0 },
      { inspected: 150, invalid: 60 },
      null,
      "insufficient",
      0.005,
    ],
    [
      "green 20 % vs blue 0 % at the minimum",
      { inspected: 200, invalid: 0 },
      { inspected: 200, invalid: 40 },
      null,
      "breach",
      0.005,
    ],
    // threshold = max(2 × 0.005, 0.005 + 0.005) = 0.01; green 1.5 % is above it on 400 answers, unproven.
    [
      "green 1.5 % vs blue 0.5 %: above threshold, no evidence",
      { inspected: 400, invalid: 2 },
      { inspected: 400, invalid: 6 },
      null,
      "suspect",
      0.01,
    ],
    ["same share", { inspected: 1000, invalid: 30 }, { inspected: 1000, invalid: 30 }, null, "ok", 0.06],
    [
      "absolute cap exceeded by the wide margin",
      { inspected: 1000, invalid: 300 },
      { inspected: 1000, invalid: 350 },
      0.1,
      "breach",
      0.1,
    ],
  ] as const)("%s → %s", (_, control, green, cap, status, threshold) => {
    const result = invalidRateGuard({ ...DEFAULT_GUARDS, maxInvalidRate: cap }, control, green, KNOBS);
    expect(result.guard).toBe("invalid_rate");
    expect(result.status).toBe(status);
    if (threshold === null) expect(result.threshold).toBeNull();
    else expect(result.threshold).toBeCloseTo(threshold, 12);
  });

  it("records the figures it used", () => {
    const result = invalidRateGuard(
      DEFAULT_GUARDS,
      { inspected: 200, invalid: 0 },
      { inspected: 200, invalid: 40 },
      KNOBS,
    );
    expect(result).toMatchObject({ green: 0.2, control: 0, evidence: "sequential" });
    expect(result.pValue).toBeLessThan(KNOBS.alpha);
    expect(result.interval![0]).toBeGreaterThan(0.005);
  });
});

describe("predictionDriftGuard", () => {
  const settings = { predictionDriftPsi: 0.25, minInspectedSamples: 200 };
  it.each([
    ["no prediction path declared", null, "off"],
    ["too few answers", { control: [70, 20, 10], green: [10, 20, 70] }, "insufficient"],
    // PSI = 0.6·ln(0.7/0.1)·2 = 2.335 (scipy-checked formula in drift.test.ts); counts far apart.
    ["labels swapped", { control: [700, 200, 100], green: [100, 200, 700] }, "breach"],
    // PSI = 2·0.15·ln(1.75) + 2·0.15·ln(4) = 0.584 > 0.25, but 200 answers in five bins prove nothing yet at α/5.
    ["big PSI on thin bins", { control: [40, 40, 40, 40, 40], green: [70, 10, 70, 10, 40] }, "suspect"],
    ["significant but small shift (PSI 0.01)", { control: [5000, 3000, 2000], green: [4500, 3300, 2200] }, "ok"],
  ] as const)("%s → %s", (_, counts, status) => {
    const result = predictionDriftGuard(
      settings,
      counts === null ? null : { control: [...counts.control], green: [...counts.green] },
      KNOBS,
    );
    expect(result.guard).toBe("prediction_drift");
    expect(result.status).toBe(status);
  });

  it("puts the PSI in the figure", () => {
    const result = predictionDriftGuard(settings, { control: [700, 200, 100], green: [100, 200, 700] }, KNOBS);
    expect(result.green).toBeCloseTo(2 * 0.6 * Math.log(7), 12);
    expect(result.threshold).toBe(0.25);
  });
});

describe("ttfbGuard", () => {
  const streamedArm = (streamed: number, ttfbP95Ms: number | null) => ({ ...EMPTY_ARM, streamed, ttfbP95Ms });
  it.each([
    // name, control, green, above (control, green), status
    ["neither arm streams", streamedArm(0, null), streamedArm(0, null), null, "off"],
    ["too few streamed answers", streamedArm(500, 200), streamedArm(50, 900), null, "insufficient"],
    // T = max(1.5 × 200, 200 + 10) = 300; 40 % of green's 500 streamed answers above it against 5 % of blue's.
    ["green's first bytes far later", streamedArm(500, 200), streamedArm(500, 900), [25, 200], "breach"],
    ["same tail", streamedArm(500, 200), streamedArm(500, 205), [25, 26], "ok"],
    ["p95 above T without counts to test", streamedArm(500, 200), streamedArm(500, 400), null, "suspect"],
  ] as const)("%s → %s", (_, control, green, above, status) => {
    const counts = above === null ? null : { control: above[0], green: above[1] };
    const result = ttfbGuard(DEFAULT_GUARDS, control, green, counts, 100, KNOBS);
    expect(result.guard).toBe("ttfb_p95");
    expect(result.status).toBe(status);
  });

  it("sets T from control's streamed p95 like latency_p95 (ratio, or the minimum margin)", () => {
    expect(ttfbThreshold(DEFAULT_GUARDS, streamedArm(10, 200))).toBe(300);
    expect(ttfbThreshold(DEFAULT_GUARDS, streamedArm(10, 4))).toBe(14);
    expect(ttfbThreshold(DEFAULT_GUARDS, streamedArm(0, null))).toBeNull();
  });
});

describe("A/A, judged every tick (1 000 runs × 60 ticks)", () => {
  it("neither answer guard breaches more often than its α", () => {
    const RUNS = 1000;
    const TICKS = 60;
    const PER_TICK = 40;
    const INVALID = 0.03;
    const SHARES = [0.6, 0.3, 0.1];
    const rng = mulberry32(20261202);
    const label = () => {
      const u = rng();
      return u < SHARES[0]! ? 0 : u < SHARES[0]! + SHARES[1]! ? 1 : 2;
    };
    let invalidAlarms = 0;
    let driftAlarms = 0;
    for (let run = 0; run < RUNS; run++) {
      const control = { inspected: 0, invalid: 0 };
      const green = { inspected: 0, invalid: 0 };
      const labels = { control: [0, 0, 0], green: [0, 0, 0] };
      let invalidHit = false;
      let driftHit = false;
      for (let tick = 0; tick < TICKS; tick++) {
        for (const [arm, side] of [
          [control, "control"],
          [green, "green"],
        ] as const) {
          arm.inspected += PER_TICK;
          arm.invalid += binomial(rng, PER_TICK, INVALID);
          for (let i = 0; i < PER_TICK; i++) labels[side][label()]!++;
        }
        if (!invalidHit && invalidRateGuard(DEFAULT_GUARDS, control, green, KNOBS).status === "breach")
          invalidHit = true;
        // A threshold of 0 leaves only the sequential test between A/A noise and a breach: the worst case.
        if (
          !driftHit &&
          predictionDriftGuard({ predictionDriftPsi: 0, minInspectedSamples: 200 }, labels, KNOBS).status === "breach"
        )
          driftHit = true;
      }
      if (invalidHit) invalidAlarms++;
      if (driftHit) driftAlarms++;
    }
    console.log(
      `answer guards A/A at α = ${KNOBS.alpha.toFixed(4)}: invalid_rate ${invalidAlarms}/${RUNS}, prediction_drift ${driftAlarms}/${RUNS}`,
    );
    expect(invalidAlarms / RUNS).toBeLessThanOrEqual(KNOBS.alpha);
    expect(driftAlarms / RUNS).toBeLessThanOrEqual(KNOBS.alpha);
  });
});
