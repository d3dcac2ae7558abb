// Decisions on top of an always-valid result (sequential.ts): is B better,
// not worse, or worse than A by a margin? Contract: pure; margins are
// ABSOLUTE in the metric's unit (0.005 = half a percentage point, or ms) and
// ≥ 0; every verdict's error rate is ≤ α uniformly over time, so it may be
// re-asked every minute. A verdict holds iff its one-sided always-valid
// p-value is < α, i.e. iff the whole confidence sequence lies past the threshold.
import { sequentialPValueAt, type SequentialResult } from "./sequential";
import type { Direction } from "./types";
import { assertNonNegative } from "./validate";

export interface VerdictOptions {
  /** Which way is good for this metric (error rate: "lower_is_better"). */
  readonly direction: Direction;
  /** Absolute margin ≥ 0; default 0. */
  readonly margin?: number;
}

export interface Verdict {
  /** True when the data establish the claim at level α. */
  readonly holds: boolean;
  /** Always-valid one-sided p-value for the claim's null hypothesis. */
  readonly pValue: number;
  /** The value of B − A the confidence sequence must clear. */
  readonly threshold: number;
}

/** Claim "B − A > threshold" (side +1) or "B − A < threshold" (side −1). */
function claim(result: SequentialResult, threshold: number, side: 1 | -1): Verdict {
  const onSide = side * (result.estimate - threshold) > 0;
  const pValue = onSide ? sequentialPValueAt(result, threshold) : 1;
  return { holds: pValue < result.alpha, pValue, threshold };
}

function marginOf(options: VerdictOptions): number {
  const margin = options.margin ?? 0;
  assertNonNegative("margin", margin);
  return margin;
}

/**
 * Superiority: B is better than A by more than `margin`.
 * higher_is_better: H0 B − A ≤ margin, holds iff low > margin;
 * lower_is_better:  H0 B − A ≥ −margin, holds iff high < −margin.
 */
export function superiority(result: SequentialResult, options: VerdictOptions): Verdict {
  const margin = marginOf(options);
  return options.direction === "higher_is_better" ? claim(result, margin, 1) : claim(result, -margin, -1);
}

/**
 * Non-inferiority: B is not worse than A by `margin` or more.
 * higher_is_better: H0 B − A ≤ −margin, holds iff low > −margin;
 * lower_is_better:  H0 B − A ≥ margin, holds iff high < margin.
 */
export function nonInferiority(result: SequentialResult, options: VerdictOptions): Verdict {
  const margin = marginOf(options);
  return options.direction === "higher_is_better" ? claim(result, -margin, 1) : claim(result, margin, -1);
}

/**
 * Regression: B is worse than A by more than `margin` — the health loop's
 * rollback question ("green's error rate exceeds blue's by more than m").
 * lower_is_better:  H0 B − A ≤ margin, holds iff low > margin;
 * higher_is_better: H0 B − A ≥ −margin, holds iff high < −margin.
 */
export function isWorse(result: SequentialResult, options: VerdictOptions): Verdict {
  const margin = marginOf(options);
  return options.direction === "lower_is_better" ? claim(result, margin, 1) : claim(result, -margin, -1);
}
