// /flags and /flags/{key}: list, create, read, patch, delete. Writes need the
// admin scope and (except create) If-Match; each is one audited batch that
// is validated as a would-be snapshot first and published after. loadFlag and
// currentSnapshot (404 when the flag is gone) are how the routes under
// /flags/{key}/ read the flag.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { FlagSnapshot } from "../../core/types";
import { commitChange, flagAtVersion } from "../../store/admin-tx";
import {
  countFlags,
  deleteFlagRows,
  findRouteOwner,
  getFlag,
  insertFlag,
  listFlags,
  updateFlag,
  type FlagRow,
} from "../../store/flag-repo";
import { readFlagSnapshot } from "../../store/snapshot-builder";
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
import { applyRowToSnapshot, assertPublishable, flagChangesFrom, flagInsertFrom, flagView } from "../flag-model";
import { LIMITS } from "../limits";
import { adminRoute, body, json } from "../route-def";
import { FlagCreate, FlagParams, FlagPatch, PageQuery } from "../schemas";
import { Flag, FlagPage } from "../response-schemas";

export async function loadFlag(c: AdminContext, key: string): Promise<FlagRow> {
  const row = await getFlag(c.get("db"), key);
  if (!row) throw new ApiError("not_found", `flag "${key}" not found`);
  return row;
}

/** The flag's snapshot as built from D1 now: the base a rules or overrides change is compiled against. */
export async function currentSnapshot(c: AdminContext, key: string): Promise<FlagSnapshot> {
  const snapshot = await readFlagSnapshot(c.env.DB, key);
  if (!snapshot) throw new ApiError("not_found", `flag "${key}" not found`);
  return snapshot;
}

async function assertRouteFree(
  c: AdminContext,
  method: string,
  path: string,
  host: string | null,
  exceptKey: string | null,
) {
  const owner = await findRouteOwner(c.get("db"), method, path, host, exceptKey);
  if (owner !== null) throw new ApiError("conflict", `route ${method} ${path} is already used by flag "${owner}"`);
}

export const flagRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

flagRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags",
    scope: "read",
    tags: ["flags"],
    summary: "List flags",
    request: { query: PageQuery },
    responses: { 200: json(FlagPage, "a page of flags") },
  }),
  async (c) => {
    const { limit = LIMITS.pageDefault, cursor } = c.req.valid("query");
    const rows = await listFlags(c.get("db"), limit, decodeCursor(cursor));
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    return c.json({ items: rows.map(flagView), nextCursor: last ? encodeCursor(last.key) : null }, 200);
  },
);

flagRoutes.openapi(
  adminRoute({
    method: "post",
    path: "/flags",
    scope: "admin",
    tags: ["flags"],
    summary: "Create a flag",
    request: { body: body(FlagCreate) },
    responses: { 201: json(Flag, "created") },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const db = c.get("db");
    const row = flagInsertFrom(input, c.env.ORIGIN_ALLOWLIST, c.get("now"));
    if ((await countFlags(db)) >= LIMITS.flags) throw new ApiError("limit_exceeded", `at most ${LIMITS.flags} flags`);
    if (await getFlag(db, input.key)) throw new ApiError("already_exists", `flag "${input.key}" already exists`);
    await assertRouteFree(c, row.routeMethod, row.routePath, row.routeHost ?? null, null);
    assertPublishable(applyRowToSnapshot(null, row, 1));
    const committed = await commitChange(
      db,
      {
        guards: [],
        statements: [insertFlag(db, row)],
        audit: {
          ...auditBase(c),
          action: "flag.create",
          resourceType: "flag",
          resourceId: input.key,
          flagKey: input.key,
          before: null,
          after: input,
        },
      },
      c.get("now"),
    );
    if (!committed.ok) throw writeFailureToApi(committed.error, `flag "${input.key}"`);
    await afterCommit(c, [input.key]);
    const created = await loadFlag(c, input.key);
    c.header("ETag", etagOf("flag", created.version));
    c.header("Location", `/admin/api/flags/${created.key}`);
    return c.json(flagView(created), 201);
  },
);

flagRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags/{key}",
    scope: "read",
    tags: ["flags"],
    summary: "Read a flag",
    request: { params: FlagParams },
    responses: { 200: json(Flag, "the flag") },
  }),
  async (c) => {
    const row = await loadFlag(c, c.req.valid("param").key);
    c.header("ETag", etagOf("flag", row.version));
    return c.json(flagView(row), 200);
  },
);

flagRoutes.openapi(
  adminRoute({
    method: "patch",
    path: "/flags/{key}",
    scope: "admin",
    tags: ["flags"],
    summary: "Change a flag (If-Match)",
    request: { params: FlagParams, body: body(FlagPatch) },
    responses: { 200: json(Flag, "the changed flag") },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.get("db");
    const row = await loadFlag(c, key);
    checkIfMatch(c, etagOf("flag", row.version));
    const changes = flagChangesFrom(input, c.env.ORIGIN_ALLOWLIST);
    if (Object.keys(changes).length === 0) throw new ApiError("invalid_request", "nothing to change");
    const merged = { ...row, ...changes } as FlagRow;
    if (input.route) await assertRouteFree(c, merged.routeMethod, merged.routePath, merged.routeHost, key);
    assertPublishable(applyRowToSnapshot(await readFlagSnapshot(c.env.DB, key), merged, row.version + 1));
    const committed = await commitChange(
      db,
      {
        guards: [flagAtVersion(key, row.version)],
        statements: [updateFlag(db, key, changes, c.get("now"))],
        audit: {
          ...auditBase(c),
          action: "flag.update",
          resourceType: "flag",
          resourceId: key,
          flagKey: key,
          before: flagView(row),
          after: flagView({ ...merged, version: row.version + 1 }),
        },
      },
      c.get("now"),
    );
    if (!committed.ok) throw writeFailureToApi(committed.error, `flag "${key}"`);
    await afterCommit(c, [key]);
    const updated = await loadFlag(c, key);
    c.header("ETag", etagOf("flag", updated.version));
    return c.json(flagView(updated), 200);
  },
);

flagRoutes.openapi(
  adminRoute({
    method: "delete",
    path: "/flags/{key}",
    scope: "admin",
    tags: ["flags"],
    summary: "Delete a flag, its rules, overrides and rollouts (If-Match)",
    request: { params: FlagParams },
    responses: { 204: { description: "deleted" } },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const db = c.get("db");
    const row = await loadFlag(c, key);
    checkIfMatch(c, etagOf("flag", row.version));
    const committed = await commitChange(
      db,
      {
        guards: [flagAtVersion(key, row.version)],
        statements: deleteFlagRows(db, key),
        audit: {
          ...auditBase(c),
          action: "flag.delete",
          resourceType: "flag",
          resourceId: key,
          flagKey: key,
          before: flagView(row),
          after: null,
        },
      },
      c.get("now"),
    );
    if (!committed.ok) throw writeFailureToApi(committed.error, `flag "${key}"`);
    await afterCommit(c, [], key);
    return c.body(null, 204);
  },
);
