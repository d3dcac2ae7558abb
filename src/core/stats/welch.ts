// Welch's unequal-variance t-test from aggregated summary statistics.
// Contract: pure; inputs validated (RangeError): n ≥ 2 per arm, variances ≥ 0.
import { studentTTwoSidedP } from "./distributions";
import type { TwoMeanInput } from "./types";
import { assertCount, assertFinite, assertNonNegative } from "./validate";

export interface WelchResult {
  /** (meanB − meanA) / √(varA/nA + varB/nB). */
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
  /** Two-sided p-value from Student's t with df degrees of freedom. */
  readonly pValue: number;
}

/** Throws RangeError unless the summary statistics of two arms are usable. */
export function assertTwoMeanInput(input: TwoMeanInput): void {
  assertFinite("meanA", input.meanA);
  assertFinite("meanB", input.meanB);
  assertNonNegative("varA", input.varA);
  assertNonNegative("varB", input.varB);
  assertCount("nA", input.nA, 2);
  assertCount("nB", input.nB, 2);
}

/**
 * Welch's (1947) t-test: t = (x̄B − x̄A)/√(sA²/nA + sB²/nB) with
 * Welch–Satterthwaite ν = (sA²/nA + sB²/nB)² / [(sA²/nA)²/(nA − 1) + (sB²/nB)²/(nB − 1)]
 * (Satterthwaite 1946), two-sided p = I_{ν/(ν+t²)}(ν/2, ½). Degenerate case:
 * both variances 0 → ν = nA + nB − 2 and t = 0, p = 1 if the means are equal,
 * else t = ±∞, p = 0 (no noise, so any difference is certain).
 */
export function welchTTest(input: TwoMeanInput): WelchResult {
  assertTwoMeanInput(input);
  const { meanA, varA, nA, meanB, varB, nB } = input;
  const seA2 = varA / nA;
  const seB2 = varB / nB;
  const se2 = seA2 + seB2;
  const diff = meanB - meanA;
  if (se2 === 0) {
    const df = nA + nB - 2;
    if (diff === 0) return { t: 0, df, pValue: 1 };
    return { t: diff > 0 ? Infinity : -Infinity, df, pValue: 0 };
  }
  const df = (se2 * se2) / ((seA2 * seA2) / (nA - 1) + (seB2 * seB2) / (nB - 1));
  const t = diff / Math.sqrt(se2);
  return { t, df, pValue: studentTTwoSidedP(t, df) };
}
