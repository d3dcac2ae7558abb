// Fixed-horizon inference for binary outcomes: the pooled two-proportion
// z-test and the Wilson score interval. Contract: pure; counts are validated
// (RangeError); valid only when the sample size was fixed in advance — for
// repeated looks use sequential.ts.
import { normalQuantile, normalSf } from "./normal";
import type { Interval, TwoProportionInput } from "./types";
import { assertOpenInterval, assertSuccesses } from "./validate";

export interface ZTestResult {
  /** (p̂B − p̂A) / SE_pooled; 0 when SE = 0. */
  readonly z: number;
  /** Two-sided p = 2·(1 − Φ(|z|)); 1 when SE = 0. */
  readonly pValue: number;
}

/**
 * Two-sided two-proportion z-test with pooled standard error:
 * p̄ = (xA + xB)/(nA + nB), SE = √(p̄(1 − p̄)(1/nA + 1/nB)), z = (p̂B − p̂A)/SE,
 * p = 2Φ(−|z|) (Fleiss, Levin & Paik 2003, Statistical Methods for Rates and
 * Proportions; equals statsmodels' proportions_ztest). Degenerate case: when p̄ is 0 or 1 both arms are
 * identical, so z = 0 and p = 1. Totals must be ≥ 1.
 */
export function twoProportionZTest(input: TwoProportionInput): ZTestResult {
  const { successesA, totalA, successesB, totalB } = input;
  assertSuccesses("successesA", successesA, "totalA", totalA);
  assertSuccesses("successesB", successesB, "totalB", totalB);
  const pooled = (successesA + successesB) / (totalA + totalB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / totalA + 1 / totalB));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (successesB / totalB - successesA / totalA) / se;
  return { z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}

/**
 * Wilson (1927) score interval for a binomial proportion at level 1 − α:
 * (p̂ + z²/2n ± z√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), z = Φ⁻¹(1 − α/2)
 * (Agresti & Coull 1998; equals statsmodels' proportion_confint(method="wilson")).
 * Exact endpoints 0 and 1 at x = 0 and x = n. Total must be ≥ 1.
 */
export function wilsonInterval(successes: number, total: number, alpha = 0.05): Interval {
  assertSuccesses("successes", successes, "total", total);
  assertOpenInterval("alpha", alpha, 0, 1);
  const z = normalQuantile(1 - alpha / 2);
  const p = successes / total;
  const z2n = (z * z) / total;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2n / (4 * total))) / (1 + z2n);
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === total ? 1 : Math.min(1, centre + half),
  };
}
