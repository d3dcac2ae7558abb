// Production MetricsReader: Workers Analytics Engine SQL API. Builds the
// window queries from the one data-point layout (outcome-layout.ts) and
// weights every count, sum and quantile by `_sample_interval` (AE samples
// under load; one stored row may stand for many requests), while also
// returning raw row counts so decisions can require enough real rows.
// Owns: SQL text, HTTP (timeout per attempt, retries with backoff on 429/5xx/
// network), parsing AE's JSON format. Never judges; never logs the token.
import type { ExceedanceGroup, ExceedanceMetric, WindowGroup } from "../../core/health";
import type { MetricsReader, MetricsWindow } from "../../ports";
import {
  GROUP_COLUMNS,
  IS_FEEDBACK,
  IS_REQUEST,
  W,
  b,
  d,
  keyOf,
  num,
  numOrNull,
  sliceOf,
  whereOf,
  type Row,
} from "./ae-sql";
import { readPredictions } from "./analytics-engine-predictions";
import { MetricsReadError } from "./metrics-read-error";

export { sqlString } from "./ae-sql";

export interface AnalyticsEngineReaderOptions {
  accountId: string | undefined;
  apiToken: string | undefined;
  dataset: string;
  /** Defaults to Cloudflare's API; tests point it at a fake. */
  apiBase?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  attempts?: number;
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const AE_DEFAULTS = {
  apiBase: "https://api.cloudflare.com/client/v4",
  timeoutMs: 10_000,
  attempts: 3,
  backoffMs: 250,
} as const;

export function aggregatesQuery(window: MetricsWindow, dataset: string): string {
  const req = (expr: string) => `sum(if(${IS_REQUEST}, ${expr}, 0))`;
  const pair = `${IS_REQUEST} AND ${d("shadowAgreement")} >= 0`;
  return (
    `SELECT ${GROUP_COLUMNS}, ${req(W)} AS requests, ${req("1")} AS raw_rows, ${req(`${W} * ${d("error")}`)} AS errors, ` +
    `${req(`${W} * ${d("timeout")}`)} AS timeouts, ${req(`${W} * ${d("latencyMs")}`)} AS latency_sum, ` +
    `sum(if(${pair}, ${W}, 0)) AS shadow_pairs, sum(if(${pair}, ${W} * ${d("shadowAgreement")}, 0)) AS shadow_agreements, ` +
    `sum(if(${IS_FEEDBACK}, ${W}, 0)) AS feedback_total, sum(if(${IS_FEEDBACK}, ${W} * ${d("feedbackValue")}, 0)) AS feedback_successes, ` +
    `${req(`if(${b("inspection")} IN ('valid', 'invalid'), ${W}, 0)`)} AS inspected, ${req(`if(${b("inspection")} = 'invalid', ${W}, 0)`)} AS invalid, ` +
    `${req(`${W} * ${d("streamed")}`)} AS streamed, ` +
    usageColumns(req) +
    whereOf(window, dataset, null)
  );
}

/** Chat-completion usage sums over answers whose usage (or cost) is known: an unknown one is never a zero. */
function usageColumns(req: (expr: string) => string): string {
  const known = `${b("usage")} = 'known'`;
  const costed = `${d("costUsd")} >= 0`;
  const [input, output, cost] = [d("inputTokens"), d("outputTokens"), d("costUsd")];
  return (
    `${req(`if(${known}, ${W}, 0)`)} AS usage_known, ${req(`if(${known}, ${W} * ${input}, 0)`)} AS input_tokens_sum, ` +
    `${req(`if(${known}, ${W} * ${output}, 0)`)} AS output_tokens_sum, ` +
    `${req(`if(${known}, ${W} * ${output} * ${output}, 0)`)} AS output_tokens_sum_sq, ` +
    `${req(`if(${costed}, ${W}, 0)`)} AS cost_known, ${req(`if(${costed}, ${W} * ${cost}, 0)`)} AS cost_sum, ` +
    `${req(`if(${costed}, ${W} * ${cost} * ${cost}, 0)`)} AS cost_sum_sq `
  );
}

export function quantilesQuery(window: MetricsWindow, dataset: string): string {
  const q = (level: number) => `quantileExactWeighted(${level})(${d("latencyMs")}, ${W})`;
  return `SELECT ${GROUP_COLUMNS}, ${q(0.5)} AS p50, ${q(0.95)} AS p95, ${q(0.99)} AS p99 ${whereOf(window, dataset, IS_REQUEST)}`;
}

// Time to first byte is judged on streamed answers only (core/outcome.ts isStreamedAnswer).
const STREAMED = `${IS_REQUEST} AND ${d("streamed")} = 1 AND ${d("firstByteMs")} >= 0`;

export function ttfbQuery(window: MetricsWindow, dataset: string): string {
  return `SELECT ${GROUP_COLUMNS}, quantileExactWeighted(0.95)(${d("firstByteMs")}, ${W}) AS ttfb_p95 ${whereOf(window, dataset, STREAMED)}`;
}

export function exceedanceQuery(
  window: MetricsWindow,
  dataset: string,
  thresholdsMs: number[],
  metric: ExceedanceMetric = "latency",
): string {
  const value = metric === "first_byte" ? d("firstByteMs") : d("latencyMs");
  const columns = thresholdsMs.map((t, i) =>
    Number.isFinite(t) ? `sum(if(${value} > ${t}, ${W}, 0)) AS above_${i}` : `0 AS above_${i}`,
  );
  const rows = metric === "first_byte" ? STREAMED : IS_REQUEST;
  return `SELECT ${GROUP_COLUMNS}, ${columns.join(", ")} ${whereOf(window, dataset, rows)}`;
}

export function createAnalyticsEngineReader(options: AnalyticsEngineReaderOptions): MetricsReader {
  const apiBase = options.apiBase ?? AE_DEFAULTS.apiBase;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const attempts = options.attempts ?? AE_DEFAULTS.attempts;
  const sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function query(sql: string): Promise<Row[]> {
    if (!options.accountId || !options.apiToken)
      throw new MetricsReadError("config_missing", "Analytics Engine reader needs CF_ACCOUNT_ID and CF_API_TOKEN");
    const url = `${apiBase}/accounts/${encodeURIComponent(options.accountId)}/analytics_engine/sql`;
    let last: MetricsReadError = new MetricsReadError("network", "no attempt made");
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep((options.backoffMs ?? AE_DEFAULTS.backoffMs) * 2 ** (attempt - 1));
      let response: Response;
      try {
        response = await doFetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${options.apiToken}` },
          body: sql,
          signal: AbortSignal.timeout(options.timeoutMs ?? AE_DEFAULTS.timeoutMs),
        });
      } catch (error) {
        const timedOut =
          (error as { name?: string }).name === "TimeoutError" || (error as { name?: string }).name === "AbortError";
        last = new MetricsReadError(
          timedOut ? "timeout" : "network",
          `Analytics Engine SQL API ${timedOut ? "timed out" : "unreachable"}: ${String((error as Error).message ?? error)}`,
        );
        continue;
      }
      const text = await response.text();
      if (!response.ok) {
        last = new MetricsReadError(
          "http_error",
          `Analytics Engine SQL API answered ${response.status}: ${text.slice(0, 300)}`,
        );
        if (response.status === 429 || response.status >= 500) continue;
        throw last;
      }
      try {
        const body = JSON.parse(text) as { data?: unknown };
        if (!Array.isArray(body.data)) throw new Error("no data array");
        return body.data as Row[];
      } catch (error) {
        throw new MetricsReadError(
          "bad_response",
          `Analytics Engine SQL API returned an unexpected body: ${String((error as Error).message)}`,
        );
      }
    }
    throw last;
  }

  return {
    kind: "analytics_engine",
    async readWindow(window) {
      const [aggregates, quantiles] = await Promise.all([
        query(aggregatesQuery(window, options.dataset)),
        query(quantilesQuery(window, options.dataset)),
      ]);
      const byKey = new Map(quantiles.map((row) => [keyOf(row), row]));
      // One more query only when the window has streamed answers: most flags never stream.
      const ttfb = aggregates.some((row) => num(row.streamed) > 0)
        ? new Map((await query(ttfbQuery(window, options.dataset))).map((row) => [keyOf(row), row.ttfb_p95]))
        : null;
      return aggregates.map((row): WindowGroup => {
        const q = byKey.get(keyOf(row));
        return {
          ...sliceOf(row),
          metrics: {
            requests: num(row.requests),
            rows: num(row.raw_rows),
            errors: num(row.errors),
            timeouts: num(row.timeouts),
            latencySumMs: num(row.latency_sum),
            p50Ms: numOrNull(q?.p50),
            p95Ms: numOrNull(q?.p95),
            p99Ms: numOrNull(q?.p99),
            shadowPairs: num(row.shadow_pairs),
            shadowAgreements: num(row.shadow_agreements),
            feedbackTotal: num(row.feedback_total),
            feedbackSuccesses: num(row.feedback_successes),
            inspected: num(row.inspected),
            invalid: num(row.invalid),
            streamed: num(row.streamed),
            ttfbP95Ms: numOrNull(ttfb?.get(keyOf(row))),
            usageKnown: num(row.usage_known),
            inputTokensSum: num(row.input_tokens_sum),
            outputTokensSum: num(row.output_tokens_sum),
            outputTokensSumSq: num(row.output_tokens_sum_sq),
            costKnown: num(row.cost_known),
            costSum: num(row.cost_sum),
            costSumSq: num(row.cost_sum_sq),
          },
        };
      });
    },
    async readExceedances(window, thresholdsMs, metric = "latency"): Promise<ExceedanceGroup[]> {
      const rows = await query(exceedanceQuery(window, options.dataset, thresholdsMs, metric));
      return rows.map((row) => ({ ...sliceOf(row), above: thresholdsMs.map((_, i) => num(row[`above_${i}`])) }));
    },
    readPredictions: (window, edges) => readPredictions(query, window, options.dataset, edges),
  };
}
