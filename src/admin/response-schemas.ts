// Response schemas of the admin API's resources (flags, segments, rules,
// overrides, kill switch, rollouts, evaluation, tokens, audit, whoami): the
// one home of each shape. Routes document them in the OpenAPI document and
// hono type-checks every handler's `c.json(...)` against them; the dashboard
// and the CLI's .d.mts import the derived types (`z.output`), so a changed
// shape fails type-checking where it is read. Objects are strict so the
// response test catches a renamed or extra field. Reports (shadow,
// experiment, series) live in report-schemas.ts, decisions in
// decision-schemas.ts.
// Built with the admin app only: the hot path (src/edge) never imports this.
import { z } from "@hono/zod-openapi";
import { REASONS, ROLLOUT_STATES, STAGE_MODES, VARIANTS, OPERATORS } from "../core/types";
import { SCOPES } from "./auth";
import { Origin } from "./schemas";

/** `{ items, nextCursor }`: every list route; nextCursor is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}

const Timestamps = { createdAt: z.number().int(), updatedAt: z.number().int() };

export const Flag = z
  .strictObject({
    key: z.string(),
    description: z.string(),
    route: z.strictObject({ method: z.string(), path: z.string(), host: z.string().optional() }),
    // Stored JSON; null only if a stored origin no longer parses.
    origins: z.strictObject({ blue: Origin.nullable(), green: Origin.nullable() }),
    previousBlueOrigin: Origin.nullable().openapi({
      description: "blue before the last promotion: the rollback target",
    }),
    timeoutMs: z.number().int(),
    failover: z.boolean(),
    unitKey: z.strictObject({ source: z.string(), name: z.string() }),
    settings: z
      .record(z.string(), z.unknown())
      .openapi({ description: "the flag's settings as written (shadow, health)" }),
    killSwitch: z.boolean(),
    killReason: z.string().nullable(),
    version: z.number().int(),
    ...Timestamps,
  })
  .openapi("Flag");
export const FlagPage = pageOf(Flag, "FlagPage");

export const Segment = z
  .strictObject({
    key: z.string(),
    description: z.string(),
    constraints: z.array(
      z.strictObject({ attribute: z.string(), operator: z.enum(OPERATORS), values: z.array(z.string()) }),
    ),
    negate: z.boolean(),
    version: z.number().int(),
    ...Timestamps,
  })
  .openapi("Segment");
export const SegmentPage = pageOf(Segment, "SegmentPage");

/** The rules as written (PUT echoes them): each has exactly one of variant or percent. */
export const Rules = z
  .strictObject({
    rules: z.array(
      z.strictObject({
        id: z.string(),
        segment: z.string(),
        variant: z.enum(VARIANTS).optional(),
        percent: z.number().optional(),
      }),
    ),
  })
  .openapi("Rules");

export const Override = z.strictObject({ unitKey: z.string(), variant: z.string() }).openapi("Override");
export const OverridePage = pageOf(Override, "OverridePage");
export const OverridesBulkResult = z
  .strictObject({
    upserted: z.number().int(),
    deleted: z.number().int(),
    version: z.number().int().openapi({ description: "the flag's new version (its ETag)" }),
  })
  .openapi("OverridesBulkResult");

export const KillState = z
  .strictObject({
    key: z.string(),
    killSwitch: z.boolean(),
    killReason: z.string().nullable(),
    version: z.number().int(),
    changed: z
      .boolean()
      .openapi({ description: "false when the switch already was in the asked state (nothing written)" }),
  })
  .openapi("KillState");

export const Stage = z
  .strictObject({
    mode: z.enum(STAGE_MODES),
    percent: z.number(),
    minDurationSeconds: z.number(),
    minSamples: z.number(),
  })
  .openapi("Stage");

export const Rollout = z
  .strictObject({
    id: z.string(),
    flagKey: z.string(),
    state: z.enum(ROLLOUT_STATES),
    stages: z.array(Stage),
    stageIndex: z.number().int(),
    stage: Stage.nullable().openapi({ description: "stages[stageIndex], null past the plan" }),
    stageStartedAt: z.number().int(),
    holdSeconds: z.number(),
    endedAt: z.number().int().nullable(),
    salt: z.string(),
    version: z.number().int(),
    createdAt: z.number().int(),
  })
  .openapi("Rollout");

export const Evaluation = z
  .strictObject({
    flag: z.string(),
    version: z.number().int(),
    unit: z.string(),
    variant: z.enum(VARIANTS),
    reason: z.enum(REASONS),
    ruleId: z.string().nullable(),
    segment: z.string().nullable(),
    bucket: z.number().int(),
    greenBelow: z
      .number()
      .nullable()
      .openapi({ description: "buckets below this go green (null: the matching rule pins a variant)" }),
    salt: z.string(),
    rollout: z
      .strictObject({
        id: z.string(),
        state: z.enum(ROLLOUT_STATES),
        stageIndex: z.number().int(),
        stageMode: z.enum(STAGE_MODES),
        percent: z.number(),
      })
      .nullable(),
    killSwitch: z.boolean(),
  })
  .openapi("Evaluation");

export const Token = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    scope: z.string(),
    createdBy: z.string(),
    createdAt: z.number().int(),
    revokedAt: z.number().int().nullable(),
  })
  .openapi("Token");
export const TokenPage = pageOf(Token, "TokenPage");
export const MintedToken = Token.extend({
  token: z.string().openapi({ description: "the secret, shown only in this answer" }),
}).openapi("MintedToken");

export const AuditEntry = z
  .strictObject({
    id: z.number().int(),
    at: z.number().int(),
    actor: z.string(),
    action: z.string(),
    resource: z.strictObject({ type: z.string(), id: z.string() }),
    flag: z.string().nullable(),
    before: z.unknown().openapi({ description: "the resource's JSON before the change (null on create)" }),
    after: z.unknown().openapi({ description: "the resource's JSON after the change (null on delete)" }),
    requestId: z.string(),
  })
  .openapi("AuditEntry");
export const AuditPage = pageOf(AuditEntry, "AuditPage");

export const Whoami = z.strictObject({ actor: z.string(), scope: z.enum(SCOPES) }).openapi("Whoami");

/** The served document itself: only its frame is described here. */
export const OpenApiDocument = z
  .looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("OpenApiDocument");

export type FlagView = z.output<typeof Flag>;
export type SegmentView = z.output<typeof Segment>;
export type RulesView = z.output<typeof Rules>;
export type OverrideView = z.output<typeof Override>;
export type OverridesBulkView = z.output<typeof OverridesBulkResult>;
export type KillView = z.output<typeof KillState>;
export type StageView = z.output<typeof Stage>;
export type RolloutView = z.output<typeof Rollout>;
export type EvaluationView = z.output<typeof Evaluation>;
export type TokenView = z.output<typeof Token>;
export type MintedTokenView = z.output<typeof MintedToken>;
export type AuditView = z.output<typeof AuditEntry>;
export type WhoamiView = z.output<typeof Whoami>;
/** A page of a list route, for any item type. */
export type Page<T> = Omit<z.output<ReturnType<typeof pageOf<z.ZodUnknown>>>, "items"> & { items: T[] };
