// Production MetricsReader: Workers Analytics Engine SQL API. Builds the
// window queries from the one data-point layout (outcome-layout.ts) and
// weights every count, sum and quantile by `_sample_interval` (AE samples
// under load; one stored row may stand for many requests), while also
// returning raw row counts so decisions can require enough real rows.
// Owns: SQL text, HTTP (timeout per attempt, retries with backoff on 429/5xx/
// network), parsing AE's JSON format. Never judges; never logs the token.
import type { ExceedanceGroup, WindowGroup } from "../../core/health";
import type { OutcomeKind } from "../../core/outcome";
import type { Variant } from "../../core/types";
import { BLOB, DOUBLE, NO_VALUE, column } from "../outcome-layout";
import type { MetricsReader, MetricsWindow } from "../../ports";
import { MetricsReadError } from "./metrics-read-error";
import { CLIENT_ABORTED } from "../../core/outcome";
import { DECISION_ONLY_STAGE_PREFIX } from "../../core/stage-label";
import { SHADOW_SKIP_REASONS } from "../../core/shadow/report";

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

const b = (name: keyof typeof BLOB) => column("blob", BLOB[name]);
const d = (name: keyof typeof DOUBLE) => column("double", DOUBLE[name]);
const IS_REQUEST = `${d("feedbackValue")} = ${NO_VALUE}`;
const IS_FEEDBACK = `${d("feedbackValue")} != ${NO_VALUE}`;
const W = "_sample_interval";

/** AE SQL string literal: quotes and backslashes escaped; control characters refused. */
export function sqlString(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f]/.test(value))
    throw new MetricsReadError("bad_response", "refusing a control character in a query literal");
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function whereOf(window: MetricsWindow, dataset: string, extra: string | null): string {
  // No rollout is stored as ""; `{ any: true }` keeps rows of any rollout or none.
  const anyRollout = typeof window.rolloutId === "object" && window.rolloutId !== null;
  const conditions = [
    `index1 = ${sqlString(window.flagKey)}`,
    ...(anyRollout
      ? []
      : [`${b("rolloutId")} = ${sqlString(typeof window.rolloutId === "string" ? window.rolloutId : "")}`]),
    `timestamp >= toDateTime(${Math.floor(window.fromMs / 1000)})`,
    `timestamp < toDateTime(${Math.ceil(window.toMs / 1000)})`,
  ];
  if (window.stage !== null) conditions.push(`${b("stage")} = ${sqlString(window.stage)}`);
  // Decision-only points (OFREP) had no origin call and never count toward health.
  conditions.push(`NOT startsWith(${b("stage")}, ${sqlString(DECISION_ONLY_STAGE_PREFIX)})`);
  // Skipped shadow pairs (green never called) carry no latency or error figures.
  conditions.push(
    `NOT (${b("kind")} = 'shadow' AND ${b("comparatorReason")} IN (${SHADOW_SKIP_REASONS.map(sqlString).join(", ")}))`,
  );
  // A client that went away before the body ended says nothing about either variant: not a request.
  conditions.push(`${b("errorClass")} != ${sqlString(CLIENT_ABORTED)}`);
  if (extra) conditions.push(extra);
  return `FROM ${dataset} WHERE ${conditions.join(" AND ")} GROUP BY variant, reason, rule, kind FORMAT JSON`;
}

const GROUP_COLUMNS = `${b("variant")} AS variant, ${b("reason")} AS reason, ${b("rule")} AS rule, ${b("kind")} AS kind`;

export function aggregatesQuery(window: MetricsWindow, dataset: string): string {
  const req = (expr: string) => `sum(if(${IS_REQUEST}, ${expr}, 0))`;
  const pair = `${IS_REQUEST} AND ${d("shadowAgreement")} >= 0`;
  return (
    `SELECT ${GROUP_COLUMNS}, ${req(W)} AS requests, ${req("1")} AS raw_rows, ${req(`${W} * ${d("error")}`)} AS errors, ` +
    `${req(`${W} * ${d("timeout")}`)} AS timeouts, ${req(`${W} * ${d("latencyMs")}`)} AS latency_sum, ` +
    `sum(if(${pair}, ${W}, 0)) AS shadow_pairs, sum(if(${pair}, ${W} * ${d("shadowAgreement")}, 0)) AS shadow_agreements, ` +
    `sum(if(${IS_FEEDBACK}, ${W}, 0)) AS feedback_total, sum(if(${IS_FEEDBACK}, ${W} * ${d("feedbackValue")}, 0)) AS feedback_successes, ` +
    `${req(`if(${b("inspection")} IN ('valid', 'invalid'), ${W}, 0)`)} AS inspected, ${req(`if(${b("inspection")} = 'invalid', ${W}, 0)`)} AS invalid, ` +
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

export function exceedanceQuery(window: MetricsWindow, dataset: string, thresholdsMs: number[]): string {
  const columns = thresholdsMs.map((t, i) =>
    Number.isFinite(t) ? `sum(if(${d("latencyMs")} > ${t}, ${W}, 0)) AS above_${i}` : `0 AS above_${i}`,
  );
  return `SELECT ${GROUP_COLUMNS}, ${columns.join(", ")} ${whereOf(window, dataset, IS_REQUEST)}`;
}

type Row = Record<string, unknown>;
const num = (value: unknown): number => {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
};
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined || value === "" ? null : Number.isFinite(Number(value)) ? Number(value) : null;
const keyOf = (row: Row) => `${row.variant}|${row.reason}|${row.rule}|${row.kind}`;
// Points written before the kind blob existed read as "": they were served requests.
const sliceOf = (row: Row) => ({
  variant: String(row.variant) as Variant,
  reason: String(row.reason),
  ruleId: row.rule ? String(row.rule) : null,
  kind: (row.kind === "shadow" ? "shadow" : "served") as OutcomeKind,
});

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
    async readExceedances(window, thresholdsMs): Promise<ExceedanceGroup[]> {
      const rows = await query(exceedanceQuery(window, options.dataset, thresholdsMs));
      return rows.map((row) => ({ ...sliceOf(row), above: thresholdsMs.map((_, i) => num(row[`above_${i}`])) }));
    },
  };
}
