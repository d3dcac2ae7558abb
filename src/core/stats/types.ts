// Shared result shapes for the statistics module (types only, no code).

/** A closed interval [low, high]. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Which way is good for a metric: error rates are lower_is_better. */
export type Direction = "higher_is_better" | "lower_is_better";

/** Aggregated counts of a binary outcome for two arms, A = control, B = treatment. */
export interface TwoProportionInput {
  readonly successesA: number;
  readonly totalA: number;
  readonly successesB: number;
  readonly totalB: number;
}

/** Aggregated summary statistics of a numeric outcome for two arms (var = sample variance, n − 1). */
export interface TwoMeanInput {
  readonly meanA: number;
  readonly varA: number;
  readonly nA: number;
  readonly meanB: number;
  readonly varB: number;
  readonly nB: number;
}
