// assessHealth: the health loop's judge (docs/design/health-loop.md). Given one scope's window
// aggregates for green and its control, the settings and the rollout record,
// it returns hold | advance | rollback | promote with the reason and every
// figure it used. The control is blue's most recent traffic a decision can
// trust (chooseControl; docs/design/health-loop.md): concurrent blue, else
// blue of this rollout's earlier stages, else blue before the rollout.
// Without one it holds `no_control`, never judging green against nothing.
// Pure: no I/O, no clock (`now` is passed in), no randomness. It never acts:
// src/cron applies the result through the rollout machine.
import { currentStage, holdElapsed, stageMinimumsElapsed, type RolloutRecord } from "../rollout-machine";
import {
  errorCapGuard,
  feedbackGuard,
  latencyGuard,
  latencyThreshold,
  p99CapGuard,
  rateGuard,
  shadowGuard,
  testedGuardCount,
  type GuardFigure,
  type GuardName,
} from "./guards";
import { invalidRateGuard, predictionDriftGuard, ttfbGuard } from "./answer-guards";
import type { DriftCounts } from "./predictions";
import { usageGuardCount, usageGuards } from "./usage-guards";
import type { ArmWindow, HealthScope } from "./metrics";
import type { HealthSettings } from "./settings";

export const HEALTH_ACTIONS = ["hold", "advance", "rollback", "promote"] as const;
export type HealthAction = (typeof HEALTH_ACTIONS)[number];

/** Fixed vocabulary of reasons: a breached guard's name, or one of these. */
export type HealthReason =
  | GuardName
  | "insufficient_samples"
  | "no_control"
  | "guard_inconclusive"
  /** A check the stage must judge before it moves on has too few answers yet (awaitsJudgement). */
  | "answers_unjudged"
  | "blue_not_ready"
  | "min_duration"
  | "hold_time"
  | "healthy"
  | "not_active";

/** Where the control came from, in the order they are tried; "none" = no candidate had the minimum. */
export const CONTROL_KINDS = ["concurrent", "earlier_stages", "baseline", "none"] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

export interface AssessInput {
  now: number;
  rollout: RolloutRecord;
  scope: HealthScope;
  settings: HealthSettings;
  /** Green's requests: served ones, or in a shadow stage its mirrored answers. */
  green: ArmWindow;
  /** Mirrored pairs compared in this window (all stages), and how many agreed. */
  shadow: { pairs: number; agreements: number };
  /** Concurrent blue over the same window. */
  blue: ArmWindow;
  /** Blue of this rollout in any stage, recent ones (null when not read: concurrent blue sufficed). */
  earlier: ArmWindow | null;
  /** Blue before the rollout started, whatever rollout it belonged to (null when none was captured). */
  baseline: ArmWindow | null;
  /** Weighted counts slower than `exceedanceThresholds(...)` (same order), or null if not read. */
  above: { green: number[]; control: number[] } | null;
  /** Blue's readiness probe: null when the flag has no health URL. */
  blueReady: boolean | null;
  /** What the flag declares about its answers: a schema (invalid_rate), a prediction path (prediction_drift). */
  declares?: { schema: boolean; prediction: boolean };
  /** Predictions of control and green over shared categories; null while not measurable (no control predictions). */
  drift?: DriftCounts | null;
  /** Weighted counts of streamed answers slower than `ttfbThreshold(...)`, or null if not read. */
  aboveFirstByte?: { green: number; control: number } | null;
}

export interface Assessment {
  action: HealthAction;
  reason: HealthReason;
  scope: HealthScope;
  stageIndex: number;
  control: ControlKind;
  samples: { green: number; control: number; required: number };
  elapsedSeconds: number;
  guards: GuardFigure[];
  blueReady: boolean | null;
  alphaPerGuard: number;
}

/** The first candidate with the stage's minimum rows, most recent first: concurrent, earlier stages, baseline; else none. */
export function chooseControl(
  candidates: { blue: ArmWindow; earlier: ArmWindow | null; baseline: ArmWindow | null },
  required: number,
): { kind: ControlKind; arm: ArmWindow | null } {
  const { blue, earlier, baseline } = candidates;
  if (blue.rows >= required) return { kind: "concurrent", arm: blue };
  if (earlier && earlier.rows >= required) return { kind: "earlier_stages", arm: earlier };
  if (baseline && baseline.rows >= required) return { kind: "baseline", arm: baseline };
  return { kind: "none", arm: null };
}

export function requiredSamples(rollout: RolloutRecord): number {
  return currentStage(rollout)?.minSamples ?? Number.POSITIVE_INFINITY;
}

/** Latency thresholds the reader must count exceedances for: [p95 guard threshold, p99 cap]. */
export function exceedanceThresholds(settings: HealthSettings, control: ArmWindow | null): number[] {
  const p95 = control?.p95Ms ?? null;
  const { latencyP95Ratio, latencyMinMarginMs, maxP99Ms } = settings.guards;
  return [
    p95 === null ? Number.POSITIVE_INFINITY : latencyThreshold(latencyP95Ratio, latencyMinMarginMs, p95),
    maxP99Ms ?? Number.POSITIVE_INFINITY,
  ];
}

function runGuards(input: AssessInput, control: ArmWindow, alpha: number): GuardFigure[] {
  const { guards } = input.settings;
  const knobs = { alpha, tuningN: input.settings.tuningN, wideMarginFactor: input.settings.wideMarginFactor };
  const required = requiredSamples(input.rollout);
  const { pairs, agreements } = input.shadow;
  // `?? 0`: a baseline captured before answers were inspected has neither count.
  const answers = (arm: ArmWindow) =>
    input.declares?.schema ? { inspected: arm.inspected ?? 0, invalid: arm.invalid ?? 0 } : null;
  const figures = [
    errorCapGuard(guards.maxErrorRate, input.green, knobs),
    p99CapGuard(guards.maxP99Ms, input.green, input.above?.green[1] ?? null, knobs),
    shadowGuard(guards.shadowAgreementMin, pairs, agreements, required, knobs),
    feedbackGuard(guards.feedbackMaxDrop, control, input.green, input.settings.minFeedbackSamples, knobs),
    invalidRateGuard(guards, answers(control), answers(input.green), knobs),
    predictionDriftGuard(
      guards,
      input.declares?.prediction ? (input.drift ?? null) : null,
      knobs,
      input.declares?.prediction,
    ),
    ttfbGuard(guards, control, input.green, input.aboveFirstByte ?? null, required, knobs),
    ...usageGuards(guards, control, input.green, knobs),
  ];
  if (input.green.rows >= required) {
    figures.splice(
      2,
      0,
      rateGuard("error_rate", "errors", guards.errorRateRatio, guards.errorRateMinMargin, control, input.green, knobs),
      rateGuard(
        "timeout_rate",
        "timeouts",
        guards.timeoutRateRatio,
        guards.timeoutRateMinMargin,
        control,
        input.green,
        knobs,
      ),
      latencyGuard(
        control.p95Ms === null
          ? null
          : latencyThreshold(guards.latencyP95Ratio, guards.latencyMinMarginMs, control.p95Ms),
        control,
        input.green,
        input.above ? { control: input.above.control[0] ?? 0, green: input.above.green[0] ?? 0 } : null,
        knobs,
      ),
    );
  }
  return figures;
}

const streams = (arm: ArmWindow | null) => (arm?.streamed ?? 0) > 0;

/**
 * An `insufficient` guard that keeps the stage where it is (docs/design/answer-checks.md):
 * a check the flag turns on itself (schema, prediction path, usage ratio), and
 * ttfb_p95 while the control streams. In a shadow stage green's sample is its
 * mirrored answers: they are inspected and carry usage like served ones, so
 * those checks wait there too, but they are read whole, never timed to a
 * first byte, so ttfb_p95 cannot hold a shadow stage.
 */
function awaitsJudgement(figure: GuardFigure, controlStreams: boolean, shadowStage: boolean): boolean {
  if (figure.status !== "insufficient") return false;
  switch (figure.guard) {
    case "invalid_rate":
    case "prediction_drift":
    case "cost_per_request":
    case "output_tokens":
      return true;
    case "ttfb_p95":
      return controlStreams && !shadowStage;
    default:
      return false;
  }
}

export function assessHealth(input: AssessInput): Assessment {
  const { rollout, now, settings } = input;
  const required = requiredSamples(rollout);
  const chosen = chooseControl(input, required);
  const green = input.green.rows;
  const checks = {
    schema: input.declares?.schema === true,
    prediction: input.declares?.prediction === true,
    streams: streams(input.green) || streams(chosen.arm),
  };
  const tested = testedGuardCount(settings.guards, input.shadow.pairs, checks);
  const alpha = settings.alpha / (tested + usageGuardCount(settings.guards));
  const base = {
    scope: input.scope,
    stageIndex: rollout.stageIndex,
    control: chosen.kind,
    blueReady: input.blueReady,
    alphaPerGuard: alpha,
    samples: { green, control: chosen.arm?.rows ?? 0, required },
    elapsedSeconds: Math.max(0, Math.floor((now - rollout.stageStartedAt) / 1000)),
  };
  const result = (action: HealthAction, reason: HealthReason, guards: GuardFigure[] = []): Assessment => ({
    ...base,
    action,
    reason,
    guards,
  });

  if (rollout.state !== "active") return result("hold", "not_active");
  // Not one unlucky request: nothing is judged before both arms have the stage's minimum.
  if (green < required) return result("hold", "insufficient_samples");
  if (chosen.arm === null) return result("hold", "no_control");

  const guards = runGuards(input, chosen.arm, alpha);
  const breached = guards.find((guard) => guard.status === "breach");
  if (breached) return result("rollback", breached.guard, guards);
  const shadowStage = currentStage(rollout)?.mode === "shadow";
  const held = guards.some((g) => g.status === "suspect")
    ? "guard_inconclusive"
    : guards.some((g) => awaitsJudgement(g, streams(chosen.arm), shadowStage))
      ? "answers_unjudged"
      : null;
  // A segment scope never moves on by itself: it only holds, saying why.
  if (input.scope.kind === "rule") return result("hold", held ?? "healthy", guards);
  if (held) return result("hold", held, guards);
  if (input.blueReady === false) return result("hold", "blue_not_ready", guards);

  const last = rollout.stageIndex >= rollout.stages.length - 1;
  if (last)
    return holdElapsed(rollout, now) ? result("promote", "healthy", guards) : result("hold", "hold_time", guards);
  return stageMinimumsElapsed(rollout, now)
    ? result("advance", "healthy", guards)
    : result("hold", "min_duration", guards);
}
