// Always-valid (sequential) inference for a difference B − A, safe to
// recompute after every new batch of data, forever: the probability that the
// interval EVER excludes the true difference is ≤ α (asymptotically), so
// monitoring every minute does not inflate false positives.
// Method: the asymptotic confidence sequence of Waudby-Smith, Arbour,
// Sinha, Kennedy & Ramdas (2023/2024), "Time-uniform central limit theory and
// asymptotic confidence sequences" (arXiv:2103.06476): the Gaussian-mixture
// (Robbins-type) boundary, with the mixing parameter ρ chosen to make the
// sequence tightest at a planned sample size N*, exactly as GrowthBook's
// gbstats SequentialTwoSidedTTest does (N = nA + nB; its fixture is in the tests).
// A bounded parameter (a rate in [0, 1], a difference of rates in [−1, 1]) gets
// the sequence intersected with its possible range: the true value always
// lies in that range, so the intersection keeps the time-uniform guarantee,
// and p-values and verdicts (which compare against thresholds inside the
// range) are unchanged. A score-based interval (Wilson, Newcombe) would also
// respect the range, but only for one pre-planned look.
// Contract: pure, stateless (aggregates in, interval out); RangeError on bad input.
import type { Interval, TwoMeanInput, TwoProportionInput } from "./types";
import { assertFinite, assertNonNegative, assertOpenInterval, assertSuccesses } from "./validate";
import { assertTwoMeanInput } from "./welch";

/** Default N*: the total sample size (both arms) at which the interval is tightest (GrowthBook's default). */
export const DEFAULT_SEQUENTIAL_TUNING_N = 5000;
/** Default α for always-valid decisions. */
export const DEFAULT_SEQUENTIAL_ALPHA = 0.05;

export interface SequentialOptions {
  /** Time-uniform error level, in (0, 1); default 0.05. */
  readonly alpha?: number;
  /** N* > 0, total units (A + B) where the sequence is tightest; default 5000. */
  readonly tuningN?: number;
}

export interface SequentialResult extends Interval {
  /** Point estimate of B − A. */
  readonly estimate: number;
  /** Standard error of the estimate (√ of the plug-in variance). */
  readonly standardError: number;
  /** Always-valid two-sided p-value for H0: B − A = 0. */
  readonly pValue: number;
  /** N = nA + nB. */
  readonly n: number;
  readonly alpha: number;
  readonly tuningN: number;
}

export interface ConfidenceSequenceInput extends Required<SequentialOptions> {
  readonly estimate: number;
  /** Variance of the estimate (e.g. σA²/nA + σB²/nB). */
  readonly variance: number;
  /** Total sample size N the estimate is based on. */
  readonly n: number;
  /** The parameter's possible values, when bounded: the sequence is intersected with them. */
  readonly bounds?: Interval;
}

/** Possible values of a difference of two rates. */
export const RATE_DIFFERENCE_BOUNDS: Interval = Object.freeze({ low: -1, high: 1 });
/** Possible values of a rate. */
export const RATE_BOUNDS: Interval = Object.freeze({ low: 0, high: 1 });

/** What an always-valid p-value depends on (a SequentialResult satisfies it). */
export type SequentialState = Pick<SequentialResult, "estimate" | "standardError" | "n" | "alpha" | "tuningN">;

/** ρ² minimising the width at N = N*: (−2 ln α + ln(1 − 2 ln α)) / N* (Waudby-Smith et al.; gbstats). */
function rhoSquared(alpha: number, tuningN: number): number {
  const l = -2 * Math.log(alpha);
  return (l + Math.log(1 + l)) / tuningN;
}

/**
 * Always-valid p-value for H0: difference = nullValue. It is 1/E for the
 * Gaussian-mixture e-value E = exp(Nρ²z²/(2(Nρ²+1)))/√(Nρ²+1), z = (θ̂ − θ0)/SE
 * (Waudby-Smith et al.; gbstats); p < α exactly when θ0 is outside the sequence.
 */
export function sequentialPValueAt(cs: SequentialState, nullValue: number): number {
  assertFinite("nullValue", nullValue);
  const se = cs.standardError;
  const delta = cs.estimate - nullValue;
  if (se === 0) return delta === 0 ? 1 : 0;
  const z = delta / se;
  const nRho2 = cs.n * rhoSquared(cs.alpha, cs.tuningN);
  const logP = 0.5 * Math.log1p(nRho2) - (nRho2 * z * z) / (2 * (1 + nRho2));
  return Math.min(1, Math.exp(logP));
}

/**
 * The asymptotic confidence sequence θ̂ ± SE·√(2(Nρ²+1)/(Nρ²) · ln(√(Nρ²+1)/α))
 * (Waudby-Smith et al., written for the estimate's own variance), cut to
 * `bounds` when given, and its always-valid p-value for H0: difference = 0.
 */
export function asymptoticConfidenceSequence(cs: ConfidenceSequenceInput): SequentialResult {
  assertFinite("estimate", cs.estimate);
  assertNonNegative("variance", cs.variance);
  assertOpenInterval("alpha", cs.alpha, 0, 1);
  if (!(cs.n > 0) || !(cs.tuningN > 0) || !Number.isFinite(cs.tuningN)) {
    throw new RangeError(`n and tuningN must be > 0 (got ${cs.n}, ${cs.tuningN})`);
  }
  const se = Math.sqrt(cs.variance);
  const nRho2 = cs.n * rhoSquared(cs.alpha, cs.tuningN);
  const halfWidth = se * Math.sqrt(((2 * (nRho2 + 1)) / nRho2) * Math.log(Math.sqrt(nRho2 + 1) / cs.alpha));
  const state = { estimate: cs.estimate, standardError: se, n: cs.n, alpha: cs.alpha, tuningN: cs.tuningN };
  const bounds = cs.bounds ?? { low: -Infinity, high: Infinity };
  if (!(cs.estimate >= bounds.low && cs.estimate <= bounds.high)) {
    throw new RangeError(`estimate ${cs.estimate} is outside its bounds [${bounds.low}, ${bounds.high}]`);
  }
  return {
    ...state,
    low: Math.max(bounds.low, cs.estimate - halfWidth),
    high: Math.min(bounds.high, cs.estimate + halfWidth),
    pValue: sequentialPValueAt(state, 0),
  };
}

/**
 * Always-valid inference for p̂B − p̂A. Variance uses Agresti–Caffo (2000)
 * adjusted rates p̃ = (x + 1)/(n + 2) in p̃A(1 − p̃A)/nA + p̃B(1 − p̃B)/nB, so
 * arms with 0 or n events (common for error rates) never get a zero variance;
 * the adjustment vanishes as n grows. The interval stays within [−1, 1].
 * Totals must be ≥ 1.
 */
export function sequentialProportionDiff(input: TwoProportionInput & SequentialOptions): SequentialResult {
  const { successesA, totalA, successesB, totalB } = input;
  assertSuccesses("successesA", successesA, "totalA", totalA);
  assertSuccesses("successesB", successesB, "totalB", totalB);
  const adjustedA = (successesA + 1) / (totalA + 2);
  const adjustedB = (successesB + 1) / (totalB + 2);
  return asymptoticConfidenceSequence({
    estimate: successesB / totalB - successesA / totalA,
    variance: (adjustedA * (1 - adjustedA)) / totalA + (adjustedB * (1 - adjustedB)) / totalB,
    n: totalA + totalB,
    alpha: input.alpha ?? DEFAULT_SEQUENTIAL_ALPHA,
    tuningN: input.tuningN ?? DEFAULT_SEQUENTIAL_TUNING_N,
    bounds: RATE_DIFFERENCE_BOUNDS,
  });
}

/**
 * Always-valid inference for x̄B − x̄A from summary statistics, variance
 * sA²/nA + sB²/nB (Welch's plug-in). With both variances 0 the interval
 * collapses to the estimate (p = 0 unless the means are equal). nA, nB ≥ 2.
 */
export function sequentialMeanDiff(input: TwoMeanInput & SequentialOptions): SequentialResult {
  assertTwoMeanInput(input);
  return asymptoticConfidenceSequence({
    estimate: input.meanB - input.meanA,
    variance: input.varA / input.nA + input.varB / input.nB,
    n: input.nA + input.nB,
    alpha: input.alpha ?? DEFAULT_SEQUENTIAL_ALPHA,
    tuningN: input.tuningN ?? DEFAULT_SEQUENTIAL_TUNING_N,
  });
}
