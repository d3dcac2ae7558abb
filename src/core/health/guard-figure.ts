// What a guard says about green: the guards' names, the unit each one's
// figures are in, and the GuardFigure every guard returns (status + every
// number it used). Pure: types and constants only.
export const GUARD_NAMES = [
  "cap_error_rate",
  "cap_latency_p99",
  "error_rate",
  "timeout_rate",
  "latency_p95",
  "shadow_agreement",
  "feedback",
  "invalid_rate",
  "prediction_drift",
  "ttfb_p95",
  "cost_per_request",
  "output_tokens",
] as const;
export type GuardName = (typeof GUARD_NAMES)[number];

/** What a guard's figures (green, control, threshold) measure; readers choose how to print each. */
export type GuardUnit = "share" | "ms" | "psi" | "usd" | "tokens";

/** The unit of each guard's figures: a share 0–1, milliseconds, a PSI, US dollars per request, tokens per request. */
export const GUARD_UNITS: Readonly<Record<GuardName, GuardUnit>> = Object.freeze({
  cap_error_rate: "share",
  cap_latency_p99: "ms",
  error_rate: "share",
  timeout_rate: "share",
  latency_p95: "ms",
  shadow_agreement: "share",
  feedback: "share",
  invalid_rate: "share",
  prediction_drift: "psi",
  ttfb_p95: "ms",
  cost_per_request: "usd",
  output_tokens: "tokens",
});

export type GuardStatus = "ok" | "suspect" | "breach" | "insufficient" | "off";

export interface GuardFigure {
  guard: GuardName;
  status: GuardStatus;
  green: number | null;
  control: number | null;
  /** The value green must not cross (same unit as `green`: GUARD_UNITS). */
  threshold: number | null;
  pValue: number | null;
  /** Always-valid interval of the tested quantity, when a test ran. */
  interval: [number, number] | null;
  evidence: "sequential" | "wide_margin" | null;
}

export function figure(guard: GuardName, status: GuardStatus, values: Partial<GuardFigure> = {}): GuardFigure {
  return {
    guard,
    status,
    green: null,
    control: null,
    threshold: null,
    pValue: null,
    interval: null,
    evidence: null,
    ...values,
  };
}
