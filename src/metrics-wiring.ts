// The control plane's view of outcomes: which MetricsReader reads them, from
// env. Kept apart from wiring.ts (the isolate services of the proxy path) so
// the router never bundles the readers, their SQL or the statistics behind them.
import type { Env } from "./env";
import type { MetricsReader } from "./ports";
import { createEmbeddedReader } from "./store/embedded-metrics-reader";
import { createAnalyticsEngineReader } from "./telemetry/readers/analytics-engine";

export const DEFAULT_AE_DATASET = "switchyard_outcomes";

/**
 * The reader outcomes are measured through: the health loop judges with it and
 * the admin API's answer figures report with it, so both see the same numbers.
 */
export function metricsReaderFor(env: Env): MetricsReader {
  const kind = env.METRICS_READER ?? (env.OUTCOMES_EMBEDDED === "1" ? "embedded" : "analytics_engine");
  if (kind === "embedded") return createEmbeddedReader(env.DB);
  return createAnalyticsEngineReader({
    accountId: env.CF_ACCOUNT_ID,
    apiToken: env.CF_API_TOKEN,
    dataset: env.AE_DATASET ?? DEFAULT_AE_DATASET,
  });
}
