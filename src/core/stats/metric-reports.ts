// Per-metric comparison of blue (control, A) and green (treatment, B) for
// the experiment report: rates with Wilson intervals, effects, fixed-horizon
// and always-valid tests, power. Contract: pure; returns null when an arm has
// too little data for the test (a rate needs ≥ 1 unit, a mean ≥ 2).
import { requiredSampleSize, requiredSampleSizeForMeans } from "./power";
import { twoProportionZTest, wilsonInterval, type ZTestResult } from "./proportions";
import { sequentialMeanDiff, sequentialProportionDiff, type SequentialResult } from "./sequential";
import type { Direction, Interval } from "./types";
import { isWorse, superiority } from "./verdicts";
import { welchTTest, type WelchResult } from "./welch";

/** Always-valid decision at margin 0: which arm is better, if the data say so yet. */
export type Decision = "green_better" | "green_worse" | "inconclusive";

export interface AnalysisSettings {
  readonly alpha: number;
  readonly power: number;
  readonly tuningN: number;
}

export interface ProportionArm {
  readonly events: number;
  readonly total: number;
  readonly rate: number;
  /** Wilson interval at 1 − α (fixed-horizon, per arm). */
  readonly ci: Interval;
}

export interface ProportionMetricReport {
  readonly kind: "proportion";
  readonly direction: Direction;
  readonly blue: ProportionArm;
  readonly green: ProportionArm;
  /** green rate − blue rate. */
  readonly absoluteEffect: number;
  /** (green − blue) / blue; null when the blue rate is 0. */
  readonly relativeEffect: number | null;
  /** Pooled two-proportion z-test: valid only for one pre-planned look. */
  readonly fixedHorizon: ZTestResult;
  /** Always-valid interval and p-value for green − blue: use these for decisions. */
  readonly sequential: SequentialResult;
  readonly decision: Decision;
  /** Units per arm for the configured MDE (Cohen's h); null when the blue rate is 0 or 1. */
  readonly requiredSampleSize: number | null;
  /** min(blue, green units) / requiredSampleSize; null when that is null. */
  readonly progress: number | null;
}

export interface MeanArm {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

export interface MeanMetricReport {
  readonly kind: "mean";
  readonly direction: Direction;
  readonly blue: MeanArm;
  readonly green: MeanArm;
  readonly absoluteEffect: number;
  readonly relativeEffect: number | null;
  /** Welch's t-test: valid only for one pre-planned look. */
  readonly fixedHorizon: WelchResult;
  readonly sequential: SequentialResult;
  readonly decision: Decision;
  /** Units per arm to detect the configured MDE (normal approximation, pooled variance). */
  readonly requiredSampleSize: number | null;
  readonly progress: number | null;
}

/**
 * A p95 cannot be tested from aggregates (it needs the raw samples or a
 * sketch), so the report carries the two values and their ratio, no p-value.
 */
export interface QuantileMetricReport {
  readonly kind: "quantile";
  readonly direction: Direction;
  readonly blue: number;
  readonly green: number;
  /** green / blue; null when blue is 0. */
  readonly ratio: number | null;
}

function decide(result: SequentialResult, direction: Direction): Decision {
  if (superiority(result, { direction }).holds) return "green_better";
  if (isWorse(result, { direction }).holds) return "green_worse";
  return "inconclusive";
}

function relative(blue: number, green: number): number | null {
  return blue === 0 ? null : (green - blue) / blue;
}

function proportionArm(events: number, total: number, alpha: number): ProportionArm {
  return { events, total, rate: events / total, ci: wilsonInterval(events, total, alpha) };
}

/** Planned n for an absolute MDE, tried in the harmful direction first, then the other. */
function plannedProportionN(baseline: number, mde: number, direction: Direction, s: AnalysisSettings): number | null {
  if (!(baseline > 0 && baseline < 1) || !(mde > 0)) return null;
  const harmful = direction === "lower_is_better" ? mde : -mde;
  for (const effect of [harmful, -harmful]) {
    const p2 = baseline + effect;
    if (p2 >= 0 && p2 <= 1) {
      return requiredSampleSize({
        baselineRate: baseline,
        minDetectableEffect: effect,
        alpha: s.alpha,
        power: s.power,
      });
    }
  }
  return null;
}

/** Compare a binary outcome (events out of total) between the arms. */
export function compareProportions(
  blue: { events: number; total: number },
  green: { events: number; total: number },
  direction: Direction,
  minDetectableEffect: number,
  settings: AnalysisSettings,
): ProportionMetricReport | null {
  if (blue.total === 0 || green.total === 0) return null;
  const counts = { successesA: blue.events, totalA: blue.total, successesB: green.events, totalB: green.total };
  const sequential = sequentialProportionDiff({ ...counts, alpha: settings.alpha, tuningN: settings.tuningN });
  const blueArm = proportionArm(blue.events, blue.total, settings.alpha);
  const greenArm = proportionArm(green.events, green.total, settings.alpha);
  const planned = plannedProportionN(blueArm.rate, minDetectableEffect, direction, settings);
  return {
    kind: "proportion",
    direction,
    blue: blueArm,
    green: greenArm,
    absoluteEffect: greenArm.rate - blueArm.rate,
    relativeEffect: relative(blueArm.rate, greenArm.rate),
    fixedHorizon: twoProportionZTest(counts),
    sequential,
    decision: decide(sequential, direction),
    requiredSampleSize: planned,
    progress: planned === null ? null : Math.min(blue.total, green.total) / planned,
  };
}

/** Compare a numeric outcome from per-arm summary statistics (n, mean, sample variance). */
export function compareMeans(
  blue: MeanArm,
  green: MeanArm,
  direction: Direction,
  minDetectableEffect: number,
  settings: AnalysisSettings,
): MeanMetricReport | null {
  if (blue.n < 2 || green.n < 2) return null;
  const summary = {
    meanA: blue.mean,
    varA: blue.variance,
    nA: blue.n,
    meanB: green.mean,
    varB: green.variance,
    nB: green.n,
  };
  const sequential = sequentialMeanDiff({ ...summary, alpha: settings.alpha, tuningN: settings.tuningN });
  const pooledVariance = (blue.variance + green.variance) / 2;
  const planned =
    pooledVariance > 0 && minDetectableEffect > 0
      ? requiredSampleSizeForMeans({
          variance: pooledVariance,
          minDetectableEffect,
          alpha: settings.alpha,
          power: settings.power,
        })
      : null;
  return {
    kind: "mean",
    direction,
    blue,
    green,
    absoluteEffect: green.mean - blue.mean,
    relativeEffect: relative(blue.mean, green.mean),
    fixedHorizon: welchTTest(summary),
    sequential,
    decision: decide(sequential, direction),
    requiredSampleSize: planned,
    progress: planned === null ? null : Math.min(blue.n, green.n) / planned,
  };
}

/** Report a quantile (p95) without a test: values and ratio only. */
export function compareQuantiles(blue: number, green: number, direction: Direction): QuantileMetricReport {
  return { kind: "quantile", direction, blue, green, ratio: blue === 0 ? null : green / blue };
}
