// Embedded metrics: window aggregates over the D1 `outcomes` table, in the
// shapes of core/health/metrics.ts. Measure only — no judging here.
// Groups are (variant, reason, rule, kind): kind "shadow" rows are green's
// mirrored answers, never mixed with served requests.
// Request rows have feedback_value NULL; feedback rows (POST /feedback) carry
// a value and count only towards feedback figures. Every row weighs 1 (the
// embedded store is not sampled), so `rows` equals `requests`.
// Quantiles are nearest-rank (the smallest latency whose rank ≥ q·n), via
// window functions so no latency list ever leaves D1.
import type { ExceedanceGroup, WindowGroup } from "../core/health";
import type { Variant } from "../core/types";
import { DECISION_ONLY_STAGE_PREFIX } from "../core/outcome";

export interface OutcomeWindow {
  flagKey: string;
  /** Exact rollout id, or null for rows served without a rollout (the baseline). */
  rolloutId: string | null;
  /** Stage label as recorded ("shadow", "serve:25", "none"), or null for any. */
  stage: string | null;
  fromMs: number;
  toMs: number;
}

// Decision-only rows (OFREP) never count toward health: they had no origin call.
const WHERE = `flag_key = ?1 AND ts >= ?2 AND ts < ?3 AND rollout_id IS ?4 AND (?5 IS NULL OR stage = ?5) AND stage NOT LIKE '${DECISION_ONLY_STAGE_PREFIX}%'`;
const GROUP = "variant, reason, rule_id, kind";

const AGGREGATES = `SELECT ${GROUP},
  SUM(feedback_value IS NULL) AS requests,
  SUM(CASE WHEN feedback_value IS NULL THEN error ELSE 0 END) AS errors,
  SUM(CASE WHEN feedback_value IS NULL THEN timeout ELSE 0 END) AS timeouts,
  SUM(CASE WHEN feedback_value IS NULL THEN latency_ms ELSE 0 END) AS latency_sum,
  SUM(feedback_value IS NULL AND shadow_agreement IS NOT NULL) AS shadow_pairs,
  SUM(CASE WHEN feedback_value IS NULL AND shadow_agreement IS NOT NULL THEN shadow_agreement ELSE 0 END) AS shadow_agreements,
  SUM(feedback_value IS NOT NULL) AS feedback_total,
  SUM(COALESCE(feedback_value, 0)) AS feedback_successes
FROM outcomes WHERE ${WHERE} GROUP BY ${GROUP}`;

const QUANTILES = `WITH ranked AS (
  SELECT ${GROUP}, latency_ms,
    ROW_NUMBER() OVER (PARTITION BY ${GROUP} ORDER BY latency_ms) AS k,
    COUNT(*) OVER (PARTITION BY ${GROUP}) AS n
  FROM outcomes WHERE ${WHERE} AND feedback_value IS NULL)
SELECT ${GROUP},
  MIN(CASE WHEN k >= n * 0.50 THEN latency_ms END) AS p50,
  MIN(CASE WHEN k >= n * 0.95 THEN latency_ms END) AS p95,
  MIN(CASE WHEN k >= n * 0.99 THEN latency_ms END) AS p99
FROM ranked GROUP BY ${GROUP}`;

interface AggregateRow {
  variant: string; reason: string; rule_id: string | null; kind: string;
  requests: number; errors: number; timeouts: number; latency_sum: number;
  shadow_pairs: number; shadow_agreements: number; feedback_total: number; feedback_successes: number;
}
interface QuantileRow { variant: string; reason: string; rule_id: string | null; kind: string; p50: number | null; p95: number | null; p99: number | null }

const keyOf = (row: { variant: string; reason: string; rule_id: string | null; kind: string }) => `${row.variant}|${row.reason}|${row.rule_id ?? ""}|${row.kind}`;
const kindOf = (value: unknown) => (value === "shadow" ? "shadow" : "served") as "served" | "shadow";
const bindWindow = (w: OutcomeWindow) => [w.flagKey, w.fromMs, w.toMs, w.rolloutId, w.stage];

export async function readOutcomeWindow(d1: D1Database, window: OutcomeWindow): Promise<WindowGroup[]> {
  const params = bindWindow(window);
  const [aggregates, quantiles] = await d1.batch([d1.prepare(AGGREGATES).bind(...params), d1.prepare(QUANTILES).bind(...params)]);
  const byKey = new Map((quantiles!.results as unknown as QuantileRow[]).map((row) => [keyOf(row), row]));
  return (aggregates!.results as unknown as AggregateRow[]).map((row) => {
    const q = byKey.get(keyOf(row));
    return {
      variant: row.variant as Variant, reason: row.reason, ruleId: row.rule_id, kind: kindOf(row.kind),
      metrics: {
        requests: row.requests, rows: row.requests, errors: row.errors, timeouts: row.timeouts, latencySumMs: row.latency_sum ?? 0,
        p50Ms: q?.p50 ?? null, p95Ms: q?.p95 ?? null, p99Ms: q?.p99 ?? null,
        shadowPairs: row.shadow_pairs, shadowAgreements: row.shadow_agreements,
        feedbackTotal: row.feedback_total, feedbackSuccesses: row.feedback_successes ?? 0,
      },
    };
  });
}

/** Requests slower than each threshold (non-finite thresholds count 0). */
export async function readOutcomeExceedances(d1: D1Database, window: OutcomeWindow, thresholdsMs: number[]): Promise<ExceedanceGroup[]> {
  const columns = thresholdsMs.map((_, i) => `SUM(CASE WHEN ?${6 + i} IS NOT NULL AND latency_ms > ?${6 + i} THEN 1 ELSE 0 END) AS above_${i}`);
  const sql = `SELECT ${GROUP}${columns.map((c) => `, ${c}`).join("")} FROM outcomes WHERE ${WHERE} AND feedback_value IS NULL GROUP BY ${GROUP}`;
  const bound = thresholdsMs.map((t) => (Number.isFinite(t) ? t : null));
  const { results } = await d1.prepare(sql).bind(...bindWindow(window), ...bound).all<Record<string, unknown>>();
  return results.map((row) => ({
    variant: row.variant as Variant, reason: String(row.reason), ruleId: (row.rule_id as string | null) ?? null, kind: kindOf(row.kind),
    above: thresholdsMs.map((_, i) => Number(row[`above_${i}`] ?? 0)),
  }));
}
