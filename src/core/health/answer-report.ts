// What operators read about answers (docs/design/answer-checks.md): per
// variant the invalid rate, time-to-first-byte p95 and the predicted-value
// distribution, and green's drift from blue over the categories the
// prediction_drift guard compares. Pure: reader aggregates in, report
// figures out. The figures are descriptive; decisions rest on the guards.
import { chiSquareHomogeneity, ksAsymptoticPValue, ksStatistic, populationStabilityIndex } from "../stats/drift";
import type { ArmWindow } from "./metrics";
import type { DriftCounts, PredictionArm } from "./predictions";

/** Equal-width histogram bins drawn between both arms' 10th and 90th percentiles (plus two open tails). */
export const HISTOGRAM_BINS = 8;

export interface AnswerArmFigures {
  requests: number;
  /** Answers checked against the contract, and how many broke it. */
  inspected: number;
  invalid: number;
  /** invalid / inspected; null when nothing was inspected. */
  invalidRate: number | null;
  streamed: number;
  /** null when no answer was streamed. */
  ttfbP95Ms: number | null;
  /** Most frequent labels, largest first, and the labelled total (listed and rest). */
  labels: { label: string; count: number }[];
  labeled: number;
  /** Numeric predictions and their deciles (null without numbers). */
  values: number;
  deciles: number[] | null;
}

export interface DriftFigures {
  kind: "labels" | "numbers";
  /** Labels, or bins cut at blue's deciles, with each arm's count per category. */
  categories: string[];
  blue: number[];
  green: number[];
  psi: number;
  chiSquare: { statistic: number; degreesOfFreedom: number; pValue: number };
  /** Two-sample KS over the ordered bins; numbers only. */
  ks: { statistic: number; pValue: number } | null;
}

export interface Histogram {
  /** Ascending edges: bins (-∞, e0], (e0, e1], …, (eLast, ∞), named in `categories`. */
  edges: number[];
  categories: string[];
  blue: number[];
  green: number[];
}

export function answerArmFigures(arm: ArmWindow, predictions: PredictionArm): AnswerArmFigures {
  const labels = [...predictions.labels]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  return {
    requests: arm.requests,
    inspected: arm.inspected,
    invalid: arm.invalid,
    invalidRate: arm.inspected > 0 ? arm.invalid / arm.inspected : null,
    streamed: arm.streamed,
    ttfbP95Ms: arm.streamed > 0 ? arm.ttfbP95Ms : null,
    labels,
    labeled: predictions.labeled,
    values: predictions.values,
    deciles: predictions.deciles,
  };
}

/** PSI and chi-square on any categories; KS only where the categories are ordered bins. */
export function driftFigures(counts: DriftCounts, kind: DriftFigures["kind"]): DriftFigures {
  const chi = chiSquareHomogeneity(counts);
  const nBlue = counts.control.reduce((a, b) => a + b, 0);
  const nGreen = counts.green.reduce((a, b) => a + b, 0);
  const d = kind === "numbers" ? ksStatistic(counts) : null;
  return {
    kind,
    categories: counts.categories,
    blue: [...counts.control],
    green: [...counts.green],
    psi: populationStabilityIndex(counts),
    chiSquare: { statistic: chi.statistic, degreesOfFreedom: chi.degreesOfFreedom, pValue: chi.pValue },
    ks: d === null ? null : { statistic: d, pValue: ksAsymptoticPValue(d, nBlue, nGreen) },
  };
}

/**
 * Equal-width edges from the lowest 10th to the highest 90th percentile of
 * either arm, so both arms are drawn on one axis; one edge when they coincide,
 * none without numbers.
 */
export function histogramEdges(arms: readonly PredictionArm[], bins = HISTOGRAM_BINS): number[] {
  const lows = arms.flatMap((arm) => (arm.deciles ? [arm.deciles[0]!] : [])).filter(Number.isFinite);
  const highs = arms.flatMap((arm) => (arm.deciles ? [arm.deciles.at(-1)!] : [])).filter(Number.isFinite);
  if (lows.length === 0) return [];
  const low = Math.min(...lows);
  const high = Math.max(...highs);
  if (!(high > low)) return [low];
  const step = (high - low) / bins;
  // Six significant digits: edges are labels an operator reads, not exact cut points.
  return Array.from({ length: bins + 1 }, (_, i) => Number((i === bins ? high : low + i * step).toPrecision(6)));
}
