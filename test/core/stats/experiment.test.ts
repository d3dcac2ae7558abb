import { describe, expect, it } from "vitest";
import {
  analyzeExperiment,
  checkSimpson,
  requiredSampleSize,
  sequentialMeanDiff,
  sequentialProportionDiff,
  twoProportionZTest,
  welchTTest,
  wilsonInterval,
  type ArmMetrics,
} from "../../../src/core/stats/index";

function arm(overrides: Partial<ArmMetrics> = {}): ArmMetrics {
  return {
    requests: 10000,
    errors: 200,
    timeouts: 50,
    latencyMeanMs: 250,
    latencyVarMs2: 10000,
    latencyP95Ms: 420,
    feedbackSuccesses: 800,
    feedbackTotal: 1000,
    ...overrides,
  };
}

describe("analyzeExperiment", () => {
  const blue = arm();
  const green = arm({
    errors: 300,
    timeouts: 45,
    latencyMeanMs: 260,
    latencyVarMs2: 12000,
    latencyP95Ms: 504,
    feedbackSuccesses: 820,
  });
  const report = analyzeExperiment({ arms: { blue, green }, expectedWeights: { blue: 50, green: 50 } });

  it("reports error rate with Wilson CIs, effects, fixed and sequential tests, power and progress", () => {
    const m = report.metrics.errorRate;
    expect(m).not.toBeNull();
    if (!m) return;
    expect(m.blue).toEqual({ events: 200, total: 10000, rate: 0.02, ci: wilsonInterval(200, 10000, 0.05) });
    expect(m.green.rate).toBe(0.03);
    expect(m.absoluteEffect).toBeCloseTo(0.01, 15);
    expect(m.relativeEffect).toBeCloseTo(0.5, 14);
    const counts = { successesA: 200, totalA: 10000, successesB: 300, totalB: 10000 };
    expect(m.fixedHorizon).toEqual(twoProportionZTest(counts));
    expect(m.sequential).toEqual(sequentialProportionDiff(counts));
    expect(m.decision).toBe("green_worse");
    const planned = requiredSampleSize({ baselineRate: 0.02, minDetectableEffect: 0.01 });
    expect(m.requiredSampleSize).toBe(planned);
    expect(m.progress).toBeCloseTo(10000 / planned, 14);
  });

  it("tests mean latency with Welch + the sequential mean difference, and reports p95 without a test", () => {
    const m = report.metrics.latencyMean;
    expect(m).not.toBeNull();
    if (!m) return;
    const summary = { meanA: 250, varA: 10000, nA: 10000, meanB: 260, varB: 12000, nB: 10000 };
    expect(m.fixedHorizon).toEqual(welchTTest(summary));
    expect(m.sequential).toEqual(sequentialMeanDiff(summary));
    expect(m.decision).toBe("green_worse");
    expect(m.absoluteEffect).toBe(10);
    expect(m.relativeEffect).toBeCloseTo(0.04, 15);
    expect(report.metrics.latencyP95).toEqual({
      kind: "quantile",
      direction: "lower_is_better",
      blue: 420,
      green: 504,
      ratio: 1.2,
    });
  });

  it("uses higher_is_better for feedback and stays inconclusive on a small lift", () => {
    const m = report.metrics.feedbackSuccessRate;
    expect(m?.direction).toBe("higher_is_better");
    expect(m?.decision).toBe("inconclusive");
    expect(m?.fixedHorizon.pValue).toBeGreaterThan(0.05);
  });

  it("checks the sample ratio against the configured weights", () => {
    expect(report.srm.mismatch).toBe(false);
    const skewed = analyzeExperiment({
      arms: { blue: arm({ requests: 8800 }), green: arm({ requests: 1200 }) },
      expectedWeights: { blue: 90, green: 10 },
    });
    expect(skewed.srm.mismatch).toBe(true);
    expect(skewed.srm.pValue).toBeLessThan(0.001);
  });

  it("keeps every rate interval in [0, 1] and every difference interval in [−1, 1] on small arms", () => {
    // 0/40 vs 19/40 errors printed a difference of "−13.3 % to 108.3 %" before.
    const small = analyzeExperiment({
      arms: {
        blue: arm({ requests: 40, errors: 0, timeouts: 1, feedbackTotal: 3, feedbackSuccesses: 3 }),
        green: arm({ requests: 40, errors: 19, timeouts: 0, feedbackTotal: 2, feedbackSuccesses: 0 }),
      },
      expectedWeights: { blue: 50, green: 50 },
    });
    for (const name of ["errorRate", "timeoutRate", "feedbackSuccessRate"] as const) {
      const m = small.metrics[name]!;
      for (const ci of [m.blue.ci, m.green.ci]) expect(ci.low >= 0 && ci.high <= 1 && ci.low <= ci.high).toBe(true);
      expect(m.sequential.low).toBeGreaterThanOrEqual(-1);
      expect(m.sequential.high).toBeLessThanOrEqual(1);
    }
    expect(small.metrics.errorRate!.sequential.high).toBe(1);
    expect(small.metrics.feedbackSuccessRate!.sequential.low).toBe(-1);
  });

  it("returns null for metrics an arm cannot support yet and null relative effects on a zero baseline", () => {
    const early = analyzeExperiment({
      arms: {
        blue: arm({ requests: 1, errors: 0, timeouts: 0, feedbackSuccesses: 0, feedbackTotal: 0 }),
        green: arm({ requests: 1, errors: 1, timeouts: 0, feedbackSuccesses: 0, feedbackTotal: 0 }),
      },
      expectedWeights: { blue: 1, green: 1 },
    });
    expect(early.metrics.feedbackSuccessRate).toBeNull();
    expect(early.metrics.latencyMean).toBeNull(); // n = 1 per arm
    expect(early.metrics.errorRate?.relativeEffect).toBeNull();
    expect(early.metrics.errorRate?.requiredSampleSize).toBeNull(); // blue rate 0: no baseline
    expect(early.metrics.errorRate?.decision).toBe("inconclusive");
    expect(early.segments).toBeNull();
  });

  it("flags Simpson's paradox on the kidney-stone data (Charig et al. 1986, BMJ 292:879)", () => {
    // Open surgery (blue) wins for small and large stones, PCNL (green) wins in aggregate:
    // small 81/87 vs 234/270, large 192/263 vs 55/80 → aggregate 273/350 vs 289/350.
    const outcome = (successes: number, total: number) => arm({ feedbackSuccesses: successes, feedbackTotal: total });
    const r = analyzeExperiment({
      arms: { blue: outcome(273, 350), green: outcome(289, 350) },
      segments: {
        small: { blue: outcome(81, 87), green: outcome(234, 270) },
        large: { blue: outcome(192, 263), green: outcome(55, 80) },
      },
      expectedWeights: { blue: 1, green: 1 },
    });
    const check = r.segments?.feedbackSuccessRate;
    expect(check?.aggregateWinner).toBe("green");
    expect(check?.segments.map((s) => s.winner)).toEqual(["blue", "blue"]);
    expect(check?.paradox).toBe(true);
    expect(check?.disagreeingSegments).toEqual(["small", "large"]);
    expect(r.segments?.errorRate.paradox).toBe(false); // identical error counts everywhere: all ties
  });

  it("does not call mere heterogeneity a paradox, but lists the disagreeing segment", () => {
    const check = checkSimpson(
      { blue: 0.02, green: 0.03, pValue: 0.01 },
      [
        ["eu", { blue: 0.02, green: 0.035, pValue: 0.01 }],
        ["us", { blue: 0.02, green: 0.015, pValue: 0.4 }],
        ["apac", null],
      ],
      "lower_is_better",
    );
    expect(check.aggregateWinner).toBe("blue");
    expect(check.paradox).toBe(false);
    expect(check.disagreeingSegments).toEqual(["us"]);
    expect(check.segments).toHaveLength(2);
  });

  it("flags segments that unanimously disagree with a tied aggregate", () => {
    const check = checkSimpson(
      { blue: 100, green: 100, pValue: null },
      [
        ["a", { blue: 100, green: 90, pValue: null }],
        ["b", { blue: 100, green: 95, pValue: null }],
      ],
      "lower_is_better",
    );
    expect(check.paradox).toBe(true);
  });

  it.each([
    { errors: 10001 },
    { timeouts: -1 },
    { feedbackSuccesses: 1001 },
    { latencyVarMs2: -5 },
    { latencyMeanMs: NaN },
  ])("throws RangeError for an inconsistent arm %o", (override) => {
    expect(() =>
      analyzeExperiment({ arms: { blue: arm(), green: arm(override) }, expectedWeights: { blue: 1, green: 1 } }),
    ).toThrow(RangeError);
  });
});
