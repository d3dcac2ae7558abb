// /segments and /segments/{key}. A segment is embedded in the snapshot of
// every flag whose rules use it, so a patch re-validates and republishes
// each of those flags (and bumps their versions) in the same batch; deleting
// a segment that a rule uses is a 409.
import { OpenAPIHono } from "@hono/zod-openapi";
import { commitChange, flagAtVersion, segmentAtVersion } from "../../store/admin-tx";
import {
  countSegments,
  deleteSegment,
  getSegment,
  insertSegment,
  listSegments,
  segmentRuleCountIs,
  segmentUsers,
  updateSegment,
  type SegmentRow,
} from "../../store/segment-repo";
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
import { assertPublishable } from "../flag-model";
import { checkConstraints, segmentView } from "../segment-model";
import { LIMITS } from "../limits";
import { adminRoute, body, json } from "../route-def";
import { PageQuery, SegmentCreate, SegmentParams, SegmentPatch } from "../schemas";
import { Segment, SegmentPage } from "../response-schemas";

async function loadSegment(c: AdminContext, key: string): Promise<SegmentRow> {
  const row = await getSegment(c.get("db"), key);
  if (!row) throw new ApiError("not_found", `segment "${key}" not found`);
  return row;
}

export const segmentRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

segmentRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/segments",
    scope: "read",
    tags: ["segments"],
    summary: "List segments",
    request: { query: PageQuery },
    responses: { 200: json(SegmentPage, "a page of segments") },
  }),
  async (c) => {
    const { limit = LIMITS.pageDefault, cursor } = c.req.valid("query");
    const rows = await listSegments(c.get("db"), limit, decodeCursor(cursor));
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    return c.json({ items: rows.map(segmentView), nextCursor: last ? encodeCursor(last.key) : null }, 200);
  },
);

segmentRoutes.openapi(
  adminRoute({
    method: "post",
    path: "/segments",
    scope: "admin",
    tags: ["segments"],
    summary: "Create a segment",
    request: { body: body(SegmentCreate) },
    responses: { 201: json(Segment, "created") },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const db = c.get("db");
    checkConstraints(input.constraints);
    if ((await countSegments(db)) >= LIMITS.segments)
      throw new ApiError("limit_exceeded", `at most ${LIMITS.segments} segments`);
    const now = c.get("now");
    const row = {
      key: input.key,
      description: input.description ?? "",
      constraints: JSON.stringify(input.constraints),
      negate: input.negate ?? false,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const committed = await commitChange(
      db,
      {
        guards: [],
        statements: [insertSegment(db, row)],
        audit: {
          ...auditBase(c),
          action: "segment.create",
          resourceType: "segment",
          resourceId: input.key,
          flagKey: null,
          before: null,
          after: input,
        },
      },
      now,
    );
    if (!committed.ok) throw writeFailureToApi(committed.error, `segment "${input.key}"`);
    c.header("ETag", etagOf("segment", 1));
    c.header("Location", `/admin/api/segments/${input.key}`);
    return c.json(segmentView(await loadSegment(c, input.key)), 201);
  },
);

segmentRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/segments/{key}",
    scope: "read",
    tags: ["segments"],
    summary: "Read a segment",
    request: { params: SegmentParams },
    responses: { 200: json(Segment, "the segment") },
  }),
  async (c) => {
    const row = await loadSegment(c, c.req.valid("param").key);
    c.header("ETag", etagOf("segment", row.version));
    return c.json(segmentView(row), 200);
  },
);

segmentRoutes.openapi(
  adminRoute({
    method: "patch",
    path: "/segments/{key}",
    scope: "admin",
    tags: ["segments"],
    summary: "Change a segment; republishes flags using it (If-Match)",
    request: { params: SegmentParams, body: body(SegmentPatch) },
    responses: { 200: json(Segment, "the changed segment") },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.get("db");
    const row = await loadSegment(c, key);
    checkIfMatch(c, etagOf("segment", row.version));
    if (input.constraints === undefined && input.negate === undefined && input.description === undefined) {
      throw new ApiError("invalid_request", "nothing to change");
    }
    if (input.constraints) checkConstraints(input.constraints);
    const next = { ...segmentView(row), ...input };
    const users = await segmentUsers(db, key);
    // Every dependent flag's would-be snapshot must still compile.
    for (const flag of users.flags) {
      const snapshot = await readFlagSnapshot(c.env.DB, flag.key);
      if (!snapshot) continue;
      const segmentSpec = { key, constraints: next.constraints, negate: next.negate };
      assertPublishable({
        ...snapshot,
        version: snapshot.version + 1,
        rules: snapshot.rules.map((rule) => (rule.segment.key === key ? { ...rule, segment: segmentSpec } : rule)),
      });
    }
    const now = c.get("now");
    const changes = {
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.constraints !== undefined ? { constraints: JSON.stringify(input.constraints) } : {}),
      ...(input.negate !== undefined ? { negate: input.negate } : {}),
    };
    const committed = await commitChange(
      db,
      {
        // The set of dependent flags (and their versions) must be the one just validated.
        guards: [
          segmentAtVersion(key, row.version),
          segmentRuleCountIs(key, users.ruleCount),
          ...users.flags.map((f) => flagAtVersion(f.key, f.version)),
        ],
        statements: updateSegment(
          db,
          key,
          changes,
          users.flags.map((f) => f.key),
          now,
        ),
        audit: {
          ...auditBase(c),
          action: "segment.update",
          resourceType: "segment",
          resourceId: key,
          flagKey: null,
          before: segmentView(row),
          after: { ...next, version: row.version + 1 },
        },
      },
      now,
    );
    if (!committed.ok) throw writeFailureToApi(committed.error, `segment "${key}"`);
    await afterCommit(
      c,
      users.flags.map((f) => f.key),
    );
    const updated = await loadSegment(c, key);
    c.header("ETag", etagOf("segment", updated.version));
    return c.json(segmentView(updated), 200);
  },
);

segmentRoutes.openapi(
  adminRoute({
    method: "delete",
    path: "/segments/{key}",
    scope: "admin",
    tags: ["segments"],
    summary: "Delete an unused segment (If-Match); 409 while a rule uses it",
    request: { params: SegmentParams },
    responses: { 204: { description: "deleted" } },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const db = c.get("db");
    const row = await loadSegment(c, key);
    checkIfMatch(c, etagOf("segment", row.version));
    const users = await segmentUsers(db, key);
    if (users.ruleCount > 0) {
      throw new ApiError(
        "conflict",
        `segment "${key}" is used by rules of: ${users.flags.map((f) => f.key).join(", ")}`,
        { flags: users.flags.map((f) => f.key) },
      );
    }
    const committed = await commitChange(
      db,
      {
        guards: [segmentAtVersion(key, row.version)],
        statements: [deleteSegment(db, key)],
        audit: {
          ...auditBase(c),
          action: "segment.delete",
          resourceType: "segment",
          resourceId: key,
          flagKey: null,
          before: segmentView(row),
          after: null,
        },
      },
      c.get("now"),
    );
    // A rule added concurrently makes the foreign key refuse: that is the 409 too.
    if (!committed.ok) throw writeFailureToApi(committed.error, `segment "${key}"`);
    return c.body(null, 204);
  },
);
