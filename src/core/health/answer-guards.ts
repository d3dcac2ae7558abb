// Guards on what green answers, not on whether it answered: the share of
// invalid answers (a response contract the flag declares), the drift of
// its predicted values against control's, and how long a streamed answer
// keeps its user waiting for the first byte. Same contract as guards.ts: window
// aggregates in, one GuardFigure out; `breach` only with always-valid
// evidence (or an absolute cap exceeded by the wide margin), so re-judging
// every minute keeps the false-alarm rate within α. Pure: no I/O, no clock.
// The method is explained in docs/design/health-loop.md.
import { isWorse, populationStabilityIndex, sequentialHomogeneity, type CategoryCounts } from "../stats";
import {
  figure,
  latencyThreshold,
  oneSample,
  p95TailGuard,
  provenAbove,
  rate,
  twoSample,
  type GuardFigure,
  type GuardStatus,
  type StatsKnobs,
} from "./guards";
import type { ArmWindow } from "./metrics";
import type { GuardSettings } from "./settings";

/** Inspected answers of one arm and how many broke the contract (weighted counts). */
export interface AnswerArm {
  inspected: number;
  invalid: number;
}

type InvalidSettings = Pick<
  GuardSettings,
  "invalidRateRatio" | "invalidRateMinMargin" | "maxInvalidRate" | "minInspectedSamples"
>;

/**
 * Green's invalid share ≤ max(ratio × control's, control's + minMargin),
 * tested like error_rate; with `maxInvalidRate`, also an absolute cap that
 * green alone must be proven to exceed. `null` arms = no contract declared.
 */
export function invalidRateGuard(
  settings: InvalidSettings,
  control: AnswerArm | null,
  green: AnswerArm | null,
  knobs: StatsKnobs,
): GuardFigure {
  if (control === null || green === null) return figure("invalid_rate", "off");
  const c = rate(control.invalid, control.inspected);
  const g = rate(green.invalid, green.inspected);
  const threshold = Math.max(settings.invalidRateRatio * c, c + settings.invalidRateMinMargin);
  const required = settings.minInspectedSamples;
  if (control.inspected < required || green.inspected < required)
    return figure("invalid_rate", "insufficient", { green: g, control: c, threshold });
  const cap = settings.maxInvalidRate;
  if (cap !== null && g > cap) {
    if (g > cap * knobs.wideMarginFactor)
      return figure("invalid_rate", "breach", { green: g, control: c, threshold: cap, evidence: "wide_margin" });
    const proven = provenAbove(oneSample(green.invalid, green.inspected, knobs), cap);
    if (proven.holds)
      return figure("invalid_rate", "breach", {
        green: g,
        control: c,
        threshold: cap,
        pValue: proven.pValue,
        evidence: "sequential",
      });
  }
  const result = twoSample(control.invalid, control.inspected, green.invalid, green.inspected, knobs);
  const verdict = isWorse(result, { direction: "lower_is_better", margin: threshold - c });
  const status: GuardStatus = verdict.holds ? "breach" : g > threshold ? "suspect" : "ok";
  return figure("invalid_rate", status, {
    green: g,
    control: c,
    threshold,
    pValue: verdict.pValue,
    interval: [result.low, result.high],
    evidence: verdict.holds ? "sequential" : null,
  });
}

type DriftSettings = Pick<GuardSettings, "predictionDriftPsi" | "minInspectedSamples">;

/**
 * Predicted values of green against control's, as counts per category (labels,
 * or numbers in control's quantile bins). Breach needs both: a shift that
 * matters (PSI above the threshold) and evidence that it is real (the
 * always-valid homogeneity test), because PSI alone is biased upwards on
 * small samples and a significant difference alone may be too small to matter.
 * `green` in the figure is the PSI; `control` is always 0 (the reference).
 */
export function predictionDriftGuard(
  settings: DriftSettings,
  counts: CategoryCounts | null,
  knobs: StatsKnobs,
  /** A prediction path is declared: without counts (control predicted nothing yet) the guard waits. */
  declared = counts !== null,
): GuardFigure {
  if (counts === null)
    return figure("prediction_drift", declared ? "insufficient" : "off", {
      threshold: declared ? settings.predictionDriftPsi : null,
    });
  // Weighted counts are sums of integer sample intervals; rounding only guards the tests' integer contract.
  const whole = (values: readonly number[]) => values.map((v) => Math.max(0, Math.round(v)));
  counts = { control: whole(counts.control), green: whole(counts.green) };
  const psi = populationStabilityIndex(counts);
  const threshold = settings.predictionDriftPsi;
  const total = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const required = settings.minInspectedSamples;
  if (total(counts.control) < required || total(counts.green) < required)
    return figure("prediction_drift", "insufficient", { green: psi, control: 0, threshold });
  const test = sequentialHomogeneity(counts, { alpha: knobs.alpha, tuningN: knobs.tuningN });
  const proven = test.pValue < knobs.alpha;
  const status: GuardStatus = psi > threshold ? (proven ? "breach" : "suspect") : "ok";
  return figure("prediction_drift", status, {
    green: psi,
    control: 0,
    threshold,
    pValue: test.pValue,
    evidence: status === "breach" ? "sequential" : null,
  });
}

type TtfbSettings = Pick<GuardSettings, "ttfbP95Ratio" | "ttfbMinMarginMs">;

/** The time to first byte green's streamed answers must stay under at p95; null without control's p95. */
export function ttfbThreshold(settings: TtfbSettings, control: ArmWindow | null): number | null {
  const p95 = control?.ttfbP95Ms ?? null;
  return p95 === null ? null : latencyThreshold(settings.ttfbP95Ratio, settings.ttfbMinMarginMs, p95);
}

/**
 * Time to first byte of streamed answers, tested like latency_p95 (the share
 * of green's streamed answers slower than T against control's). Off when
 * neither arm streams; insufficient until both have `required` streamed answers.
 */
export function ttfbGuard(
  settings: TtfbSettings,
  control: ArmWindow,
  green: ArmWindow,
  above: { control: number; green: number } | null,
  required: number,
  knobs: StatsKnobs,
): GuardFigure {
  const streamedControl = control.streamed ?? 0;
  const streamedGreen = green.streamed ?? 0;
  if (streamedControl === 0 && streamedGreen === 0) return figure("ttfb_p95", "off");
  const threshold = ttfbThreshold(settings, control);
  if (streamedControl < required || streamedGreen < required)
    return figure("ttfb_p95", "insufficient", {
      green: green.ttfbP95Ms ?? null,
      control: control.ttfbP95Ms ?? null,
      threshold,
    });
  const sample = (arm: ArmWindow) => ({ p95Ms: arm.ttfbP95Ms ?? null, n: arm.streamed ?? 0 });
  return p95TailGuard("ttfb_p95", threshold, sample(control), sample(green), above, knobs);
}
