// Embedded outcome store: the D1 `outcomes` table, written in batches. Used
// when Analytics Engine cannot be read back (local dev, tests, small installs).
import type { EmbeddedSink } from "../ports";

const INSERT = `INSERT INTO outcomes (ts, request_id, flag_key, rollout_id, variant, reason, rule_id, stage, status, latency_ms, error, timeout, shadow_agreement, feedback_value, colo, kind, similarity, comparator_reason, paired_latency_ms, paired_status, error_class, first_byte_ms, duration_ms,
  inspection, invalid_reason, predicted_label, predicted_value, streamed,
  usage, input_tokens, output_tokens, cost_usd, ttft_ms, inter_token_mean_ms, inter_token_max_ms)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
  ?, ?, ?, ?, ?, ?, ?)`;

export function createEmbeddedOutcomeStore(d1: D1Database): EmbeddedSink {
  return {
    async insertBatch(batch) {
      if (batch.length === 0) return;
      const statement = d1.prepare(INSERT);
      await d1.batch(
        batch.map((o) =>
          statement.bind(
            o.timestampMs,
            o.requestId,
            o.flagKey,
            o.rolloutId,
            o.variant,
            o.reason,
            o.ruleId,
            o.stage,
            o.status,
            o.latencyMs,
            o.error ? 1 : 0,
            o.timeout ? 1 : 0,
            o.shadowAgreement,
            o.feedbackValue,
            o.colo,
            o.kind ?? "served",
            o.similarity ?? null,
            o.comparatorReason ?? null,
            o.pairedLatencyMs ?? null,
            o.pairedStatus ?? null,
            o.errorClass ?? null,
            o.firstByteMs ?? null,
            o.durationMs ?? null,
            o.inspection ?? null,
            o.invalidReason ?? null,
            o.predictedLabel ?? null,
            o.predictedValue ?? null,
            o.streamed ? 1 : 0,
            o.usage ?? null,
            o.inputTokens ?? null,
            o.outputTokens ?? null,
            o.costUsd ?? null,
            o.ttftMs ?? null,
            o.interTokenMeanMs ?? null,
            o.interTokenMaxMs ?? null,
          ),
        ),
      );
    },
  };
}
