// Power analysis: units per arm needed to detect a given effect with a
// two-sided fixed-horizon test. Contract: pure; inputs validated (RangeError);
// the minimum detectable effect is ABSOLUTE (0.01 = one percentage point).
import { normalQuantile } from "./normal";
import { assertFinite, assertOpenInterval } from "./validate";

export interface SampleSizeOptions {
  /** Control-arm rate p1, in (0, 1). */
  readonly baselineRate: number;
  /** Absolute change to detect: p2 = baselineRate + minDetectableEffect, p2 in [0, 1], ≠ 0. */
  readonly minDetectableEffect: number;
  /** Two-sided significance level, default 0.05. */
  readonly alpha?: number;
  /** 1 − β, default 0.8. */
  readonly power?: number;
}

export interface MeanSampleSizeOptions {
  /** Per-unit variance of the outcome (e.g. pooled latency variance, ms²), > 0. */
  readonly variance: number;
  /** Absolute difference in means to detect, ≠ 0 (same unit as the outcome). */
  readonly minDetectableEffect: number;
  readonly alpha?: number;
  readonly power?: number;
}

/** Cohen's h = 2·asin√p2 − 2·asin√p1 (Cohen 1988, §6.2). */
export function cohensH(p1: number, p2: number): number {
  return 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));
}

/** (z_{1−α/2} + z_{power})², the shared factor of both sample-size formulas. */
function zFactor(alpha: number, power: number): number {
  assertOpenInterval("alpha", alpha, 0, 1);
  assertOpenInterval("power", power, 0, 1);
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return z * z;
}

/**
 * Units per arm for two independent proportions, two-sided:
 * n = ⌈2·(z_{1−α/2} + z_{1−β})² / h²⌉ with Cohen's h on the arcsine scale
 * (Cohen 1988, §6.4; matches statsmodels' zt_ind_solve_power(h):
 * h = 0.2, α = 0.05, power 0.8 → 392.44 → 393).
 */
export function requiredSampleSize(options: SampleSizeOptions): number {
  const { baselineRate, minDetectableEffect, alpha = 0.05, power = 0.8 } = options;
  assertOpenInterval("baselineRate", baselineRate, 0, 1);
  assertFinite("minDetectableEffect", minDetectableEffect);
  const p2 = baselineRate + minDetectableEffect;
  if (minDetectableEffect === 0 || !(p2 >= 0 && p2 <= 1)) {
    throw new RangeError(
      `minDetectableEffect must be non-zero with baselineRate + minDetectableEffect in [0, 1] (got ${minDetectableEffect})`,
    );
  }
  const h = cohensH(baselineRate, p2);
  return Math.ceil((2 * zFactor(alpha, power)) / (h * h));
}

/**
 * Units per arm for a difference in means, two-sided, normal approximation:
 * n = ⌈2σ²(z_{1−α/2} + z_{1−β})² / δ²⌉ (Cohen 1988, ch. 2, with d = δ/σ).
 */
export function requiredSampleSizeForMeans(options: MeanSampleSizeOptions): number {
  const { variance, minDetectableEffect, alpha = 0.05, power = 0.8 } = options;
  assertFinite("variance", variance);
  assertFinite("minDetectableEffect", minDetectableEffect);
  if (!(variance > 0)) throw new RangeError(`variance must be > 0 (got ${variance})`);
  if (minDetectableEffect === 0) throw new RangeError("minDetectableEffect must be non-zero");
  return Math.ceil((2 * variance * zFactor(alpha, power)) / (minDetectableEffect * minDetectableEffect));
}
