// Distribution drift between control (blue) and green over the same
// categories: predicted labels, or numeric predictions counted in bins cut at
// control's quantiles. Pure: counts in, figures out; RangeError on bad input.
//
// Three figures, each with a different job (docs/design/statistics.md):
// - PSI, the population stability index Σ (gᵢ − cᵢ)·ln(gᵢ/cᵢ): the size of the
//   shift, on the scale model-monitoring teams already use (0.1 watch, 0.25 act).
// - Pearson's chi-square test of homogeneity and the two-sample
//   Kolmogorov–Smirnov statistic: the classical fixed-sample figures, reported
//   so an operator can compare with their own tools.
// - An always-valid homogeneity test (one confidence sequence per category,
//   Bonferroni across categories): the only figure a decision may rest on,
//   because the health loop re-tests every minute.
import { chiSquareSf } from "./distributions";
import { sequentialProportionDiff, type SequentialOptions } from "./sequential";
import { assertCount, assertOpenInterval } from "./validate";

/**
 * Proportions below this floor are raised to it before the logarithm, so a
 * category that one arm never produced gives a large but finite PSI. 1e-4 is
 * the floor most PSI implementations use; it caps one empty category's
 * contribution at about p·ln(p/1e-4).
 */
export const PSI_PROPORTION_FLOOR = 1e-4;

export interface CategoryCounts {
  /** Control's count per category. */
  readonly control: readonly number[];
  /** Green's count per category, in the same order. */
  readonly green: readonly number[];
}

function validated(counts: CategoryCounts): { control: number[]; green: number[]; nControl: number; nGreen: number } {
  const { control, green } = counts;
  if (control.length !== green.length)
    throw new RangeError(`control and green need the same categories (got ${control.length} and ${green.length})`);
  control.forEach((c, i) => assertCount(`control[${i}]`, c));
  green.forEach((g, i) => assertCount(`green[${i}]`, g));
  const nControl = control.reduce((a, b) => a + b, 0);
  const nGreen = green.reduce((a, b) => a + b, 0);
  return { control: [...control], green: [...green], nControl, nGreen };
}

/** PSI of green against control; 0 when either arm is empty (nothing to compare). */
export function populationStabilityIndex(counts: CategoryCounts): number {
  const { control, green, nControl, nGreen } = validated(counts);
  if (nControl === 0 || nGreen === 0) return 0;
  let psi = 0;
  for (let i = 0; i < control.length; i++) {
    const c = Math.max(control[i]! / nControl, PSI_PROPORTION_FLOOR);
    const g = Math.max(green[i]! / nGreen, PSI_PROPORTION_FLOOR);
    psi += (g - c) * Math.log(g / c);
  }
  return psi;
}

export interface ChiSquareResult {
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  /** Fixed-sample p-value: valid for one look, not for a test repeated every tick. */
  readonly pValue: number;
}

/**
 * Pearson's chi-square test of homogeneity on the 2 × K table, without
 * continuity correction (scipy.stats.chi2_contingency(correction=False)).
 * Categories empty in both arms are dropped; fewer than two left → p = 1.
 */
export function chiSquareHomogeneity(counts: CategoryCounts): ChiSquareResult {
  const { control, green, nControl, nGreen } = validated(counts);
  const used = control.map((c, i) => [c, green[i]!] as const).filter(([c, g]) => c + g > 0);
  const df = used.length - 1;
  if (df < 1 || nControl === 0 || nGreen === 0) return { statistic: 0, degreesOfFreedom: Math.max(df, 0), pValue: 1 };
  const total = nControl + nGreen;
  let statistic = 0;
  for (const [c, g] of used) {
    const column = c + g;
    const expectedC = (column * nControl) / total;
    const expectedG = (column * nGreen) / total;
    statistic += (c - expectedC) ** 2 / expectedC + (g - expectedG) ** 2 / expectedG;
  }
  return { statistic, degreesOfFreedom: df, pValue: chiSquareSf(statistic, df) };
}

/**
 * Two-sample Kolmogorov–Smirnov statistic D = max |F_control − F_green| over
 * ordered categories (bins in increasing order). On bin counts this is D
 * evaluated at the bin edges: exactly scipy.stats.ks_2samp's statistic for
 * the binned values, and never more than D on the raw values.
 */
export function ksStatistic(counts: CategoryCounts): number {
  const { control, green, nControl, nGreen } = validated(counts);
  if (nControl === 0 || nGreen === 0) return 0;
  let cumulativeC = 0;
  let cumulativeG = 0;
  let d = 0;
  for (let i = 0; i < control.length; i++) {
    cumulativeC += control[i]!;
    cumulativeG += green[i]!;
    d = Math.max(d, Math.abs(cumulativeC / nControl - cumulativeG / nGreen));
  }
  return d;
}

/**
 * Kolmogorov's limiting survival function Q(z) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²z²}
 * (scipy.special.kolmogorov). For small z the alternating series converges
 * slowly, so the equivalent theta-function form
 * 1 − √(2π)/z · Σ_{k≥1} e^{−(2k−1)²π²/(8z²)} is used below z = 1.
 */
export function kolmogorovSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z <= 0) return 1;
  if (z < 1) {
    const factor = -(Math.PI * Math.PI) / (8 * z * z);
    let sum = 0;
    for (let k = 1; k <= 20; k++) sum += Math.exp(factor * (2 * k - 1) ** 2);
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / z) * sum));
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * z * z);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-18) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Asymptotic two-sided KS p-value Q(√(nm/(n+m))·D) (fixed-sample, like the chi-square p). */
export function ksAsymptoticPValue(d: number, nControl: number, nGreen: number): number {
  if (nControl === 0 || nGreen === 0) return 1;
  return kolmogorovSf(Math.sqrt((nControl * nGreen) / (nControl + nGreen)) * d);
}

export interface SequentialHomogeneity {
  /** Always-valid p-value for "the same distribution": K × the smallest per-category p, capped at 1. */
  readonly pValue: number;
  /** The category whose share differs most convincingly, or null when nothing was tested. */
  readonly category: number | null;
  readonly alpha: number;
}

/**
 * Always-valid test of homogeneity: for each category, the confidence
 * sequence of green's share minus control's (sequentialProportionDiff), at
 * α/K (Bonferroni). Each sequence holds at every look with probability
 * ≥ 1 − α/K, so the union holds with ≥ 1 − α: re-testing every minute does
 * not raise the false-alarm rate above α.
 */
export function sequentialHomogeneity(counts: CategoryCounts, options: SequentialOptions = {}): SequentialHomogeneity {
  const { control, green, nControl, nGreen } = validated(counts);
  const alpha = options.alpha ?? 0.05;
  assertOpenInterval("alpha", alpha, 0, 1);
  const tested = control.map((_, i) => i).filter((i) => control[i]! + green[i]! > 0);
  if (nControl === 0 || nGreen === 0 || tested.length < 2) return { pValue: 1, category: null, alpha };
  let smallest = 1;
  let category: number | null = null;
  for (const i of tested) {
    const result = sequentialProportionDiff({
      successesA: control[i]!,
      totalA: nControl,
      successesB: green[i]!,
      totalB: nGreen,
      alpha: alpha / tested.length,
      tuningN: options.tuningN,
    });
    if (result.pValue < smallest) {
      smallest = result.pValue;
      category = i;
    }
  }
  return { pValue: Math.min(1, smallest * tested.length), category, alpha };
}
