// Health-loop settings: the guards, caps and statistics knobs a flag can
// tune (stored under `health` in flags.settings JSON), with ONE named default
// for every number. Pure: parsing never throws — a bad or missing field logs
// nothing here and falls back to its default, so a typo can never disable the
// loop; `problems` lists what was ignored so the cron can report it.

export interface GuardSettings {
  /** Green error rate must stay ≤ ratio × control (blue) error rate. */
  errorRateRatio: number;
  /** Smallest absolute error-rate excess that counts (blue at 0 % would make any error a breach). */
  errorRateMinMargin: number;
  timeoutRateRatio: number;
  timeoutRateMinMargin: number;
  /** Green p95 latency must stay ≤ ratio × control p95. */
  latencyP95Ratio: number;
  /** Smallest p95 excess (ms) that counts: sub-millisecond blue p95s must not make jitter a breach. */
  latencyMinMarginMs: number;
  /** Shadow agreement (fraction of mirrored pairs that agree) must stay ≥ this. */
  shadowAgreementMin: number;
  /** Feedback success rate may drop by at most this (absolute); null = guard off. */
  feedbackMaxDrop: number | null;
  /** Absolute caps (null = off): green error rate and p99 latency. */
  maxErrorRate: number | null;
  maxP99Ms: number | null;
  /** Green's invalid-answer share must stay ≤ max(ratio × control's, control's + minMargin). */
  invalidRateRatio: number;
  invalidRateMinMargin: number;
  /** Absolute cap on green's invalid-answer share (null = off). */
  maxInvalidRate: number | null;
  /** Prediction drift: population stability index above which a proven shift rolls back. */
  predictionDriftPsi: number;
  /** Inspected answers per arm before invalid_rate and prediction_drift are judged. */
  minInspectedSamples: number;
  /** Streamed answers: green's time-to-first-byte p95 must stay ≤ max(ratio × control's, control's + minMargin). */
  ttfbP95Ratio: number;
  ttfbMinMarginMs: number;
  /** Green's mean cost per request must stay ≤ ratio × control's (null = guard off; usage-guards.ts). */
  costPerRequestRatio: number | null;
  /** Green's mean output tokens per request must stay ≤ ratio × control's (null = guard off). */
  outputTokensRatio: number | null;
  /** Answers with known usage per arm before cost_per_request and output_tokens are judged. */
  minUsageSamples: number;
}

export interface HealthSettings {
  guards: GuardSettings;
  /** Family-wise always-valid error level, split evenly across the statistical guards. */
  alpha: number;
  /** N* of the confidence sequences: total samples where they are tightest. */
  tuningN: number;
  /** A cap breached by this factor rolls back without waiting for a test. */
  wideMarginFactor: number;
  /** Feedback answers per arm before the feedback guard is judged. */
  minFeedbackSamples: number;
  /** Window before the rollout started that defines blue's baseline. */
  baselineLookbackSeconds: number;
  /** Blue's optional readiness probe (GET, 2xx = ready). */
  blueHealthUrl: string | null;
  readinessTimeoutMs: number;
  /** Webhook for non-hold decisions; the HMAC key is the secret named here. */
  webhook: { url: string; secretName: string } | null;
}

export const DEFAULT_GUARDS: Readonly<GuardSettings> = Object.freeze({
  errorRateRatio: 2,
  errorRateMinMargin: 0.005,
  timeoutRateRatio: 2,
  timeoutRateMinMargin: 0.005,
  latencyP95Ratio: 1.5,
  latencyMinMarginMs: 10,
  shadowAgreementMin: 0.85,
  feedbackMaxDrop: null,
  maxErrorRate: null,
  maxP99Ms: null,
  invalidRateRatio: 2,
  invalidRateMinMargin: 0.005,
  maxInvalidRate: null,
  predictionDriftPsi: 0.25,
  minInspectedSamples: 200,
  ttfbP95Ratio: 1.5,
  ttfbMinMarginMs: 10,
  costPerRequestRatio: null,
  outputTokensRatio: null,
  minUsageSamples: 200,
});

export const DEFAULT_HEALTH_SETTINGS: Readonly<HealthSettings> = Object.freeze({
  guards: DEFAULT_GUARDS,
  alpha: 0.05,
  tuningN: 5000,
  wideMarginFactor: 2,
  minFeedbackSamples: 100,
  baselineLookbackSeconds: 3600,
  blueHealthUrl: null,
  readinessTimeoutMs: 2000,
  webhook: null,
});

/** Default webhook secret name when a flag names none. */
export const DEFAULT_WEBHOOK_SECRET_NAME = "HEALTH_WEBHOOK_SECRET";

export interface ParsedSettings {
  settings: HealthSettings;
  problems: string[];
}

type Check = (value: unknown) => boolean;
const positive: Check = (v) => typeof v === "number" && Number.isFinite(v) && v > 0;
const fraction: Check = (v) => typeof v === "number" && v >= 0 && v <= 1;
const atLeastOne: Check = (v) => typeof v === "number" && Number.isFinite(v) && v >= 1;
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const httpUrl: Check = (v) => typeof v === "string" && /^https?:\/\/[^\s]+$/.test(v);

const GUARD_CHECKS: Record<keyof GuardSettings, Check> = {
  errorRateRatio: atLeastOne,
  errorRateMinMargin: fraction,
  timeoutRateRatio: atLeastOne,
  timeoutRateMinMargin: fraction,
  latencyP95Ratio: atLeastOne,
  latencyMinMarginMs: (v) => typeof v === "number" && v >= 0,
  shadowAgreementMin: fraction,
  feedbackMaxDrop: nullable(fraction),
  maxErrorRate: nullable(fraction),
  maxP99Ms: nullable(positive),
  invalidRateRatio: atLeastOne,
  invalidRateMinMargin: fraction,
  maxInvalidRate: nullable(fraction),
  predictionDriftPsi: positive,
  minInspectedSamples: atLeastOne,
  ttfbP95Ratio: atLeastOne,
  ttfbMinMarginMs: (v) => typeof v === "number" && v >= 0,
  costPerRequestRatio: nullable(atLeastOne),
  outputTokensRatio: nullable(atLeastOne),
  minUsageSamples: atLeastOne,
};

function pick<T extends object>(
  defaults: T,
  given: unknown,
  checks: Record<string, Check>,
  path: string,
  problems: string[],
): T {
  const result = { ...defaults } as Record<string, unknown>;
  if (given === undefined) return result as T;
  if (typeof given !== "object" || given === null) {
    problems.push(`${path}: not an object`);
    return result as T;
  }
  for (const [name, value] of Object.entries(given)) {
    const check = checks[name];
    if (!check) problems.push(`${path}.${name}: unknown setting`);
    else if (!check(value)) problems.push(`${path}.${name}: invalid value ${JSON.stringify(value)}`);
    else result[name] = value;
  }
  return result as T;
}

const TOP_CHECKS: Record<string, Check> = {
  guards: () => true,
  alpha: (v) => typeof v === "number" && v > 0 && v < 0.5,
  tuningN: positive,
  wideMarginFactor: atLeastOne,
  minFeedbackSamples: atLeastOne,
  baselineLookbackSeconds: positive,
  blueHealthUrl: nullable(httpUrl),
  readinessTimeoutMs: positive,
  webhook: (v) => v === null || (typeof v === "object" && httpUrl((v as { url?: unknown }).url)),
};

/** flags.settings JSON (whole object) → health settings with defaults filled in. */
export function parseHealthSettings(flagSettings: unknown): ParsedSettings {
  const problems: string[] = [];
  const health = (flagSettings as { health?: unknown } | null)?.health;
  const top = pick({ ...DEFAULT_HEALTH_SETTINGS }, health, TOP_CHECKS, "health", problems);
  const guards = pick(
    { ...DEFAULT_GUARDS },
    (health as { guards?: unknown } | undefined)?.guards,
    GUARD_CHECKS,
    "health.guards",
    problems,
  );
  const webhook =
    top.webhook === null
      ? null
      : {
          url: top.webhook.url,
          secretName:
            typeof top.webhook.secretName === "string" && top.webhook.secretName !== ""
              ? top.webhook.secretName
              : DEFAULT_WEBHOOK_SECRET_NAME,
        };
  return { settings: { ...top, guards, webhook }, problems };
}
