// Shadow analysis: from recorded shadow pairs to the figures an operator (and
// the health loop's shadow stage) decides on, plus one recommendation. Pure.
// Decisions compare point estimates with the thresholds; Wilson intervals are
// reported so a reader can see how sure the figure is.
import { wilsonInterval } from "../stats/index";
import { DEFAULT_SHADOW_THRESHOLDS, type ShadowThresholds } from "./settings";

export const SHADOW_RECOMMENDATIONS = [
  "PROMOTE_TO_CANARY",
  "INVESTIGATE_DISAGREEMENT",
  "OPTIMIZE_LATENCY",
  "FIX_ERRORS",
  "INSUFFICIENT_DATA",
] as const;
export type ShadowRecommendation = (typeof SHADOW_RECOMMENDATIONS)[number];

/** Shadow pairs where green was never called: they carry no latency or error figures. */
export const SHADOW_SKIP_REASONS = ["skipped_too_large", "request_unreadable"] as const;

/** Blue's error rate is floored here so "≤ 2× blue" stays meaningful when blue never fails. */
export const BLUE_ERROR_RATE_FLOOR = 0.001;

export interface ShadowPair {
  requestId: string;
  segment: string;
  /** 1 / 0, or null when the pair was not compared (blue failed, too large). */
  agreement: number | null;
  comparatorReason: string;
  greenLatencyMs: number;
  blueLatencyMs: number;
  greenError: boolean;
  blueError: boolean;
  /** The comparator's 0..1 similarity of a compared pair (null/absent when not compared). */
  similarity?: number | null;
}

/** How alike compared answers were: the spread of comparator similarities (the `text` comparator's main figure). */
export interface SimilarityDistribution {
  n: number;
  mean: number;
  p10: number;
  p50: number;
  p90: number;
  /** Counts in ten equal bins [0, 0.1), …, [0.9, 1]; 1 falls in the last. */
  histogram: number[];
}

/** Similarity distribution of compared pairs; null when none carries a similarity. */
export function similarityDistribution(pairs: readonly ShadowPair[]): SimilarityDistribution | null {
  const values = pairs
    .filter((pair) => pair.agreement !== null)
    .map((pair) => pair.similarity)
    .filter((value): value is number => typeof value === "number" && value >= 0 && value <= 1)
    .sort((a, b) => a - b);
  if (values.length === 0) return null;
  const histogram = new Array<number>(10).fill(0);
  for (const value of values) histogram[Math.min(9, Math.floor(value * 10))]!++;
  return {
    n: values.length,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    p10: percentile(values, 0.1)!,
    p50: percentile(values, 0.5)!,
    p90: percentile(values, 0.9)!,
    histogram,
  };
}

export interface RateWithInterval {
  rate: number | null;
  low: number | null;
  high: number | null;
  n: number;
}

export interface ShadowReport {
  samples: number;
  skipped: Record<string, number>;
  agreement: RateWithInterval;
  bySegment: ({ segment: string } & RateWithInterval)[];
  latency: {
    blue: { p50: number | null; p95: number | null };
    green: { p50: number | null; p95: number | null };
    p95Ratio: number | null;
  };
  errors: { blueRate: number | null; greenRate: number | null; ratio: number | null };
  latencyOutliers: { requestId: string; blueLatencyMs: number; greenLatencyMs: number; ratio: number }[];
  similarity: SimilarityDistribution | null;
  recommendation: ShadowRecommendation;
  reasons: string[];
  thresholds: ShadowThresholds;
}

/** Nearest-rank percentile of an ascending-sorted list. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function rateOf(agreeing: number, n: number): RateWithInterval {
  if (n === 0) return { rate: null, low: null, high: null, n };
  const { low, high } = wilsonInterval(agreeing, n);
  return { rate: agreeing / n, low, high, n };
}

export function buildShadowReport(
  pairs: ShadowPair[],
  overrides: Partial<ShadowThresholds> = {},
  outlierCount = 5,
): ShadowReport {
  const thresholds = { ...DEFAULT_SHADOW_THRESHOLDS, ...overrides };
  const compared = pairs.filter((pair) => pair.agreement !== null);
  const skipped: Record<string, number> = {};
  for (const pair of pairs)
    if (pair.agreement === null) skipped[pair.comparatorReason] = (skipped[pair.comparatorReason] ?? 0) + 1;
  const agreeing = compared.filter((pair) => pair.agreement === 1).length;
  const segments = new Map<string, { agree: number; n: number }>();
  for (const pair of compared) {
    const entry = segments.get(pair.segment) ?? { agree: 0, n: 0 };
    entry.n++;
    entry.agree += pair.agreement ?? 0;
    segments.set(pair.segment, entry);
  }
  const answered = pairs.filter((pair) => !(SHADOW_SKIP_REASONS as readonly string[]).includes(pair.comparatorReason));
  const blueLatencies = answered.map((p) => p.blueLatencyMs).sort((a, b) => a - b);
  const greenLatencies = answered.map((p) => p.greenLatencyMs).sort((a, b) => a - b);
  const [blueP95, greenP95] = [percentile(blueLatencies, 0.95), percentile(greenLatencies, 0.95)];
  const blueRate = answered.length ? answered.filter((p) => p.blueError).length / answered.length : null;
  const greenRate = answered.length ? answered.filter((p) => p.greenError).length / answered.length : null;
  const errorRatio =
    greenRate === null || blueRate === null ? null : greenRate / Math.max(blueRate, BLUE_ERROR_RATE_FLOOR);
  const p95Ratio = blueP95 && greenP95 !== null ? greenP95 / blueP95 : null;
  const agreement = rateOf(agreeing, compared.length);

  const reasons: string[] = [];
  let recommendation: ShadowRecommendation;
  if (compared.length < thresholds.minSamples) {
    recommendation = "INSUFFICIENT_DATA";
    reasons.push(`${compared.length} compared pairs < ${thresholds.minSamples} required`);
  } else {
    if (errorRatio !== null && errorRatio > thresholds.maxErrorRatio)
      reasons.push(`green error rate ${(greenRate! * 100).toFixed(2)} % > ${thresholds.maxErrorRatio}× blue`);
    if (agreement.rate! < thresholds.minAgreement)
      reasons.push(`agreement ${(agreement.rate! * 100).toFixed(1)} % < ${thresholds.minAgreement * 100} %`);
    if (p95Ratio !== null && p95Ratio > thresholds.maxP95Ratio)
      reasons.push(`green p95 ${p95Ratio.toFixed(2)}× blue > ${thresholds.maxP95Ratio}×`);
    // Errors first (nothing else is meaningful while green fails), then correctness, then speed.
    if (errorRatio !== null && errorRatio > thresholds.maxErrorRatio) recommendation = "FIX_ERRORS";
    else if (agreement.rate! < thresholds.minAgreement) recommendation = "INVESTIGATE_DISAGREEMENT";
    else if (p95Ratio !== null && p95Ratio > thresholds.maxP95Ratio) recommendation = "OPTIMIZE_LATENCY";
    else recommendation = "PROMOTE_TO_CANARY";
  }
  const latencyOutliers = answered
    .filter((p) => p.blueLatencyMs > 0)
    .map((p) => ({
      requestId: p.requestId,
      blueLatencyMs: p.blueLatencyMs,
      greenLatencyMs: p.greenLatencyMs,
      ratio: p.greenLatencyMs / p.blueLatencyMs,
    }))
    .sort((a, b) => b.ratio - a.ratio)
    .slice(0, outlierCount);
  return {
    samples: compared.length,
    skipped,
    agreement,
    bySegment: [...segments]
      .map(([segment, { agree, n }]) => ({ segment, ...rateOf(agree, n) }))
      .sort((a, b) => b.n - a.n),
    latency: {
      blue: { p50: percentile(blueLatencies, 0.5), p95: blueP95 },
      green: { p50: percentile(greenLatencies, 0.5), p95: greenP95 },
      p95Ratio,
    },
    errors: { blueRate, greenRate, ratio: errorRatio },
    latencyOutliers,
    similarity: similarityDistribution(compared),
    recommendation,
    reasons,
    thresholds,
  };
}
