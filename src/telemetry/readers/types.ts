// MetricsReader: the one interface the health loop measures through (SPEC §5).
// Two implementations: Analytics Engine's SQL API (production) and the
// embedded D1 outcome store (dev, tests, small installs). Readers measure
// only: aggregates per (variant, reason, rule) group, never a verdict.
import type { ExceedanceGroup, WindowGroup } from "../../core/health";

export interface MetricsWindow {
  flagKey: string;
  /** Rows of this rollout, or null for rows served without a rollout (the baseline). */
  rolloutId: string | null;
  /** Stage label as recorded ("shadow", "serve:25"), or null for any stage. */
  stage: string | null;
  fromMs: number;
  toMs: number;
}

export interface MetricsReader {
  readonly kind: "embedded" | "analytics_engine";
  /** Aggregates per group over the window. */
  readWindow(window: MetricsWindow): Promise<WindowGroup[]>;
  /** Per group, how many requests were slower than each threshold (same order). */
  readExceedances(window: MetricsWindow, thresholdsMs: number[]): Promise<ExceedanceGroup[]>;
}

/** A reader failure with a tag the cron can record (never a stack in a decision). */
export class MetricsReadError extends Error {
  constructor(readonly code: "config_missing" | "timeout" | "http_error" | "bad_response" | "network", message: string) {
    super(message);
    this.name = "MetricsReadError";
  }
}
