// /tokens (admin scope: mint — the secret is shown once —, list, revoke) and
// /audit (read scope: newest first, filtered, keyset-paginated). Token
// responses and audit rows carry token ids, never secrets or hashes.
import { OpenAPIHono } from "@hono/zod-openapi";
import { commitChange } from "../../store/admin-tx";
import {
  getToken,
  insertToken,
  listAudit,
  listTokens,
  revokeToken,
  tokenIsLive,
  type AuditRow,
  type TokenRow,
} from "../../store/token-audit-repo";
import { parseJson } from "../../store/db";
import { hashSecret, mintSecret } from "../auth";
import { auditBase, decodeCursor, encodeCursor, type AdminEnv } from "../context";
import { ApiError, validationHook, writeFailureToApi } from "../errors";
import { LIMITS } from "../limits";
import { adminRoute, json } from "../route-def";
import { AuditQuery, TokenCreate, TokenParams } from "../schemas";
import { AuditPage, MintedToken, TokenPage } from "../response-schemas";

export const tokenAuditRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

function tokenView(
  row: Pick<TokenRow, "id" | "name" | "scope" | "createdBy" | "createdAt"> & { revokedAt?: number | null },
) {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt ?? null,
  };
}

tokenAuditRoutes.openapi(
  adminRoute({
    method: "post",
    path: "/tokens",
    scope: "admin",
    tags: ["tokens"],
    summary: "Mint a token; the secret is returned once",
    request: { body: { required: true, content: { "application/json": { schema: TokenCreate } } } },
    responses: { 201: json(MintedToken, "the token with its secret") },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const db = c.get("db");
    const secret = mintSecret();
    const now = c.get("now");
    const row = {
      id: `tok_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`,
      name: input.name,
      scope: input.scope,
      secretHash: await hashSecret(secret),
      createdBy: c.get("actor").id,
      createdAt: now,
    };
    const committed = await commitChange(
      db,
      {
        guards: [],
        statements: [insertToken(db, row)],
        audit: {
          ...auditBase(c),
          action: "token.create",
          resourceType: "token",
          resourceId: row.id,
          flagKey: null,
          before: null,
          after: tokenView(row),
        },
      },
      now,
    );
    if (!committed.ok) throw writeFailureToApi(committed.error, "token");
    c.header("Location", `/admin/api/tokens/${row.id}`);
    return c.json({ ...tokenView(row), token: secret }, 201);
  },
);

tokenAuditRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/tokens",
    scope: "admin",
    tags: ["tokens"],
    summary: "List tokens (never their secrets)",
    responses: { 200: json(TokenPage, "tokens") },
  }),
  async (c) => c.json({ items: (await listTokens(c.get("db"))).map(tokenView), nextCursor: null }, 200),
);

tokenAuditRoutes.openapi(
  adminRoute({
    method: "delete",
    path: "/tokens/{id}",
    scope: "admin",
    tags: ["tokens"],
    summary: "Revoke a token (takes effect at once)",
    request: { params: TokenParams },
    responses: { 204: { description: "revoked" } },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const db = c.get("db");
    const row = await getToken(db, id);
    if (!row || row.revokedAt !== null) throw new ApiError("not_found", `token "${id}" not found`);
    const now = c.get("now");
    const committed = await commitChange(
      db,
      {
        guards: [tokenIsLive(id)],
        statements: [revokeToken(db, id, now)],
        audit: {
          ...auditBase(c),
          action: "token.revoke",
          resourceType: "token",
          resourceId: id,
          flagKey: null,
          before: tokenView(row),
          after: tokenView({ ...row, revokedAt: now }),
        },
      },
      now,
    );
    if (!committed.ok) throw new ApiError("not_found", `token "${id}" not found`);
    return c.body(null, 204);
  },
);

function parseSince(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const ms = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
  if (!Number.isFinite(ms))
    throw new ApiError("invalid_request", "since must be epoch milliseconds or an ISO 8601 date");
  return ms;
}

function auditView(row: AuditRow) {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    resource: { type: row.resourceType, id: row.resourceId },
    flag: row.flagKey,
    before: parseJson(row.before),
    after: parseJson(row.after),
    requestId: row.requestId,
  };
}

tokenAuditRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/audit",
    scope: "read",
    tags: ["audit"],
    summary: "Audit log, newest first",
    request: { query: AuditQuery },
    responses: { 200: json(AuditPage, "a page of audit entries") },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const limit = query.limit ?? LIMITS.pageDefault;
    const cursor = decodeCursor(query.cursor);
    const beforeId = cursor === null ? undefined : Number(cursor);
    if (beforeId !== undefined && !Number.isInteger(beforeId)) throw new ApiError("invalid_request", "invalid cursor");
    const rows = await listAudit(c.get("db"), {
      flag: query.flag,
      actor: query.actor,
      sinceMs: parseSince(query.since),
      beforeId,
      limit,
    });
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    return c.json({ items: rows.map(auditView), nextCursor: last ? encodeCursor(String(last.id)) : null }, 200);
  },
);
