// Response schemas of the admin API's read-only reports: the chart series,
// the shadow report and the A/B experiment report (the health loop's
// decisions: decision-schemas.ts). Same contract as response-schemas.ts: the
// OpenAPI document, the handlers' type-check, the dashboard and the CLI all
// use these. Figures that JSON cannot carry (a rate over zero requests, an
// infinite bound) arrive as null, so such numbers are nullable here.
import { z } from "@hono/zod-openapi";
import { SHADOW_RECOMMENDATIONS } from "../core/shadow/report";
import { AnswerFigures } from "./answer-schemas";
import { Comparator } from "./schemas";

export const Num = z.number();
/** A figure JSON may not carry (a rate over nothing, an infinite bound): null. */
export const NullableNum = z.number().nullable();

// ---------- series ----------

export const SeriesBucket = z
  .strictObject({
    requests: z.number().int(),
    errors: z.number().int(),
    timeouts: z.number().int(),
    errorRate: NullableNum,
    timeoutRate: NullableNum,
    p95Ms: NullableNum,
    costPer1kUsd: NullableNum.openapi({
      description: "mean cost of 1 000 requests (USD) over those whose cost is known; null when none is",
    }),
  })
  .openapi("SeriesBucket");

export const Series = z
  .strictObject({
    flag: z.string(),
    fromMs: z.number().int(),
    toMs: z.number().int(),
    bucketMs: z.number().int(),
    buckets: z.array(z.number().int()).openapi({ description: "start of each bucket (epoch ms)" }),
    series: z.strictObject({ blue: z.array(SeriesBucket), green: z.array(SeriesBucket) }),
  })
  .openapi("Series");

// ---------- shadow report ----------

const RateWithInterval = { rate: NullableNum, low: NullableNum, high: NullableNum, n: z.number().int() };
const LatencyQuantiles = z.strictObject({ p50: NullableNum, p95: NullableNum });

export const ShadowReport = z
  .strictObject({
    flag: z.string(),
    rolloutId: z.string(),
    rolloutState: z.string(),
    stageIndex: z.number().int(),
    comparator: Comparator.nullable(),
    samples: z.number().int(),
    skipped: z.record(z.string(), z.number().int()).openapi({ description: "pairs not compared, by reason" }),
    agreement: z.strictObject(RateWithInterval),
    bySegment: z.array(z.strictObject({ segment: z.string(), ...RateWithInterval })),
    latency: z.strictObject({ blue: LatencyQuantiles, green: LatencyQuantiles, p95Ratio: NullableNum }),
    errors: z.strictObject({ blueRate: NullableNum, greenRate: NullableNum, ratio: NullableNum }),
    latencyOutliers: z.array(
      z.strictObject({ requestId: z.string(), blueLatencyMs: Num, greenLatencyMs: Num, ratio: Num }),
    ),
    similarity: z
      .strictObject({
        n: z.number().int(),
        mean: Num,
        p10: Num,
        p50: Num,
        p90: Num,
        histogram: z.array(z.number().int()).length(10),
      })
      .nullable()
      .openapi({ description: "comparator similarity of compared pairs: quantiles and ten bins over [0, 1]" }),
    recommendation: z.enum(SHADOW_RECOMMENDATIONS),
    reasons: z.array(z.string()),
    thresholds: z.strictObject({ minAgreement: Num, maxP95Ratio: Num, maxErrorRatio: Num, minSamples: Num }),
    topDisagreements: z.array(
      z.strictObject({
        flagKey: z.string(),
        rolloutId: z.string().nullable(),
        requestId: z.string(),
        timestampMs: Num,
        reason: z.string(),
        similarity: Num,
        blueStatus: z.number().int(),
        greenStatus: z.number().int(),
        blueLatencyMs: Num,
        greenLatencyMs: Num,
        blueBody: z.string(),
        greenBody: z.string(),
      }),
    ),
    answers: AnswerFigures.nullable().openapi({
      description:
        "blue's served answers against green's mirrored ones, each inspected against the flag's contract at its sample rate (mirrored answers are never timed to a first byte); null when the metrics reader could not be read",
    }),
  })
  .openapi("ShadowReport");

// ---------- experiment report ----------

const Direction = z.enum(["higher_is_better", "lower_is_better"]);
const MetricDecision = z.enum(["green_better", "green_worse", "inconclusive"]);
const Interval = { low: Num, high: Num };
const Sequential = z.strictObject({
  ...Interval,
  estimate: Num,
  standardError: Num,
  pValue: Num,
  n: Num,
  alpha: Num,
  tuningN: Num,
});
const ArmMetrics = z.strictObject({
  requests: z.number().int(),
  errors: z.number().int(),
  timeouts: z.number().int(),
  latencyCount: z.number().int().optional(),
  latencyMeanMs: Num,
  latencyVarMs2: Num,
  latencyP95Ms: Num,
  feedbackSuccesses: Num,
  feedbackTotal: z.number().int(),
});
const ProportionArm = z.strictObject({
  events: z.number().int(),
  total: z.number().int(),
  rate: Num,
  ci: z.strictObject(Interval),
});
const MeanArm = z.strictObject({ n: Num, mean: Num, variance: Num });
const effects = {
  absoluteEffect: Num,
  relativeEffect: NullableNum,
  decision: MetricDecision,
  requiredSampleSize: NullableNum,
  progress: NullableNum,
  sequential: Sequential,
};
const ProportionMetric = z.strictObject({
  kind: z.literal("proportion"),
  direction: Direction,
  blue: ProportionArm,
  green: ProportionArm,
  ...effects,
  fixedHorizon: z.strictObject({ z: Num, pValue: Num }),
});
const MeanMetric = z.strictObject({
  kind: z.literal("mean"),
  direction: Direction,
  blue: MeanArm,
  green: MeanArm,
  ...effects,
  fixedHorizon: z.strictObject({ t: Num, df: Num, pValue: Num }),
});
const QuantileMetric = z.strictObject({
  kind: z.literal("quantile"),
  direction: Direction,
  blue: Num,
  green: Num,
  ratio: NullableNum,
});
const Winner = z.enum(["blue", "green", "tie"]);
const SimpsonCheck = z.strictObject({
  aggregateWinner: Winner,
  // readonly: the statistics module hands these out as readonly arrays.
  segments: z
    .array(
      z.strictObject({
        segment: z.string(),
        blue: Num,
        green: Num,
        pValue: NullableNum,
        difference: Num,
        winner: Winner,
      }),
    )
    .readonly(),
  paradox: z.boolean(),
  disagreeingSegments: z.array(z.string()).readonly(),
});
const METRIC_NAMES = ["errorRate", "timeoutRate", "feedbackSuccessRate", "latencyMean", "latencyP95"] as const;

const Spread = { n: z.number().int(), mean: NullableNum, p50: NullableNum, p95: NullableNum };
const VariantUsage = z.strictObject({
  requests: z.number().int(),
  usageKnown: z.number().int(),
  inputTokens: z.strictObject(Spread),
  outputTokens: z.strictObject(Spread),
  costPerRequest: z.strictObject({ ...Spread, per1000Requests: NullableNum }),
  ttftMs: z.strictObject(Spread),
});

export const ExperimentReport = z
  .strictObject({
    flag: z.string(),
    rolloutId: z.string(),
    stage: z.string(),
    arms: z.strictObject({ blue: ArmMetrics, green: ArmMetrics }),
    alpha: Num,
    power: Num,
    tuningN: Num,
    srm: z.strictObject({ chi2: Num, df: Num, pValue: Num, mismatch: z.boolean() }),
    metrics: z.strictObject({
      errorRate: ProportionMetric.nullable(),
      timeoutRate: ProportionMetric.nullable(),
      feedbackSuccessRate: ProportionMetric.nullable(),
      latencyMean: MeanMetric.nullable(),
      latencyP95: QuantileMetric,
    }),
    segments: z
      .record(z.enum(METRIC_NAMES), SimpsonCheck)
      .nullable()
      .openapi({ description: "per-colo breakdown per metric (Simpson check)" }),
    answers: AnswerFigures.nullable().openapi({ description: "null when the metrics reader could not be read" }),
    usage: z
      .strictObject({ blue: VariantUsage, green: VariantUsage })
      .nullable()
      .openapi({ description: "tokens, cost and time to first token per variant; null when the flag reads no usage" }),
  })
  .openapi("ExperimentReport");

export type SeriesBucketView = z.output<typeof SeriesBucket>;
export type SeriesView = z.output<typeof Series>;
export type ShadowView = z.output<typeof ShadowReport>;
export type ExperimentView = z.output<typeof ExperimentReport>;
