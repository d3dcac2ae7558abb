// Time-bucketed outcome series for charts (dashboard, CLI): per bucket and
// variant the served requests, errors, timeouts and nearest-rank p95 latency
// over the embedded D1 `outcomes` table. Measure only — no judging, no
// filling of empty buckets (the caller knows the window it asked for).
// Only served request rows count: shadow rows (kind = 'shadow') are green's
// mirrored answers and feedback rows (feedback_value NOT NULL) are not requests.
// p95 uses the same nearest-rank rule as metrics-repo (smallest latency whose
// rank ≥ 0.95·n), computed in D1 so no latency list leaves the database.
// Decision-only rows (OFREP evaluations, stage "ofrep:*") had no origin call:
// their zero latency and errors are excluded, as in the health metrics, and
// so are client-aborted rows (not requests of either variant). Cost sums only
// requests whose cost is known (an unknown usage is never a zero cost).
import { CLIENT_ABORTED } from "../core/outcome";
import { DECISION_ONLY_STAGE_PREFIX } from "../core/stage-label";

export interface SeriesWindow {
  flagKey: string;
  /** Inclusive start; bucket i covers [fromMs + i·bucketMs, fromMs + (i+1)·bucketMs). */
  fromMs: number;
  /** Exclusive end. */
  toMs: number;
  bucketMs: number;
}

export interface SeriesPoint {
  bucket: number;
  variant: string;
  requests: number;
  errors: number;
  timeouts: number;
  p95Ms: number | null;
  /** Requests whose cost is known (usage read and the origin priced), and the sum of their cost in USD. */
  costKnown: number;
  costUsd: number;
}

const SERIES = `WITH rows AS (
  SELECT CAST((ts - ?2) / ?4 AS INTEGER) AS bucket, variant, error, timeout, latency_ms, cost_usd
  FROM outcomes
  WHERE flag_key = ?1 AND ts >= ?2 AND ts < ?3 AND kind = 'served' AND feedback_value IS NULL
    AND stage NOT LIKE '${DECISION_ONLY_STAGE_PREFIX}%' AND error_class IS NOT '${CLIENT_ABORTED}'),
ranked AS (
  SELECT bucket, variant, error, timeout, latency_ms, cost_usd,
    ROW_NUMBER() OVER (PARTITION BY bucket, variant ORDER BY latency_ms) AS k,
    COUNT(*) OVER (PARTITION BY bucket, variant) AS n
  FROM rows)
SELECT bucket, variant, COUNT(*) AS requests, SUM(error) AS errors, SUM(timeout) AS timeouts,
  MIN(CASE WHEN k >= n * 0.95 THEN latency_ms END) AS p95,
  SUM(cost_usd IS NOT NULL) AS cost_known, SUM(COALESCE(cost_usd, 0)) AS cost_sum
FROM ranked GROUP BY bucket, variant ORDER BY bucket, variant`;

interface SeriesRow {
  bucket: number;
  variant: string;
  requests: number;
  errors: number;
  timeouts: number;
  p95: number | null;
  cost_known: number | null;
  cost_sum: number | null;
}

export async function readFlagSeries(d1: D1Database, window: SeriesWindow): Promise<SeriesPoint[]> {
  const { results } = await d1
    .prepare(SERIES)
    .bind(window.flagKey, window.fromMs, window.toMs, window.bucketMs)
    .all<SeriesRow>();
  return results.map((row) => ({
    bucket: Number(row.bucket),
    variant: row.variant,
    requests: Number(row.requests),
    errors: Number(row.errors ?? 0),
    timeouts: Number(row.timeouts ?? 0),
    p95Ms: row.p95 === null ? null : Number(row.p95),
    costKnown: Number(row.cost_known ?? 0),
    costUsd: Number(row.cost_sum ?? 0),
  }));
}
