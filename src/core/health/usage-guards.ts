// Guards on what green's answers cost (docs/design/llm-traffic.md): mean cost
// per request and mean output tokens, each against control's under a ratio
// cap. Off unless the flag sets its ratio (settings.health.guards
// costPerRequestRatio / outputTokensRatio). Judged only over answers whose
// usage is known (cost: also priced), so an unknown usage never pulls a mean
// towards zero. Same contract as guards.ts: aggregates in, one GuardFigure
// out, `breach` only with always-valid evidence, so re-judging every tick
// keeps the false-alarm rate within α. Pure: no I/O, no clock.
import { asymptoticConfidenceSequence, sequentialPValueAt } from "../stats";
import { figure, type GuardFigure, type GuardStatus, type StatsKnobs } from "./guards";
import type { ArmWindow } from "./metrics";
import type { GuardSettings } from "./settings";

/** Weighted count, sum and sum of squares of one per-request quantity. */
export interface MeanArm {
  n: number;
  sum: number;
  sumSq: number;
}

const costOf = (arm: ArmWindow): MeanArm => ({
  n: arm.costKnown ?? 0,
  sum: arm.costSum ?? 0,
  sumSq: arm.costSumSq ?? 0,
});
const outputOf = (arm: ArmWindow): MeanArm => ({
  n: arm.usageKnown ?? 0,
  sum: arm.outputTokensSum ?? 0,
  sumSq: arm.outputTokensSumSq ?? 0,
});

const mean = (arm: MeanArm) => (arm.n > 0 ? arm.sum / arm.n : 0);
/** Sample variance from sums (never negative: rounding can push sumSq − n·mean² below 0). */
const variance = (arm: MeanArm) => Math.max(0, (arm.sumSq - arm.n * mean(arm) ** 2) / Math.max(1, arm.n - 1));

/**
 * Green's mean ≤ ratio × control's mean. The tested quantity is
 * D = mean(green) − ratio·mean(control), variance s²g/ng + ratio²·s²c/nc
 * (Welch's plug-in); a breach needs the always-valid interval of D wholly
 * above 0. A point estimate above the cap without that is `suspect`.
 */
export function meanRatioGuard(
  guard: "cost_per_request" | "output_tokens",
  ratio: number | null,
  control: MeanArm,
  green: MeanArm,
  required: number,
  knobs: StatsKnobs,
): GuardFigure {
  if (ratio === null) return figure(guard, "off");
  const c = mean(control);
  const g = mean(green);
  const threshold = ratio * c;
  if (control.n < required || green.n < required)
    return figure(guard, "insufficient", { green: g, control: c, threshold });
  const result = asymptoticConfidenceSequence({
    estimate: g - threshold,
    variance: variance(green) / green.n + (ratio * ratio * variance(control)) / control.n,
    n: control.n + green.n,
    alpha: knobs.alpha,
    tuningN: knobs.tuningN,
  });
  const pValue = result.estimate > 0 ? sequentialPValueAt(result, 0) : 1;
  const holds = pValue < knobs.alpha;
  const status: GuardStatus = holds ? "breach" : g > threshold ? "suspect" : "ok";
  return figure(guard, status, {
    green: g,
    control: c,
    threshold,
    pValue,
    interval: [result.low + threshold, result.high + threshold],
    evidence: holds ? "sequential" : null,
  });
}

type UsageGuardSettings = Pick<GuardSettings, "costPerRequestRatio" | "outputTokensRatio" | "minUsageSamples">;

/** How many usage guards are on (each takes its share of the family-wise α). */
export function usageGuardCount(guards: UsageGuardSettings): number {
  return (guards.costPerRequestRatio === null ? 0 : 1) + (guards.outputTokensRatio === null ? 0 : 1);
}

/** Both usage guards for one scope (figures with status `off` when not set). */
export function usageGuards(
  guards: UsageGuardSettings,
  control: ArmWindow,
  green: ArmWindow,
  knobs: StatsKnobs,
): GuardFigure[] {
  const required = guards.minUsageSamples;
  return [
    meanRatioGuard("cost_per_request", guards.costPerRequestRatio, costOf(control), costOf(green), required, knobs),
    meanRatioGuard("output_tokens", guards.outputTokensRatio, outputOf(control), outputOf(green), required, knobs),
  ];
}
