// /flags/{key}/rules (replace the ordered list) and /flags/{key}/overrides
// (list, put/delete one, bulk upsert/delete up to 10 000 atomically). Both
// are part of the flag's snapshot, so they use the flag's ETag and bump its
// version; the would-be snapshot is compiled before anything is written.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ConstraintSpec, FlagSnapshot, Variant } from "../../core/types";
import { commitChange, flagAtVersion, segmentAtVersion, bumpFlag, type Statement } from "../../store/admin-tx";
import {
  countOverrides,
  deleteOverrides,
  listOverrides,
  listRules,
  overridesFor,
  replaceRules,
  upsertOverrides,
} from "../../store/flag-repo";
import { getSegments } from "../../store/segment-repo";
import { readFlagSnapshot } from "../../store/snapshot-builder";
import { parseJson } from "../../store/db";
import {
  afterCommit,
  auditBase,
  checkIfMatch,
  decodeCursor,
  encodeCursor,
  etagOf,
  type AdminContext,
  type AdminEnv,
} from "../context";
import { ApiError, validationHook, writeFailureToApi } from "../errors";
import { assertPublishable } from "../flag-model";
import { LIMITS } from "../limits";
import { adminRoute, body, json } from "../route-def";
import { FlagParams, OverrideParams, OverridePageQuery, OverridePut, OverridesBulk, RulesPut } from "../schemas";
import { Override, OverridePage, OverridesBulkResult, Rules } from "../response-schemas";
import { loadFlag } from "./flags";

export const ruleOverrideRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

async function currentSnapshot(c: AdminContext, key: string): Promise<FlagSnapshot> {
  const snapshot = await readFlagSnapshot(c.env.DB, key);
  if (!snapshot) throw new ApiError("not_found", `flag "${key}" not found`);
  return snapshot;
}

ruleOverrideRoutes.openapi(
  adminRoute({
    method: "put",
    path: "/flags/{key}/rules",
    scope: "admin",
    tags: ["rules"],
    summary: "Replace the ordered segment rules (If-Match: flag ETag)",
    request: { params: FlagParams, body: body(RulesPut) },
    responses: { 200: json(Rules, "the rules") },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const { rules } = c.req.valid("json");
    const db = c.get("db");
    const flag = await loadFlag(c, key);
    checkIfMatch(c, etagOf("flag", flag.version));
    if (rules.length > LIMITS.rulesPerFlag)
      throw new ApiError("limit_exceeded", `at most ${LIMITS.rulesPerFlag} rules per flag`);
    const segmentKeys = [...new Set(rules.map((rule) => rule.segment))];
    const segments = new Map((await getSegments(db, segmentKeys)).map((row) => [row.key, row]));
    const missing = segmentKeys.filter((segmentKey) => !segments.has(segmentKey));
    if (missing.length > 0)
      throw new ApiError("invalid_ruleset", `unknown segment(s): ${missing.join(", ")}`, { segments: missing });
    const snapshot = await currentSnapshot(c, key);
    const specs = rules.map((rule) => {
      const segment = segments.get(rule.segment)!;
      return {
        id: rule.id,
        segment: {
          key: segment.key,
          constraints: parseJson<ConstraintSpec[]>(segment.constraints) ?? [],
          negate: segment.negate,
        },
        ...(rule.variant !== undefined ? { variant: rule.variant } : { percent: rule.percent! }),
      };
    });
    assertPublishable({ ...snapshot, version: flag.version + 1, rules: specs });
    const before = (await listRules(db, key)).map(({ id, segmentKey, variant, percent }) => ({
      id,
      segment: segmentKey,
      variant,
      percent,
    }));
    const now = c.get("now");
    const committed = await commitChange(
      db,
      {
        // Segments must be the versions just compiled into the would-be snapshot.
        guards: [
          flagAtVersion(key, flag.version),
          ...[...segments.values()].map((s) => segmentAtVersion(s.key, s.version)),
        ],
        statements: [...replaceRules(db, key, rules), bumpFlag(db, key, now)],
        audit: {
          ...auditBase(c),
          action: "flag.rules.replace",
          resourceType: "flag",
          resourceId: key,
          flagKey: key,
          before: { rules: before },
          after: { rules },
        },
      },
      now,
    );
    if (!committed.ok) throw writeFailureToApi(committed.error, `flag "${key}"`);
    await afterCommit(c, [key]);
    c.header("ETag", etagOf("flag", flag.version + 1));
    return c.json({ rules }, 200);
  },
);

ruleOverrideRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags/{key}/overrides",
    scope: "read",
    tags: ["overrides"],
    summary: "List overrides",
    request: { params: FlagParams, query: OverridePageQuery },
    responses: { 200: json(OverridePage, "a page of overrides") },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const { limit = LIMITS.pageDefault, cursor } = c.req.valid("query");
    const flag = await loadFlag(c, key);
    const rows = await listOverrides(c.get("db"), key, limit, decodeCursor(cursor));
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    c.header("ETag", etagOf("flag", flag.version));
    return c.json({ items: rows, nextCursor: last ? encodeCursor(last.unitKey) : null }, 200);
  },
);

interface OverrideChange {
  upsert: { unitKey: string; variant: Variant }[];
  remove: string[];
  action: string;
}

/** Shared by the single and bulk routes: cap, validate, one batch, publish. */
async function applyOverrides(c: AdminContext, key: string, change: OverrideChange): Promise<number> {
  const db = c.get("db");
  const flag = await loadFlag(c, key);
  checkIfMatch(c, etagOf("flag", flag.version));
  if (change.upsert.length + change.remove.length > LIMITS.overridesPerCall) {
    throw new ApiError("limit_exceeded", `at most ${LIMITS.overridesPerCall} overrides per call`);
  }
  const touched = [...change.upsert.map((u) => u.unitKey), ...change.remove];
  const before = await overridesFor(db, key, touched);
  const added = change.upsert.filter((u) => before[u.unitKey] === undefined).length;
  const removed = change.remove.filter((unitKey) => before[unitKey] !== undefined).length;
  if ((await countOverrides(db, key)) + added - removed > LIMITS.overridesPerFlag) {
    throw new ApiError("limit_exceeded", `at most ${LIMITS.overridesPerFlag} overrides per flag`);
  }
  const snapshot = await currentSnapshot(c, key);
  const overrides = { ...snapshot.overrides };
  for (const unitKey of change.remove) delete overrides[unitKey];
  for (const pin of change.upsert) overrides[pin.unitKey] = pin.variant;
  assertPublishable({ ...snapshot, version: flag.version + 1, overrides });
  const now = c.get("now");
  const statements: Statement[] = [
    ...deleteOverrides(key, change.remove),
    ...upsertOverrides(key, change.upsert),
    bumpFlag(db, key, now),
  ];
  const committed = await commitChange(
    db,
    {
      guards: [flagAtVersion(key, flag.version)],
      statements,
      audit: {
        ...auditBase(c),
        action: change.action,
        resourceType: "flag",
        resourceId: key,
        flagKey: key,
        before,
        after: { upsert: change.upsert, delete: change.remove },
      },
    },
    now,
  );
  if (!committed.ok) throw writeFailureToApi(committed.error, `flag "${key}"`);
  await afterCommit(c, [key]);
  c.header("ETag", etagOf("flag", flag.version + 1));
  return flag.version + 1;
}

ruleOverrideRoutes.openapi(
  adminRoute({
    method: "put",
    path: "/flags/{key}/overrides/{unitKey}",
    scope: "admin",
    tags: ["overrides"],
    summary: "Pin one unit key (If-Match: flag ETag)",
    request: { params: OverrideParams, body: body(OverridePut) },
    responses: { 200: json(Override, "the override") },
  }),
  async (c) => {
    const { key, unitKey } = c.req.valid("param");
    const { variant } = c.req.valid("json");
    await applyOverrides(c, key, { upsert: [{ unitKey, variant }], remove: [], action: "flag.override.put" });
    return c.json({ unitKey, variant }, 200);
  },
);

ruleOverrideRoutes.openapi(
  adminRoute({
    method: "delete",
    path: "/flags/{key}/overrides/{unitKey}",
    scope: "admin",
    tags: ["overrides"],
    summary: "Remove one pin (If-Match: flag ETag)",
    request: { params: OverrideParams },
    responses: { 204: { description: "removed" } },
  }),
  async (c) => {
    const { key, unitKey } = c.req.valid("param");
    const existing = await overridesFor(c.get("db"), key, [unitKey]);
    await loadFlag(c, key);
    if (existing[unitKey] === undefined)
      throw new ApiError("not_found", `no override for this unit key on flag "${key}"`);
    await applyOverrides(c, key, { upsert: [], remove: [unitKey], action: "flag.override.delete" });
    return c.body(null, 204);
  },
);

ruleOverrideRoutes.openapi(
  adminRoute({
    method: "post",
    path: "/flags/{key}/overrides",
    scope: "admin",
    tags: ["overrides"],
    summary: "Bulk upsert/delete up to 10 000 pins atomically (If-Match: flag ETag)",
    request: { params: FlagParams, body: body(OverridesBulk) },
    responses: { 200: json(OverridesBulkResult, "counts and the flag's new version") },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const input = c.req.valid("json");
    const upsert = input.upsert ?? [];
    const remove = input.delete ?? [];
    const version = await applyOverrides(c, key, { upsert, remove, action: "flag.overrides.bulk" });
    return c.json({ upserted: upsert.length, deleted: remove.length, version }, 200);
  },
);
