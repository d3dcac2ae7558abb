// D1 schema (drizzle). The source of truth for flags and their routing; the
// hot path never reads these tables per request (see snapshot-store.ts).
// Migrations are generated from this file: `npm run db:generate`.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const timestamps = {
  createdAt: integer("created_at").notNull().default(sql`(unixepoch('subsec') * 1000)`),
  updatedAt: integer("updated_at").notNull().default(sql`(unixepoch('subsec') * 1000)`),
};

export const flags = sqliteTable("flags", {
  key: text("key").primaryKey(),
  description: text("description").notNull().default(""),
  routeMethod: text("route_method").notNull(),
  routePath: text("route_path").notNull(),
  routeHost: text("route_host"),
  /** JSON OriginSpec. */
  blueOrigin: text("blue_origin").notNull(),
  greenOrigin: text("green_origin").notNull(),
  /** The blue origin before the last promotion: the rollback target. */
  previousBlueOrigin: text("previous_blue_origin"),
  timeoutMs: integer("timeout_ms").notNull().default(10_000),
  failover: integer("failover", { mode: "boolean" }).notNull().default(false),
  unitKeySource: text("unit_key_source").notNull().default("header"),
  unitKeyName: text("unit_key_name").notNull().default("x-user-id"),
  killSwitch: integer("kill_switch", { mode: "boolean" }).notNull().default(false),
  killReason: text("kill_reason"),
  /** JSON: guards, comparator, shadow settings — owned by later features. */
  settings: text("settings").notNull().default("{}"),
  /** Bumped on every change of the flag or anything it embeds (rules, overrides, rollout). */
  version: integer("version").notNull().default(1),
  ...timestamps,
});

export const segments = sqliteTable("segments", {
  key: text("key").primaryKey(),
  description: text("description").notNull().default(""),
  /** JSON ConstraintSpec[]. */
  constraints: text("constraints").notNull(),
  negate: integer("negate", { mode: "boolean" }).notNull().default(false),
  version: integer("version").notNull().default(1),
  ...timestamps,
});

export const flagRules = sqliteTable(
  "flag_rules",
  {
    flagKey: text("flag_key")
      .notNull()
      .references(() => flags.key, { onDelete: "cascade" }),
    id: text("id").notNull(),
    position: integer("position").notNull(),
    segmentKey: text("segment_key")
      .notNull()
      .references(() => segments.key, { onDelete: "restrict" }),
    variant: text("variant"),
    percent: real("percent"),
  },
  (table) => [primaryKey({ columns: [table.flagKey, table.id] }), index("flag_rules_segment").on(table.segmentKey)],
);

export const overrides = sqliteTable(
  "overrides",
  {
    flagKey: text("flag_key")
      .notNull()
      .references(() => flags.key, { onDelete: "cascade" }),
    unitKey: text("unit_key").notNull(),
    variant: text("variant").notNull(),
    createdAt: timestamps.createdAt,
  },
  (table) => [primaryKey({ columns: [table.flagKey, table.unitKey] })],
);

export const rollouts = sqliteTable(
  "rollouts",
  {
    id: text("id").primaryKey(),
    flagKey: text("flag_key")
      .notNull()
      .references(() => flags.key, { onDelete: "cascade" }),
    /** JSON StagePlan: [{ mode, percent, minDurationSeconds, minSamples }]. */
    stages: text("stages").notNull(),
    stageIndex: integer("stage_index").notNull().default(0),
    stageStartedAt: integer("stage_started_at").notNull(),
    holdSeconds: integer("hold_seconds").notNull().default(600),
    state: text("state").notNull(),
    endedAt: integer("ended_at"),
    version: integer("version").notNull().default(1),
    ...timestamps,
  },
  (table) => [index("rollouts_flag_state").on(table.flagKey, table.state)],
);

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

/** One row per accepted admin mutation. `actor` is a token id, never a secret. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
    flagKey: text("flag_key"),
    /** JSON of the resource before/after the change; null when it did not exist. */
    before: text("before"),
    after: text("after"),
    requestId: text("request_id").notNull(),
  },
  (table) => [
    index("audit_flag").on(table.flagKey, table.id),
    index("audit_actor").on(table.actor, table.id),
    index("audit_at").on(table.at),
  ],
);

/** Admin API tokens: only the SHA-256 of the secret is stored. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    scope: text("scope").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdBy: text("created_by").notNull(),
    revokedAt: integer("revoked_at"),
    ...timestamps,
  },
  (table) => [uniqueIndex("api_tokens_hash").on(table.secretHash)],
);

/**
 * Optimistic-concurrency guard: the first statement of an admin batch upserts
 * `ok` = (the precondition holds ? 1 : 0) into this one-row table, and the
 * CHECK aborts the whole D1 batch (a transaction) when it does not hold.
 */
export const writeGuards = sqliteTable(
  "write_guards",
  {
    id: text("id").primaryKey(),
    ok: integer("ok").notNull(),
  },
  (table) => [check("precondition", sql`${table.ok} = 1`)],
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
