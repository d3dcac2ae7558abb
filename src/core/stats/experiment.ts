// A/B report for one rollout: blue (control, A) vs green (treatment, B) on
// error rate, timeout rate, mean and p95 latency and feedback success, plus
// the sample-ratio-mismatch check and a per-segment Simpson's-paradox check.
// Contract: pure; input is plain aggregated counts/sums per arm (and per
// segment), so readers (AE SQL, embedded store) stay outside; RangeError on
// inconsistent counts. Decisions should use each metric's `sequential` and
// `decision` fields, which stay valid under continuous monitoring.
import {
  compareMeans,
  compareProportions,
  compareQuantiles,
  type AnalysisSettings,
  type MeanMetricReport,
  type ProportionMetricReport,
  type QuantileMetricReport,
} from "./metric-reports";
import { checkSimpson, type SimpsonCheck, type SliceValue } from "./segments";
import { DEFAULT_SEQUENTIAL_ALPHA, DEFAULT_SEQUENTIAL_TUNING_N } from "./sequential";
import { srmTest, type SrmResult } from "./srm";
import type { Direction } from "./types";
import { assertCount, assertFinite, assertNonNegative, assertOpenInterval, assertSuccesses } from "./validate";

/** Aggregates for one arm over the analysis window. */
export interface ArmMetrics {
  /** Requests (units) served by the arm: the denominator of error and timeout rates. */
  readonly requests: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Latency observations behind the mean/variance/p95; defaults to `requests`. */
  readonly latencyCount?: number;
  readonly latencyMeanMs: number;
  /** Sample variance (n − 1 denominator), ms². */
  readonly latencyVarMs2: number;
  readonly latencyP95Ms: number;
  readonly feedbackSuccesses: number;
  readonly feedbackTotal: number;
}

export interface ArmPair<T> {
  readonly blue: T;
  readonly green: T;
}

/** Absolute minimum detectable effects for the power calculation. */
export interface MinDetectableEffects {
  readonly errorRate: number;
  readonly timeoutRate: number;
  readonly feedbackSuccessRate: number;
  readonly latencyMeanMs: number;
}

export const DEFAULT_MIN_DETECTABLE_EFFECTS: MinDetectableEffects = {
  errorRate: 0.01,
  timeoutRate: 0.01,
  feedbackSuccessRate: 0.05,
  latencyMeanMs: 50,
};
export const DEFAULT_POWER = 0.8;

export interface ExperimentInput {
  readonly arms: ArmPair<ArmMetrics>;
  readonly segments?: Readonly<Record<string, ArmPair<ArmMetrics>>>;
  /** Configured split, any positive scale (e.g. { blue: 90, green: 10 }). */
  readonly expectedWeights: ArmPair<number>;
  readonly alpha?: number;
  readonly power?: number;
  /** N* for the confidence sequences: the total requests (both arms) you expect to analyse. */
  readonly tuningN?: number;
  readonly minDetectableEffects?: Partial<MinDetectableEffects>;
}

export type MetricName = "errorRate" | "timeoutRate" | "feedbackSuccessRate" | "latencyMean" | "latencyP95";

export interface ExperimentReport {
  readonly alpha: number;
  readonly power: number;
  readonly tuningN: number;
  /** Sample-ratio mismatch on requests; when `mismatch` is true, distrust every metric below. */
  readonly srm: SrmResult;
  /** Each metric is null when an arm lacks the data for its test. */
  readonly metrics: {
    readonly errorRate: ProportionMetricReport | null;
    readonly timeoutRate: ProportionMetricReport | null;
    readonly feedbackSuccessRate: ProportionMetricReport | null;
    readonly latencyMean: MeanMetricReport | null;
    readonly latencyP95: QuantileMetricReport;
  };
  /** Per-segment breakdown per metric; null when no segments were given. */
  readonly segments: Readonly<Record<MetricName, SimpsonCheck>> | null;
}

const DIRECTIONS: Readonly<Record<MetricName, Direction>> = {
  errorRate: "lower_is_better",
  timeoutRate: "lower_is_better",
  feedbackSuccessRate: "higher_is_better",
  latencyMean: "lower_is_better",
  latencyP95: "lower_is_better",
};

function assertArm(where: string, arm: ArmMetrics): void {
  assertSuccesses(`${where}.errors`, arm.errors, `${where}.requests`, arm.requests, 0);
  assertSuccesses(`${where}.timeouts`, arm.timeouts, `${where}.requests`, arm.requests, 0);
  assertSuccesses(`${where}.feedbackSuccesses`, arm.feedbackSuccesses, `${where}.feedbackTotal`, arm.feedbackTotal, 0);
  if (arm.latencyCount !== undefined) assertCount(`${where}.latencyCount`, arm.latencyCount);
  assertFinite(`${where}.latencyMeanMs`, arm.latencyMeanMs);
  assertNonNegative(`${where}.latencyVarMs2`, arm.latencyVarMs2);
  assertFinite(`${where}.latencyP95Ms`, arm.latencyP95Ms);
}

const latencyArm = (arm: ArmMetrics) => ({
  n: arm.latencyCount ?? arm.requests,
  mean: arm.latencyMeanMs,
  variance: arm.latencyVarMs2,
});

function metricsOf(
  pair: ArmPair<ArmMetrics>,
  mde: MinDetectableEffects,
  s: AnalysisSettings,
): ExperimentReport["metrics"] {
  const { blue, green } = pair;
  return {
    errorRate: compareProportions(
      { events: blue.errors, total: blue.requests },
      { events: green.errors, total: green.requests },
      DIRECTIONS.errorRate,
      mde.errorRate,
      s,
    ),
    timeoutRate: compareProportions(
      { events: blue.timeouts, total: blue.requests },
      { events: green.timeouts, total: green.requests },
      DIRECTIONS.timeoutRate,
      mde.timeoutRate,
      s,
    ),
    feedbackSuccessRate: compareProportions(
      { events: blue.feedbackSuccesses, total: blue.feedbackTotal },
      { events: green.feedbackSuccesses, total: green.feedbackTotal },
      DIRECTIONS.feedbackSuccessRate,
      mde.feedbackSuccessRate,
      s,
    ),
    latencyMean: compareMeans(latencyArm(blue), latencyArm(green), DIRECTIONS.latencyMean, mde.latencyMeanMs, s),
    latencyP95: compareQuantiles(blue.latencyP95Ms, green.latencyP95Ms, DIRECTIONS.latencyP95),
  };
}

/** One metric's per-arm point values (and fixed-horizon p) from a metrics block. */
function sliceOf(metrics: ExperimentReport["metrics"], name: MetricName): SliceValue | null {
  if (name === "latencyP95") {
    const m = metrics.latencyP95;
    return { blue: m.blue, green: m.green, pValue: null };
  }
  if (name === "latencyMean") {
    const m = metrics.latencyMean;
    return m && { blue: m.blue.mean, green: m.green.mean, pValue: m.fixedHorizon.pValue };
  }
  const m = metrics[name];
  return m && { blue: m.blue.rate, green: m.green.rate, pValue: m.fixedHorizon.pValue };
}

/**
 * Full A/B report: per metric the rates (Wilson CIs), absolute and relative
 * effects, fixed-horizon tests (pooled z, Welch t), always-valid sequential
 * intervals/p-values and decisions, required sample size and progress; the
 * SRM chi-square on requests; and per-segment Simpson's-paradox checks.
 */
export function analyzeExperiment(input: ExperimentInput): ExperimentReport {
  const alpha = input.alpha ?? DEFAULT_SEQUENTIAL_ALPHA;
  const power = input.power ?? DEFAULT_POWER;
  const tuningN = input.tuningN ?? DEFAULT_SEQUENTIAL_TUNING_N;
  assertOpenInterval("alpha", alpha, 0, 1);
  assertOpenInterval("power", power, 0, 1);
  assertArm("arms.blue", input.arms.blue);
  assertArm("arms.green", input.arms.green);
  const segmentEntries = Object.entries(input.segments ?? {});
  for (const [name, pair] of segmentEntries) {
    assertArm(`segments.${name}.blue`, pair.blue);
    assertArm(`segments.${name}.green`, pair.green);
  }
  const mde = { ...DEFAULT_MIN_DETECTABLE_EFFECTS, ...input.minDetectableEffects };
  const settings: AnalysisSettings = { alpha, power, tuningN };
  const metrics = metricsOf(input.arms, mde, settings);
  const srm = srmTest(
    [input.arms.blue.requests, input.arms.green.requests],
    [input.expectedWeights.blue, input.expectedWeights.green],
  );
  if (segmentEntries.length === 0) return { alpha, power, tuningN, srm, metrics, segments: null };

  const perSegment = segmentEntries.map(([name, pair]) => [name, metricsOf(pair, mde, settings)] as const);
  const check = (name: MetricName): SimpsonCheck => {
    const aggregate = sliceOf(metrics, name) ?? { blue: 0, green: 0, pValue: null };
    const slices = perSegment.map(([segment, m]) => [segment, sliceOf(m, name)] as const);
    return checkSimpson(aggregate, slices, DIRECTIONS[name]);
  };
  const segments = {
    errorRate: check("errorRate"),
    timeoutRate: check("timeoutRate"),
    feedbackSuccessRate: check("feedbackSuccessRate"),
    latencyMean: check("latencyMean"),
    latencyP95: check("latencyP95"),
  };
  return { alpha, power, tuningN, srm, metrics, segments };
}
