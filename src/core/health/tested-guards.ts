// How many guards run a statistical test for one assessment: the family-wise
// α is split across exactly those (docs/design/health-loop.md). Pure.
import type { GuardSettings } from "./settings";

/** What the flag's answers bring to judge besides transport (each adds one tested guard). */
export interface AnswerChecks {
  /** A response schema is declared: invalid_rate. */
  schema: boolean;
  /** A prediction path is declared: prediction_drift. */
  prediction: boolean;
  /** Either arm streamed answers in the window: ttfb_p95. */
  streams: boolean;
}

export const NO_ANSWER_CHECKS: Readonly<AnswerChecks> = Object.freeze({
  schema: false,
  prediction: false,
  streams: false,
});

/** How many guards run a statistical test (α is split across them). */
export function testedGuardCount(
  guards: GuardSettings,
  shadowPairs: number,
  checks: AnswerChecks = NO_ANSWER_CHECKS,
): number {
  let count = 3; // error, timeout, latency
  if (shadowPairs > 0) count++;
  if (checks.schema) count++; // invalid_rate
  if (checks.prediction) count++; // prediction_drift
  if (checks.streams) count++; // ttfb_p95
  if (guards.feedbackMaxDrop !== null) count++;
  if (guards.maxErrorRate !== null) count++;
  if (guards.maxP99Ms !== null) count++;
  return count;
}
