// D1 schema (drizzle): the source of truth for flags and their routing
// (flags, segments, rules, overrides, rollouts) and the admin API's own
// tables (audit log, tokens, write guards). The hot path never reads these
// tables per request (see snapshot-store.ts). The tables of what happened
// (outcomes, decisions, baselines, shadow examples) are in
// schema-observations.ts and re-exported here, so this module stays the one
// entry to the whole schema: for drizzle() in db.ts, for the repositories,
// and for drizzle-kit, which generates migrations from it
// (`npm run db:generate`).
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

export * from "./schema-observations";
