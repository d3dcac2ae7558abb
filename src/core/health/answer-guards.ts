// Guards on what green answers, not on whether it answered: the share of
// invalid answers (a response contract the flag declares) and the drift of
// its predicted values against control's. Same contract as guards.ts: window
// aggregates in, one GuardFigure out; `breach` only with always-valid
// evidence (or an absolute cap exceeded by the wide margin), so re-judging
// every minute keeps the false-alarm rate within α. Pure: no I/O, no clock.
// The method is explained in docs/design/health-loop.md.
import { isWorse, populationStabilityIndex, sequentialHomogeneity, type CategoryCounts } from "../stats";
import {
  figure,
  oneSample,
  provenAbove,
  rate,
  twoSample,
  type GuardFigure,
  type GuardStatus,
  type StatsKnobs,
} from "./guards";
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
): GuardFigure {
  if (counts === null) return figure("prediction_drift", "off");
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
