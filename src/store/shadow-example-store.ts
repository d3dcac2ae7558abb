// Disagreement examples from shadow mode: inserted from the mirror's
// background task, read by the shadow report, pruned by the cron so the
// table stays bounded (age and a per-flag row cap).
import type { ShadowPair } from "../core/shadow/report";
import type { ShadowExample, ShadowExampleSink } from "../ports";

export const EXAMPLE_RETENTION_MS = 7 * 24 * 3600 * 1000;
export const EXAMPLES_PER_FLAG = 500;

export function createShadowExampleStore(d1: D1Database): ShadowExampleSink {
  return {
    async save(e: ShadowExample) {
      await d1
        .prepare(
          `INSERT INTO shadow_examples (flag_key, rollout_id, request_id, ts, reason, similarity, blue_status, green_status, blue_latency_ms, green_latency_ms, blue_body, green_body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(
          e.flagKey,
          e.rolloutId,
          e.requestId,
          e.timestampMs,
          e.reason,
          e.similarity,
          e.blueStatus,
          e.greenStatus,
          e.blueLatencyMs,
          e.greenLatencyMs,
          e.blueBody,
          e.greenBody,
        )
        .run();
    },
  };
}

export async function listShadowExamples(
  d1: D1Database,
  flagKey: string,
  rolloutId: string | null,
  limit: number,
): Promise<ShadowExample[]> {
  const rows = await d1
    .prepare(
      `SELECT flag_key, rollout_id, request_id, ts, reason, similarity, blue_status, green_status, blue_latency_ms, green_latency_ms, blue_body, green_body
     FROM shadow_examples WHERE flag_key = ? AND (? IS NULL OR rollout_id = ?) ORDER BY similarity ASC, ts DESC LIMIT ?`,
    )
    .bind(flagKey, rolloutId, rolloutId, limit)
    .all<Record<string, unknown>>();
  return rows.results.map((r) => ({
    flagKey: String(r.flag_key),
    rolloutId: (r.rollout_id as string | null) ?? null,
    requestId: String(r.request_id),
    timestampMs: Number(r.ts),
    reason: String(r.reason),
    similarity: Number(r.similarity),
    blueStatus: Number(r.blue_status),
    greenStatus: Number(r.green_status),
    blueLatencyMs: Number(r.blue_latency_ms),
    greenLatencyMs: Number(r.green_latency_ms),
    blueBody: String(r.blue_body),
    greenBody: String(r.green_body),
  }));
}

/** Deletes examples past retention and beyond the newest EXAMPLES_PER_FLAG per flag. */
export async function pruneShadowExamples(d1: D1Database, nowMs: number): Promise<void> {
  await d1.batch([
    d1.prepare("DELETE FROM shadow_examples WHERE ts < ?").bind(nowMs - EXAMPLE_RETENTION_MS),
    d1
      .prepare(
        `DELETE FROM shadow_examples WHERE id IN (
         SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY flag_key ORDER BY ts DESC) AS n FROM shadow_examples) WHERE n > ?)`,
      )
      .bind(EXAMPLES_PER_FLAG),
  ]);
}

/** Shadow pairs of one rollout from the embedded outcome store (newest first, bounded). */
export async function readShadowPairs(
  d1: D1Database,
  flagKey: string,
  rolloutId: string,
  limit: number,
): Promise<ShadowPair[]> {
  const rows = await d1
    .prepare(
      `SELECT request_id, rule_id, shadow_agreement, comparator_reason, latency_ms, paired_latency_ms, status, paired_status, error,
     similarity FROM outcomes WHERE flag_key = ? AND rollout_id = ? AND kind = 'shadow' ORDER BY ts DESC LIMIT ?`,
    )
    .bind(flagKey, rolloutId, limit)
    .all<Record<string, unknown>>();
  return rows.results.map((r) => ({
    requestId: String(r.request_id),
    segment: r.rule_id === null ? "(default)" : String(r.rule_id),
    agreement: r.shadow_agreement === null ? null : Number(r.shadow_agreement),
    comparatorReason: String(r.comparator_reason ?? ""),
    greenLatencyMs: Number(r.latency_ms),
    blueLatencyMs: Number(r.paired_latency_ms ?? 0),
    greenError: Number(r.error) === 1,
    blueError: r.paired_status === null || Number(r.paired_status) === 0 || Number(r.paired_status) >= 500,
    similarity: r.similarity === null ? null : Number(r.similarity),
  }));
}
