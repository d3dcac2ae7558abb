// API tokens (only SHA-256 hashes are stored) and audit-log reads for the
// admin API; the per-request lookup by hash is token-lookup.ts's. Token writes are statements for `commitChange`, so minting and
// revoking are audited like every other mutation.
import { and, desc, eq, gte, isNull, lt, sql, type SQL } from "drizzle-orm";
import * as schema from "./schema";
import { stmt, type Statement } from "./admin-tx";
import type { Db } from "./db";

export type TokenRow = typeof schema.apiTokens.$inferSelect;
export type AuditRow = typeof schema.auditLog.$inferSelect;

export async function getToken(db: Db, id: string): Promise<TokenRow | undefined> {
  return db.query.apiTokens.findFirst({ where: eq(schema.apiTokens.id, id) });
}

export async function listTokens(db: Db): Promise<TokenRow[]> {
  return db.select().from(schema.apiTokens).orderBy(desc(schema.apiTokens.createdAt));
}

export function insertToken(db: Db, row: Omit<TokenRow, "revokedAt" | "updatedAt">): Statement {
  return stmt(db.insert(schema.apiTokens).values({ ...row, updatedAt: row.createdAt }));
}

/** Revokes only a live token; the row stays so audit entries keep a name. */
export function revokeToken(db: Db, id: string, now: number): Statement {
  return stmt(
    db
      .update(schema.apiTokens)
      .set({ revokedAt: now, updatedAt: now })
      .where(and(eq(schema.apiTokens.id, id), isNull(schema.apiTokens.revokedAt))),
  );
}

export const tokenIsLive = (id: string): SQL =>
  sql`(SELECT count(*) FROM ${schema.apiTokens} WHERE ${schema.apiTokens.id} = ${id} AND ${schema.apiTokens.revokedAt} IS NULL) = 1`;

export interface AuditQuery {
  flag?: string | undefined;
  actor?: string | undefined;
  sinceMs?: number | undefined;
  /** Return rows with an id below this (newest first). */
  beforeId?: number | undefined;
  limit: number;
}

export async function listAudit(db: Db, query: AuditQuery): Promise<AuditRow[]> {
  const conditions = [
    query.flag !== undefined ? eq(schema.auditLog.flagKey, query.flag) : undefined,
    query.actor !== undefined ? eq(schema.auditLog.actor, query.actor) : undefined,
    query.sinceMs !== undefined ? gte(schema.auditLog.at, query.sinceMs) : undefined,
    query.beforeId !== undefined ? lt(schema.auditLog.id, query.beforeId) : undefined,
  ].filter((condition) => condition !== undefined);
  return db
    .select()
    .from(schema.auditLog)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(schema.auditLog.id))
    .limit(query.limit);
}
