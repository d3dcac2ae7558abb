// What a metrics reader returns for one window, and how the judge slices it
// into arms. Pure data + pure slicing: readers (src/telemetry/readers) fill
// these shapes, the judge (assess.ts) only reads them.
// Counts are weighted (Analytics Engine `_sample_interval`); `rows` is the
// number of stored rows behind them, so decisions can demand real data.
import type { OutcomeKind } from "../outcome";
import type { Variant } from "../types";

export interface ArmWindow {
  /** Requests (weighted), the denominator of error/timeout rates and latency. */
  requests: number;
  /** Raw stored rows behind `requests` (≤ requests under sampling). */
  rows: number;
  errors: number;
  timeouts: number;
  latencySumMs: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Mirrored pairs compared, and how many agreed. */
  shadowPairs: number;
  shadowAgreements: number;
  /** Ground-truth feedback received for requests of this arm, and its successes (sum of values). */
  feedbackTotal: number;
  feedbackSuccesses: number;
  /** Answers checked against the flag's response contract, and how many broke it (docs/design/answer-checks.md). */
  inspected: number;
  invalid: number;
  /** Streamed answers (core/outcome.ts isStreamedAnswer) and their time-to-first-byte p95. */
  streamed: number;
  ttfbP95Ms: number | null;
  /**
   * Chat-completion usage (docs/design/llm-traffic.md): answers whose usage is
   * known, and sums over them only (an unknown usage is never counted as zero).
   * Absent = 0 (windows read or captured before usage was recorded).
   */
  usageKnown?: number;
  inputTokensSum?: number;
  outputTokensSum?: number;
  outputTokensSumSq?: number;
  /** Answers whose cost is known (usage known and the origin priced), and sums of their cost in USD. */
  costKnown?: number;
  costSum?: number;
  costSumSq?: number;
}

/** One group of a window read: outcomes with the same variant, reason, rule and kind. */
export interface SliceKey {
  variant: Variant;
  reason: string;
  ruleId: string | null;
  kind: OutcomeKind;
}

export interface WindowGroup extends SliceKey {
  metrics: ArmWindow;
}

/**
 * Predicted values of one group's inspected answers (docs/design/answer-checks.md).
 * Labels arrive as the most frequent ones (a reader bounds how many); numbers
 * as nearest-rank deciles when no bin edges were asked for, else as counts per bin.
 */
export interface PredictionGroup extends SliceKey {
  /** The most frequent labels (at most MAX_PREDICTION_LABELS), largest first. */
  labels: { label: string; count: number }[];
  /** Weighted count of answers whose prediction was a label (the listed ones and the rest). */
  labeled: number;
  /** Weighted count of answers whose prediction was a number. */
  values: number;
  /** Deciles (levels 0.1 … 0.9) of the numeric predictions; null without numbers. */
  deciles: number[] | null;
  /** Counts per bin of the edges asked for: (-∞, e0], (e0, e1], …, (eLast, ∞); null when none were asked. */
  bins: number[] | null;
}

/** Labels listed per group; rarer ones are compared together as one "other" category. */
export const MAX_PREDICTION_LABELS = 50;

/** Deciles' levels, the cut points of control's numeric prediction bins. */
export const DECILE_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;

/** What an exceedance count measures: time to headers, or time to first byte of streamed answers. */
export type ExceedanceMetric = "latency" | "first_byte";

/** Weighted counts of requests slower than each threshold, per group. */
export interface ExceedanceGroup extends SliceKey {
  above: number[];
}

/** Which outcomes an assessment is about: the rollout's own split, or one segment rule. */
export type HealthScope = { kind: "rollout" } | { kind: "rule"; ruleId: string };

/** A scope as decision records, tick reports and the decisions API name it: "rollout" or "rule:<id>". */
export const scopeLabel = (scope: HealthScope): string => (scope.kind === "rule" ? `rule:${scope.ruleId}` : "rollout");

export const EMPTY_ARM: Readonly<ArmWindow> = Object.freeze({
  requests: 0,
  rows: 0,
  errors: 0,
  timeouts: 0,
  latencySumMs: 0,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
  shadowPairs: 0,
  shadowAgreements: 0,
  feedbackTotal: 0,
  feedbackSuccesses: 0,
  inspected: 0,
  invalid: 0,
  streamed: 0,
  ttfbP95Ms: null,
  usageKnown: 0,
  inputTokensSum: 0,
  outputTokensSum: 0,
  outputTokensSumSq: 0,
  costKnown: 0,
  costSum: 0,
  costSumSq: 0,
});

/** The rollout's own traffic is SPLIT (serving stages) or DEFAULT (shadow: 0 % split). */
export function inScope(key: SliceKey, scope: HealthScope): boolean {
  if (scope.kind === "rule") return key.reason === "SEGMENT_MATCH" && key.ruleId === scope.ruleId;
  return key.reason === "SPLIT" || key.reason === "DEFAULT";
}

/**
 * Sums the groups of one variant in scope. Counts add up exactly; quantiles
 * cannot be merged from aggregates, so they come from the largest group (in
 * practice a scope has one group per variant: SPLIT in serving stages,
 * DEFAULT in shadow).
 */
export function armOf(
  groups: readonly WindowGroup[],
  variant: Variant,
  scope: HealthScope,
  kind: OutcomeKind = "served",
): ArmWindow {
  const matching = groups.filter((group) => group.variant === variant && group.kind === kind && inScope(group, scope));
  if (matching.length === 0) return { ...EMPTY_ARM };
  const largest = matching.reduce((a, b) => (b.metrics.requests > a.metrics.requests ? b : a));
  const largestStreamed = matching.reduce((a, b) => ((b.metrics.streamed ?? 0) > (a.metrics.streamed ?? 0) ? b : a));
  const sum = (field: keyof ArmWindow) => matching.reduce((total, group) => total + (group.metrics[field] ?? 0), 0);
  return {
    requests: sum("requests"),
    rows: sum("rows"),
    errors: sum("errors"),
    timeouts: sum("timeouts"),
    latencySumMs: sum("latencySumMs"),
    p50Ms: largest.metrics.p50Ms,
    p95Ms: largest.metrics.p95Ms,
    p99Ms: largest.metrics.p99Ms,
    shadowPairs: sum("shadowPairs"),
    shadowAgreements: sum("shadowAgreements"),
    feedbackTotal: sum("feedbackTotal"),
    feedbackSuccesses: sum("feedbackSuccesses"),
    inspected: sum("inspected"),
    invalid: sum("invalid"),
    streamed: sum("streamed"),
    ttfbP95Ms: largestStreamed.metrics.ttfbP95Ms ?? null,
    usageKnown: sum("usageKnown"),
    inputTokensSum: sum("inputTokensSum"),
    outputTokensSum: sum("outputTokensSum"),
    outputTokensSumSq: sum("outputTokensSumSq"),
    costKnown: sum("costKnown"),
    costSum: sum("costSum"),
    costSumSq: sum("costSumSq"),
  };
}

/** Exceedance counts of one variant in scope, summed per threshold. */
export function aboveOf(
  groups: readonly ExceedanceGroup[],
  variant: Variant,
  scope: HealthScope,
  thresholds: number,
  kind: OutcomeKind = "served",
): number[] {
  const totals = new Array<number>(thresholds).fill(0);
  for (const group of groups) {
    if (group.variant !== variant || group.kind !== kind || !inScope(group, scope)) continue;
    group.above.forEach((count, i) => {
      if (i < thresholds) totals[i]! += count;
    });
  }
  return totals;
}
