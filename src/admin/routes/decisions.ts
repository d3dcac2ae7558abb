// GET /flags/:key/decisions (read scope): the health loop's decision records,
// holds included, newest first, keyset-paginated — every figure the judge
// used is in `figures`. `rolloutId` and `scope` narrow the list to one
// rollout's (segment's) judgements, so "the last decision" of a rollout is
// never a previous rollout's. Read-only: decisions are written by src/cron only.
import { OpenAPIHono } from "@hono/zod-openapi";
import { listDecisions, type DecisionRow } from "../../store/decision-repo";
import { parseJson } from "../../store/db";
import { decodeCursor, encodeCursor, type AdminEnv } from "../context";
import { ApiError, validationHook } from "../errors";
import { LIMITS } from "../limits";
import { adminRoute } from "../route-def";
import { DecisionsQuery, FlagParams } from "../schemas";
import { DecisionPage, type DecisionView } from "../decision-schemas";
import { loadFlag } from "./flags";

export const decisionRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

function decisionView(row: DecisionRow) {
  return {
    id: row.id,
    at: row.at,
    flagKey: row.flagKey,
    rolloutId: row.rolloutId,
    scope: row.scope,
    action: row.action,
    reason: row.reason,
    stageIndex: row.stageIndex,
    rolloutVersion: row.rolloutVersion,
    applied: row.applied,
    blueReady: row.blueReady,
    figures: parseJson<DecisionView["figures"]>(row.figures),
  };
}

decisionRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags/{key}/decisions",
    scope: "read",
    tags: ["health"],
    summary: "Health-loop decisions (holds included), newest first",
    request: { params: FlagParams, query: DecisionsQuery },
    responses: {
      200: { description: "a page of decisions", content: { "application/json": { schema: DecisionPage } } },
    },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const query = c.req.valid("query");
    await loadFlag(c, key);
    const limit = query.limit ?? LIMITS.pageDefault;
    const cursor = decodeCursor(query.cursor);
    const beforeId = cursor === null ? null : Number(cursor);
    if (beforeId !== null && !Number.isInteger(beforeId)) throw new ApiError("invalid_request", "invalid cursor");
    const rows = await listDecisions(c.get("db"), key, limit, beforeId, {
      rolloutId: query.rolloutId,
      scope: query.scope,
    });
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    return c.json({ items: rows.map(decisionView), nextCursor: last ? encodeCursor(String(last.id)) : null }, 200);
  },
);
