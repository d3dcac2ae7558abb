// /flags/{key}/overrides: list, put/delete one pin, bulk upsert/delete up to
// 10 000 atomically. Overrides are part of the flag's snapshot, so every
// write uses the flag's ETag and bumps its version, within the per-call and
// per-flag caps (limits.ts); the would-be snapshot is compiled before
// anything is written.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Variant } from "../../core/types";
import { commitChange, flagAtVersion, bumpFlag, type Statement } from "../../store/admin-tx";
import { countOverrides, deleteOverrides, listOverrides, overridesFor, upsertOverrides } from "../../store/flag-repo";
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
import { FlagParams, OverrideParams, OverridePageQuery, OverridePut, OverridesBulk } from "../schemas";
import { Override, OverridePage, OverridesBulkResult } from "../response-schemas";
import { currentSnapshot, loadFlag } from "./flags";

export const overrideRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

overrideRoutes.openapi(
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

overrideRoutes.openapi(
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

overrideRoutes.openapi(
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

overrideRoutes.openapi(
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
