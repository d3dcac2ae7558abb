// Reads one rollout stage's served SPLIT traffic from the embedded outcome
// store as per-arm aggregates (and per colo, for the Simpson check), in the
// shape analyzeExperiment expects. Shadow pairs, OFREP decisions and pinned
// or segment-matched traffic are excluded: only randomised assignment makes
// an experiment. Feedback rows (feedback_value set) count only as feedback.
// Client-aborted requests are not requests of either arm.
import { CLIENT_ABORTED } from "../core/outcome";
import { DECISION_ONLY_STAGE_PREFIX } from "../core/stage-label";
import type { UsageRow } from "../core/llm/usage-report";
import type { ArmMetrics, ArmPair } from "../core/stats/index";

/** Colos beyond this many (by traffic) are folded into "(other)". */
export const MAX_EXPERIMENT_SEGMENTS = 20;

const WHERE = `flag_key = ?1 AND rollout_id = ?2 AND stage = ?3 AND kind = 'served' AND reason = 'SPLIT'
  AND stage NOT LIKE '${DECISION_ONLY_STAGE_PREFIX}%' AND error_class IS NOT '${CLIENT_ABORTED}'`;

interface AggregateRow {
  variant: string;
  colo: string;
  requests: number;
  errors: number;
  timeouts: number;
  latency_sum: number;
  latency_sq: number;
  feedback_total: number;
  feedback_successes: number;
}

const EMPTY: ArmMetrics = {
  requests: 0,
  errors: 0,
  timeouts: 0,
  latencyMeanMs: 0,
  latencyVarMs2: 0,
  latencyP95Ms: 0,
  feedbackSuccesses: 0,
  feedbackTotal: 0,
};

function toArm(rows: AggregateRow[], p95: number): ArmMetrics {
  const sum = (field: keyof AggregateRow) => rows.reduce((total, row) => total + Number(row[field] ?? 0), 0);
  const n = sum("requests");
  const mean = n > 0 ? sum("latency_sum") / n : 0;
  const variance = n > 1 ? Math.max(0, (sum("latency_sq") - n * mean * mean) / (n - 1)) : 0;
  return {
    requests: n,
    errors: sum("errors"),
    timeouts: sum("timeouts"),
    latencyMeanMs: mean,
    latencyVarMs2: variance,
    latencyP95Ms: p95,
    feedbackSuccesses: sum("feedback_successes"),
    feedbackTotal: sum("feedback_total"),
  };
}

async function p95Of(
  d1: D1Database,
  params: unknown[],
  variant: string,
  n: number,
  colo: string | null,
): Promise<number> {
  if (n === 0) return 0;
  const row = await d1
    .prepare(
      `SELECT latency_ms FROM outcomes WHERE ${WHERE} AND variant = ?4 AND feedback_value IS NULL AND (?5 IS NULL OR colo = ?5)
     ORDER BY latency_ms LIMIT 1 OFFSET ?6`,
    )
    .bind(...params, variant, colo, Math.max(0, Math.ceil(0.95 * n) - 1))
    .first<{ latency_ms: number }>();
  return row?.latency_ms ?? 0;
}

export interface ExperimentData {
  arms: ArmPair<ArmMetrics>;
  segments: Record<string, ArmPair<ArmMetrics>>;
}

export async function readExperimentData(
  d1: D1Database,
  flagKey: string,
  rolloutId: string,
  stage: string,
): Promise<ExperimentData> {
  const params = [flagKey, rolloutId, stage];
  const { results } = await d1
    .prepare(
      `SELECT variant, colo,
       SUM(feedback_value IS NULL) AS requests,
       SUM(CASE WHEN feedback_value IS NULL THEN error ELSE 0 END) AS errors,
       SUM(CASE WHEN feedback_value IS NULL THEN timeout ELSE 0 END) AS timeouts,
       SUM(CASE WHEN feedback_value IS NULL THEN latency_ms ELSE 0 END) AS latency_sum,
       SUM(CASE WHEN feedback_value IS NULL THEN latency_ms * latency_ms ELSE 0 END) AS latency_sq,
       SUM(feedback_value IS NOT NULL) AS feedback_total,
       SUM(COALESCE(feedback_value, 0)) AS feedback_successes
     FROM outcomes WHERE ${WHERE} GROUP BY variant, colo`,
    )
    .bind(...params)
    .all<AggregateRow>();
  const byVariant = (variant: string) => results.filter((row) => row.variant === variant);
  const requestsOf = (rows: AggregateRow[]) => rows.reduce((total, row) => total + Number(row.requests), 0);
  const arms = {
    blue: toArm(byVariant("blue"), await p95Of(d1, params, "blue", requestsOf(byVariant("blue")), null)),
    green: toArm(byVariant("green"), await p95Of(d1, params, "green", requestsOf(byVariant("green")), null)),
  };
  const traffic = new Map<string, number>();
  for (const row of results) traffic.set(row.colo, (traffic.get(row.colo) ?? 0) + Number(row.requests));
  const top = [...traffic]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_EXPERIMENT_SEGMENTS)
    .map(([colo]) => colo);
  const segments: Record<string, ArmPair<ArmMetrics>> = {};
  for (const colo of top) {
    const pair: Partial<Record<"blue" | "green", ArmMetrics>> = {};
    for (const variant of ["blue", "green"] as const) {
      const rows = results.filter((row) => row.colo === colo && row.variant === variant);
      pair[variant] = rows.length ? toArm(rows, await p95Of(d1, params, variant, requestsOf(rows), colo)) : EMPTY;
    }
    segments[`colo:${colo}`] = pair as ArmPair<ArmMetrics>;
  }
  return { arms, segments };
}

/** Answers read per variant for the usage figures: bounds one report's work. */
export const USAGE_REPORT_MAX_ROWS = 50_000;

/**
 * Per variant, the newest answers of the stage whose usage was declared (one
 * row each, bounded); null when none was (a flag without `response.usage`).
 */
export async function readUsageRows(
  d1: D1Database,
  flagKey: string,
  rolloutId: string,
  stage: string,
): Promise<Record<"blue" | "green", UsageRow[]> | null> {
  const read = async (variant: string) => {
    const { results } = await d1
      .prepare(
        `SELECT usage, input_tokens, output_tokens, cost_usd, ttft_ms FROM outcomes
       WHERE ${WHERE} AND variant = ?4 AND feedback_value IS NULL AND usage IS NOT NULL ORDER BY ts DESC LIMIT ?5`,
      )
      .bind(flagKey, rolloutId, stage, variant, USAGE_REPORT_MAX_ROWS)
      .all<Record<string, unknown>>();
    const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));
    return results.map(
      (row): UsageRow => ({
        usage: row.usage === "known" ? "known" : "unknown",
        inputTokens: number(row.input_tokens),
        outputTokens: number(row.output_tokens),
        costUsd: number(row.cost_usd),
        ttftMs: number(row.ttft_ms),
      }),
    );
  };
  const [blue, green] = [await read("blue"), await read("green")];
  return blue.length + green.length === 0 ? null : { blue, green };
}
