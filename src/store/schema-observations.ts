// D1 schema (drizzle), part two: records of what the system observed and
// decided, as opposed to what it is configured to do (schema.ts). Outcomes
// and shadow examples come from served and mirrored requests, decisions and
// baselines from the health loop; none is part of a flag's snapshot, and
// none is written through the admin API. schema.ts re-exports these tables,
// so drizzle(), drizzle-kit and the repositories see one schema: import them
// through "./schema".
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Embedded outcome store: the same points written to Analytics Engine. */
export const outcomes = sqliteTable(
  "outcomes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    timestampMs: integer("ts").notNull(),
    requestId: text("request_id").notNull(),
    flagKey: text("flag_key").notNull(),
    rolloutId: text("rollout_id"),
    variant: text("variant").notNull(),
    reason: text("reason").notNull(),
    ruleId: text("rule_id"),
    stage: text("stage").notNull(),
    status: integer("status").notNull(),
    latencyMs: real("latency_ms").notNull(),
    error: integer("error").notNull(),
    timeout: integer("timeout").notNull(),
    shadowAgreement: real("shadow_agreement"),
    feedbackValue: real("feedback_value"),
    colo: text("colo").notNull(),
    /** "served" (what a user got) or "shadow" (a mirrored green answer compared with blue's). */
    kind: text("kind").notNull().default("served"),
    similarity: real("similarity"),
    comparatorReason: text("comparator_reason"),
    /** For shadow rows: blue's latency and status in the same pair. */
    pairedLatencyMs: real("paired_latency_ms"),
    pairedStatus: integer("paired_status"),
    /** Why the request failed or did not count (core/outcome.ts ERROR_CLASSES); null = the whole answer arrived. */
    errorClass: text("error_class"),
    /** Time to the first body byte and until the body ended (latency_ms stays time to headers). */
    firstByteMs: real("first_byte_ms"),
    durationMs: real("duration_ms"),
    /** Response contract (core/answer-inspection.ts): valid | invalid | not_inspected; null = no contract. */
    inspection: text("inspection"),
    invalidReason: text("invalid_reason"),
    /** The inspected answer's prediction: a label, or a number. */
    predictedLabel: text("predicted_label"),
    predictedValue: real("predicted_value"),
    /** 1 when the answer was streamed (core/outcome.ts isStreamedAnswer): its first byte is judged. */
    streamed: integer("streamed"),
    /** Chat-completion usage (docs/design/llm-traffic.md): known | unknown; null = not declared. */
    usage: text("usage"),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    costUsd: real("cost_usd"),
    /** Event streams: time to the first event with generated text; gaps between such events. */
    ttftMs: real("ttft_ms"),
    interTokenMeanMs: real("inter_token_mean_ms"),
    interTokenMaxMs: real("inter_token_max_ms"),
  },
  (table) => [
    index("outcomes_flag_ts").on(table.flagKey, table.timestampMs),
    index("outcomes_request").on(table.requestId),
  ],
);

/**
 * Health loop (docs/design/health-loop.md): one row per assessment — holds included — with the
 * figures it used. `applied` is 0 when the transition lost a version race.
 */
export const decisions = sqliteTable(
  "decisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    flagKey: text("flag_key").notNull(),
    rolloutId: text("rollout_id").notNull(),
    /** "rollout" or "rule:<id>" (per-segment judgement). */
    scope: text("scope").notNull(),
    action: text("action").notNull(),
    reason: text("reason").notNull(),
    stageIndex: integer("stage_index").notNull(),
    /** Rollout version the decision was taken on (the concurrency guard). */
    rolloutVersion: integer("rollout_version").notNull(),
    applied: integer("applied", { mode: "boolean" }).notNull(),
    /** 1 / 0, or null when the flag has no blue health URL. */
    blueReady: integer("blue_ready", { mode: "boolean" }),
    /** JSON Assessment (guards, samples, control, α) plus the reader used. */
    figures: text("figures").notNull(),
  },
  (table) => [
    index("decisions_flag").on(table.flagKey, table.id),
    index("decisions_rollout").on(table.rolloutId, table.id),
  ],
);

/** Blue's metrics before a rollout started, captured once per rollout (JSON ArmWindow). */
export const healthBaselines = sqliteTable("health_baselines", {
  rolloutId: text("rollout_id").primaryKey(),
  flagKey: text("flag_key").notNull(),
  capturedAt: integer("captured_at").notNull(),
  fromMs: integer("from_ms").notNull(),
  toMs: integer("to_ms").notNull(),
  metrics: text("metrics").notNull(),
});

/** Sampled, bounded store of shadow disagreements (bodies truncated and redacted). */
export const shadowExamples = sqliteTable(
  "shadow_examples",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    flagKey: text("flag_key").notNull(),
    rolloutId: text("rollout_id"),
    requestId: text("request_id").notNull(),
    timestampMs: integer("ts").notNull(),
    reason: text("reason").notNull(),
    similarity: real("similarity").notNull(),
    blueStatus: integer("blue_status").notNull(),
    greenStatus: integer("green_status").notNull(),
    blueLatencyMs: real("blue_latency_ms").notNull(),
    greenLatencyMs: real("green_latency_ms").notNull(),
    blueBody: text("blue_body").notNull(),
    greenBody: text("green_body").notNull(),
  },
  (table) => [index("shadow_examples_flag_ts").on(table.flagKey, table.timestampMs)],
);
