// One function per guard: control (blue) and green window aggregates in,
// a GuardFigure out (status + every number it used). Pure: no I/O, no clock.
// A guard says `breach` only with always-valid statistical evidence (the
// stats module's confidence sequences, safe to re-check every minute) or,
// for absolute caps, when the cap is exceeded by `wideMarginFactor`; a bad
// point estimate without evidence is only `suspect` (the loop holds).
import {
  asymptoticConfidenceSequence,
  isWorse,
  RATE_BOUNDS,
  sequentialPValueAt,
  sequentialProportionDiff,
  type SequentialResult,
} from "../stats";
import type { ArmWindow } from "./metrics";
import { figure, type GuardFigure, type GuardStatus } from "./guard-figure";

// The figure every guard returns, and how many of them run a test, have their
// own modules; re-exported so the guards' callers import from one place.
export * from "./guard-figure";
export * from "./tested-guards";

export interface StatsKnobs {
  /** α for this guard (the family-wise α split across guards). */
  alpha: number;
  tuningN: number;
  wideMarginFactor: number;
}

/** Quantile level behind the p95 guard and the p99 cap (their exceedance fractions). */
export const P95_TAIL = 0.05;
export const P99_TAIL = 0.01;

export const rate = (count: number, total: number) => (total > 0 ? count / total : 0);
const whole = (n: number) => Math.max(0, Math.round(n));

export function twoSample(
  controlHits: number,
  controlTotal: number,
  greenHits: number,
  greenTotal: number,
  knobs: StatsKnobs,
): SequentialResult {
  const totalA = whole(controlTotal);
  const totalB = whole(greenTotal);
  return sequentialProportionDiff({
    successesA: Math.min(whole(controlHits), totalA),
    totalA,
    successesB: Math.min(whole(greenHits), totalB),
    totalB,
    alpha: knobs.alpha,
    tuningN: knobs.tuningN,
  });
}

/** One-sample always-valid interval for a rate (Agresti–Caffo-style variance, never 0), within [0, 1]. */
export function oneSample(hits: number, total: number, knobs: StatsKnobs): SequentialResult {
  const n = Math.max(1, whole(total));
  const k = Math.min(whole(hits), n);
  const adjusted = (k + 1) / (n + 2);
  return asymptoticConfidenceSequence({
    estimate: k / n,
    variance: (adjusted * (1 - adjusted)) / n,
    n,
    alpha: knobs.alpha,
    tuningN: knobs.tuningN,
    bounds: RATE_BOUNDS,
  });
}

/** "rate > limit" established by a one-sample sequence (lower bound above the limit). */
export function provenAbove(result: SequentialResult, limit: number): { holds: boolean; pValue: number } {
  const pValue = result.estimate > limit ? sequentialPValueAt(result, limit) : 1;
  return { holds: pValue < result.alpha, pValue };
}

/** Error or timeout rate: green ≤ max(ratio × control, control + minMargin). */
export function rateGuard(
  guard: "error_rate" | "timeout_rate",
  field: "errors" | "timeouts",
  ratio: number,
  minMargin: number,
  control: ArmWindow,
  green: ArmWindow,
  knobs: StatsKnobs,
): GuardFigure {
  const c = rate(control[field], control.requests);
  const g = rate(green[field], green.requests);
  const threshold = Math.max(ratio * c, c + minMargin);
  const result = twoSample(control[field], control.requests, green[field], green.requests, knobs);
  const verdict = isWorse(result, { direction: "lower_is_better", margin: threshold - c });
  const status: GuardStatus = verdict.holds ? "breach" : g > threshold ? "suspect" : "ok";
  return figure(guard, status, {
    green: g,
    control: c,
    threshold,
    pValue: verdict.pValue,
    interval: [result.low, result.high],
    evidence: verdict.holds ? "sequential" : null,
  });
}

/**
 * p95 latency: green p95 > T = ratio × control p95 ⇔ more than 5 % of green's
 * requests are slower than T. That fraction is a proportion, so it gets the
 * same always-valid two-sample test as error rates (quantiles themselves
 * cannot be tested from aggregates). `above` are the counts slower than T.
 */
export function latencyThreshold(ratio: number, minMarginMs: number, controlP95Ms: number): number {
  return Math.max(ratio * controlP95Ms, controlP95Ms + minMarginMs);
}

export function latencyGuard(
  threshold: number | null,
  control: ArmWindow,
  green: ArmWindow,
  above: { control: number; green: number } | null,
  knobs: StatsKnobs,
): GuardFigure {
  const sample = (arm: ArmWindow) => ({ p95Ms: arm.p95Ms, n: arm.requests });
  return p95TailGuard("latency_p95", threshold, sample(control), sample(green), above, knobs);
}

/** One arm's p95 of a time and the (weighted) number of answers it was measured on. */
export interface TailSample {
  p95Ms: number | null;
  n: number;
}

/** The p95 test behind latency_p95 and ttfb_p95: the share above T, green vs control (see latencyThreshold). */
export function p95TailGuard(
  guard: "latency_p95" | "ttfb_p95",
  threshold: number | null,
  control: TailSample,
  green: TailSample,
  above: { control: number; green: number } | null,
  knobs: StatsKnobs,
): GuardFigure {
  if (threshold === null || control.p95Ms === null || green.p95Ms === null) return figure(guard, "insufficient");
  const pointBad = green.p95Ms > threshold;
  if (above === null)
    return figure(guard, pointBad ? "suspect" : "ok", {
      green: green.p95Ms,
      control: control.p95Ms,
      threshold,
    });
  const controlTail = rate(above.control, control.n);
  const result = twoSample(above.control, control.n, above.green, green.n, knobs);
  const verdict = isWorse(result, { direction: "lower_is_better", margin: Math.max(0, P95_TAIL - controlTail) });
  const status: GuardStatus = verdict.holds ? "breach" : pointBad ? "suspect" : "ok";
  return figure(guard, status, {
    green: green.p95Ms,
    control: control.p95Ms,
    threshold,
    pValue: verdict.pValue,
    interval: [result.low, result.high],
    evidence: verdict.holds ? "sequential" : null,
  });
}

/** Shadow agreement ≥ min, judged on mirrored pairs (one-sample; blue is the reference by definition). */
export function shadowGuard(
  min: number,
  pairs: number,
  agreements: number,
  required: number,
  knobs: StatsKnobs,
): GuardFigure {
  if (pairs === 0) return figure("shadow_agreement", "off");
  const agreement = rate(agreements, pairs);
  if (pairs < required) return figure("shadow_agreement", "insufficient", { green: agreement, threshold: min });
  const result = oneSample(agreements, pairs, knobs);
  const pValue = result.estimate < min ? sequentialPValueAt(result, min) : 1;
  const holds = pValue < knobs.alpha;
  return figure("shadow_agreement", holds ? "breach" : agreement < min ? "suspect" : "ok", {
    green: agreement,
    threshold: min,
    pValue,
    interval: [result.low, result.high],
    evidence: holds ? "sequential" : null,
  });
}

/** Feedback success rate may not drop by more than `maxDrop` (absolute) versus control. */
export function feedbackGuard(
  maxDrop: number | null,
  control: ArmWindow,
  green: ArmWindow,
  required: number,
  knobs: StatsKnobs,
): GuardFigure {
  if (maxDrop === null) return figure("feedback", "off");
  const c = rate(control.feedbackSuccesses, control.feedbackTotal);
  const g = rate(green.feedbackSuccesses, green.feedbackTotal);
  if (control.feedbackTotal < required || green.feedbackTotal < required)
    return figure("feedback", "insufficient", { green: g, control: c, threshold: c - maxDrop });
  const result = twoSample(
    control.feedbackSuccesses,
    control.feedbackTotal,
    green.feedbackSuccesses,
    green.feedbackTotal,
    knobs,
  );
  const verdict = isWorse(result, { direction: "higher_is_better", margin: maxDrop });
  const status: GuardStatus = verdict.holds ? "breach" : g < c - maxDrop ? "suspect" : "ok";
  return figure("feedback", status, {
    green: g,
    control: c,
    threshold: c - maxDrop,
    pValue: verdict.pValue,
    interval: [result.low, result.high],
    evidence: verdict.holds ? "sequential" : null,
  });
}

/** Absolute error-rate cap: wide-margin breach at once, otherwise needs a one-sample test. */
export function errorCapGuard(cap: number | null, green: ArmWindow, knobs: StatsKnobs): GuardFigure {
  if (cap === null) return figure("cap_error_rate", "off");
  const g = rate(green.errors, green.requests);
  if (g > cap * knobs.wideMarginFactor && g > 0)
    return figure("cap_error_rate", "breach", { green: g, threshold: cap, evidence: "wide_margin" });
  const result = oneSample(green.errors, green.requests, knobs);
  const proven = provenAbove(result, cap);
  return figure("cap_error_rate", proven.holds ? "breach" : g > cap ? "suspect" : "ok", {
    green: g,
    threshold: cap,
    pValue: proven.pValue,
    interval: [result.low, result.high],
    evidence: proven.holds ? "sequential" : null,
  });
}

/** Absolute p99 cap: wide-margin breach at once, else "more than 1 % slower than the cap" must be proven. */
export function p99CapGuard(
  capMs: number | null,
  green: ArmWindow,
  greenAboveCap: number | null,
  knobs: StatsKnobs,
): GuardFigure {
  if (capMs === null) return figure("cap_latency_p99", "off");
  if (green.p99Ms === null) return figure("cap_latency_p99", "insufficient", { threshold: capMs });
  if (green.p99Ms > capMs * knobs.wideMarginFactor)
    return figure("cap_latency_p99", "breach", { green: green.p99Ms, threshold: capMs, evidence: "wide_margin" });
  const pointBad = green.p99Ms > capMs;
  if (greenAboveCap === null)
    return figure("cap_latency_p99", pointBad ? "suspect" : "ok", { green: green.p99Ms, threshold: capMs });
  const result = oneSample(greenAboveCap, green.requests, knobs);
  const proven = provenAbove(result, P99_TAIL);
  return figure("cap_latency_p99", proven.holds ? "breach" : pointBad ? "suspect" : "ok", {
    green: green.p99Ms,
    threshold: capMs,
    pValue: proven.pValue,
    interval: [result.low, result.high],
    evidence: proven.holds ? "sequential" : null,
  });
}
