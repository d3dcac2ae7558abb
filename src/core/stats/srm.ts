// Sample-ratio mismatch: does the observed split of units across arms match
// the configured weights? Contract: pure; inputs validated (RangeError).
import { chiSquareSf } from "./distributions";
import { assertCount, assertFinite } from "./validate";

/** p-value below which the split is declared broken: the customary SRM alarm level, strict because the check runs on every report. */
export const SRM_P_VALUE_THRESHOLD = 0.001;

export interface SrmResult {
  /** Pearson's Σ(O − E)²/E. */
  readonly chi2: number;
  /** k − 1 for k arms. */
  readonly df: number;
  /** Upper tail of χ²(k − 1) at chi2. */
  readonly pValue: number;
  /** True iff pValue < SRM_P_VALUE_THRESHOLD: analyses of this experiment are untrustworthy. */
  readonly mismatch: boolean;
}

/** True iff an SRM p-value means the assignment is broken (p < SRM_P_VALUE_THRESHOLD). */
export function isSampleRatioMismatch(pValue: number): boolean {
  return pValue < SRM_P_VALUE_THRESHOLD;
}

/**
 * Pearson's chi-square goodness-of-fit test of observed unit counts against
 * expected weights (normalised to sum 1): χ² = Σ (O_i − N w_i)² / (N w_i),
 * p = Q((k − 1)/2, χ²/2) (Pearson 1900; Kohavi, Tang & Xu 2020, "Trustworthy Online Controlled Experiments").
 * With no units at all the split cannot mismatch: χ² = 0, p = 1.
 */
export function srmTest(observed: readonly number[], expectedWeights: readonly number[]): SrmResult {
  if (observed.length !== expectedWeights.length || observed.length < 2) {
    throw new RangeError(
      `observed and expectedWeights need the same length ≥ 2 (got ${observed.length} and ${expectedWeights.length})`,
    );
  }
  observed.forEach((count, i) => assertCount(`observed[${i}]`, count));
  expectedWeights.forEach((weight, i) => {
    assertFinite(`expectedWeights[${i}]`, weight);
    if (!(weight > 0)) throw new RangeError(`expectedWeights[${i}] must be > 0 (got ${weight})`);
  });
  const df = observed.length - 1;
  const total = observed.reduce((sum, count) => sum + count, 0);
  if (total === 0) return { chi2: 0, df, pValue: 1, mismatch: false };
  const weightSum = expectedWeights.reduce((sum, weight) => sum + weight, 0);
  let chi2 = 0;
  observed.forEach((count, i) => {
    const expected = (total * (expectedWeights[i] as number)) / weightSum;
    chi2 += ((count - expected) * (count - expected)) / expected;
  });
  const pValue = chiSquareSf(chi2, df);
  return { chi2, df, pValue, mismatch: isSampleRatioMismatch(pValue) };
}
