// Request schemas of the admin API, and its one error body (success bodies:
// response-schemas.ts, report-schemas.ts, decision-schemas.ts). Every object
// is strict: an unknown field is a 400, so nothing can be mass-assigned
// (version, killSwitch, timestamps are never writable through a body).
// Shape checks live here (400); semantic checks that need the whole ruleset
// or the deployment's policy (route pattern, SSRF, counts) answer 422 later.
import { z } from "@hono/zod-openapi";
import { STAGE_MODES, UNIT_KEY_SOURCES, VARIANTS, OPERATORS } from "../core/types";
import { ROLLOUT_ACTIONS } from "../core/rollout-machine";
import { SCOPES } from "./auth";
import { ERROR_CODES } from "./errors";
import { LIMITS } from "./limits";
import { MAX_SHADOW_BODY_BYTES } from "../core/shadow/settings";
import { MAX_PRICE_PER_MTOK } from "../core/llm/price";
import { USAGE_FORMATS } from "../core/llm/usage-format";
import { MAX_BODY_TIMEOUT_MS, MAX_RESPONSE_BODY_BYTES } from "../core/response-settings";

const KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const ResourceKey = z
  .string()
  .regex(KEY, "lower-case letters, digits, _ and -, 1–64 chars, starting with a letter or digit");
const RuleId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and -, 1–64 chars");
export const UnitKey = z.string().min(1).max(LIMITS.unitKeyLength);
const Percent = z
  .number()
  .min(0)
  .max(100)
  .refine((p) => Math.abs(p * 1000 - Math.round(p * 1000)) < 1e-6, "percent has 0.001 steps");
const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, "must be an HTTP header name");
const BindingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be a binding/secret name");

export const Origin = z
  .strictObject({
    url: z.string().min(1).max(2048).optional(),
    service: BindingName.optional(),
    authHeader: z.strictObject({ name: HeaderName, secret: BindingName }).optional(),
    /** The model this origin serves; OFREP answers carry it as `model` metadata. */
    model: z.string().min(1).max(128).optional(),
    /** USD per million tokens; the cost of an answer whose usage is read (settings.response.usage). */
    price: z
      .strictObject({
        inputPerMTok: z.number().min(0).max(MAX_PRICE_PER_MTOK),
        outputPerMTok: z.number().min(0).max(MAX_PRICE_PER_MTOK),
      })
      .optional(),
  })
  .refine((o) => (o.url === undefined) !== (o.service === undefined), "needs exactly one of url or service")
  .openapi("Origin");

const Route = z.strictObject({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"]),
  path: z.string().min(1).max(512),
  host: z
    .string()
    .regex(/^[a-z0-9.-]{1,253}$/i, "must be a host name")
    .optional(),
});

const JsonPath = z.string().min(1).max(256).regex(/^\$/, "must be a JSON path starting with $");
const Tolerances = { absTolerance: z.number().min(0).optional(), relTolerance: z.number().min(0).optional() };
export const Comparator = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("exact") }),
  z.strictObject({ kind: z.literal("json"), ...Tolerances, ignorePaths: z.array(JsonPath).max(50).optional() }),
  z.strictObject({ kind: z.literal("label"), path: JsonPath }),
  z.strictObject({ kind: z.literal("numeric"), path: JsonPath, ...Tolerances }),
  z.strictObject({
    kind: z.literal("topk"),
    path: JsonPath,
    k: z.number().int().min(1).max(1000),
    minOverlap: z.number().min(0).max(1),
    idField: z.string().min(1).max(128).optional(),
  }),
  /** Generated text, streamed or whole, compared by normalised token overlap (docs/design/llm-traffic.md). */
  z.strictObject({ kind: z.literal("text"), minSimilarity: z.number().min(0).max(1).optional() }),
]);
const ShadowSettings = z.strictObject({
  sampleRate: z.number().min(0).max(100).optional(),
  alwaysSampleRate: z.number().min(0).max(100).optional(),
  maxBodyBytes: z.number().int().min(1).max(MAX_SHADOW_BODY_BYTES).optional(),
  timeoutMs: z.number().int().min(1).max(LIMITS.maxTimeoutMs).optional(),
  comparator: Comparator.optional(),
  redactPaths: z.array(JsonPath).max(50).optional(),
  exampleRate: z.number().min(0).max(1).optional(),
  thresholds: z
    .strictObject({
      minAgreement: z.number().min(0).max(1).optional(),
      maxP95Ratio: z.number().positive().optional(),
      maxErrorRatio: z.number().positive().optional(),
      minSamples: z.number().int().min(1).optional(),
    })
    .optional(),
});

// The shape only; the schema's content and the path's syntax are checked when
// the snapshot compiles (a 422 naming response.schema or response.prediction).
const ResponseSettings = z.strictObject({
  /** Deadline for the whole response body after the origin's headers; see src/core/response-settings.ts. */
  bodyTimeoutMs: z.number().int().min(1).max(MAX_BODY_TIMEOUT_MS).optional(),
  /** JSON Schema (draft 2020-12) every successful answer must satisfy (docs/design/answer-checks.md). */
  schema: z.union([z.record(z.string(), z.unknown()), z.boolean()]).optional(),
  /** JSON path to the predicted label or number. */
  prediction: z.string().min(1).max(256).optional(),
  /** Percent of answers inspected. */
  sampleRate: z.number().min(0).max(100).optional(),
  /** Answers larger than this are not inspected. */
  maxBodyBytes: z.number().int().min(1).max(MAX_RESPONSE_BODY_BYTES).optional(),
  /** Chat-completion format whose token usage every answer is read for (docs/design/llm-traffic.md). */
  usage: z.enum(USAGE_FORMATS).optional(),
});

const Settings = z.strictObject({
  shadow: ShadowSettings.optional(),
  response: ResponseSettings.optional(),
  /** Health-loop settings (guards, caps, webhook, blue health URL); see src/core/health/settings.ts. Checked field by field (422). */
  health: z.record(z.string(), z.unknown()).optional(),
});

const flagFields = {
  description: z.string().max(1000).optional(),
  route: Route,
  origins: z.strictObject({ blue: Origin, green: Origin }),
  timeoutMs: z.number().int().min(1).max(LIMITS.maxTimeoutMs).optional(),
  failover: z.boolean().optional(),
  unitKey: z.strictObject({ source: z.enum(UNIT_KEY_SOURCES), name: z.string().min(1).max(128) }).optional(),
  settings: Settings.optional(),
};

export const FlagCreate = z.strictObject({ key: ResourceKey, ...flagFields }).openapi("FlagCreate");
export const FlagPatch = z
  .strictObject({
    ...flagFields,
    route: Route.optional(),
    origins: z.strictObject({ blue: Origin.optional(), green: Origin.optional() }).optional(),
  })
  .openapi("FlagPatch");

export const Constraint = z.strictObject({
  attribute: z.string().min(1).max(256),
  operator: z.enum(OPERATORS),
  values: z.array(z.string().max(1024)),
});
export const SegmentCreate = z
  .strictObject({
    key: ResourceKey,
    description: z.string().max(1000).optional(),
    constraints: z.array(Constraint),
    negate: z.boolean().optional(),
  })
  .openapi("SegmentCreate");
export const SegmentPatch = z
  .strictObject({
    description: z.string().max(1000).optional(),
    constraints: z.array(Constraint).optional(),
    negate: z.boolean().optional(),
  })
  .openapi("SegmentPatch");

const Rule = z
  .strictObject({
    id: RuleId,
    segment: ResourceKey,
    variant: z.enum(VARIANTS).optional(),
    percent: Percent.optional(),
  })
  .refine((r) => (r.variant === undefined) !== (r.percent === undefined), "needs exactly one of variant or percent");
export const RulesPut = z.strictObject({ rules: z.array(Rule) }).openapi("RulesPut");

export const OverridePut = z.strictObject({ variant: z.enum(VARIANTS) }).openapi("OverridePut");
export const OverridesBulk = z
  .strictObject({
    upsert: z.array(z.strictObject({ unitKey: UnitKey, variant: z.enum(VARIANTS) })).optional(),
    delete: z.array(UnitKey).optional(),
  })
  .refine((b) => (b.upsert?.length ?? 0) + (b.delete?.length ?? 0) > 0, "needs at least one upsert or delete")
  .refine((b) => {
    const deleted = new Set(b.delete ?? []);
    const upserted = new Set<string>();
    return (b.upsert ?? []).every(
      (u) => !deleted.has(u.unitKey) && !upserted.has(u.unitKey) && upserted.add(u.unitKey),
    );
  }, "a unit key may appear only once across upsert and delete")
  .openapi("OverridesBulk");

export const KillBody = z.strictObject({ reason: z.string().trim().min(1).max(500) }).openapi("KillBody");

const StageInput = z.strictObject({
  mode: z.enum(STAGE_MODES),
  percent: Percent,
  minDurationSeconds: z.number().int().min(0).max(LIMITS.maxStageSeconds),
  minSamples: z.number().int().min(0).max(1_000_000_000),
});
export const RolloutStart = z
  .strictObject({
    stages: z.array(StageInput).optional(),
    holdSeconds: z.number().int().min(0).max(LIMITS.maxStageSeconds).optional(),
  })
  .openapi("RolloutStart");
export const RolloutActionParam = z.enum(ROLLOUT_ACTIONS);

export const TokenCreate = z
  .strictObject({ name: z.string().trim().min(1).max(100), scope: z.enum(SCOPES) })
  .openapi("TokenCreate");

// ---------- params and queries ----------

export const FlagParams = z.object({ key: z.string().max(64) });
export const SegmentParams = z.object({ key: z.string().max(64) });
export const OverrideParams = z.object({ key: z.string().max(64), unitKey: UnitKey });
export const TokenParams = z.object({ id: z.string().max(64) });

const Limit = (max: number) => z.coerce.number().int().min(1).max(max).optional();
export const PageQuery = z.strictObject({ limit: Limit(LIMITS.pageMax), cursor: z.string().max(512).optional() });
/** A decision's scope label as the health loop records it: "rollout" or "rule:<rule id>". */
const DecisionScope = z
  .string()
  .refine(
    (s) => s === "rollout" || (s.startsWith("rule:") && RuleId.safeParse(s.slice(5)).success),
    '"rollout" or "rule:<rule id>"',
  );
export const DecisionsQuery = PageQuery.extend({
  rolloutId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "a rollout id: letters, digits, _ and -, 1–64 chars")
    .optional(),
  scope: DecisionScope.optional(),
});
export const OverridePageQuery = z.strictObject({
  limit: Limit(LIMITS.overridePageMax),
  cursor: z.string().max(512).optional(),
});
export const AuditQuery = z.strictObject({
  flag: z.string().max(64).optional(),
  actor: z.string().max(64).optional(),
  since: z.string().max(64).optional(),
  limit: Limit(LIMITS.pageMax),
  cursor: z.string().max(512).optional(),
});

// ---------- the one error body (resource responses: response-schemas.ts) ----------

export const ErrorBody = z
  .strictObject({
    error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
  })
  .openapi("Error");
