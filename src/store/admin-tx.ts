// One admin change = one D1 batch (a transaction): precondition guards first,
// then the row changes, then exactly one audit row. A failing guard, a unique
// or a foreign-key violation aborts the whole batch, so a rejected change
// writes nothing and two writers on one version cannot both commit.
// Failures come back as values (tagged); anything else is rethrown.
import { sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { err, ok, type Result } from "../core/result";
import * as schema from "./schema";
import type { Db } from "./db";

/** A bound SQL statement, ready for D1's native batch. */
export interface Statement {
  sql: string;
  params: unknown[];
}

const dialect = new SQLiteAsyncDialect();

/** A drizzle query builder or raw `sql` → a plain statement. (drizzle's own
 *  batch cannot bind raw `sql` statements, so the batch is D1's.) */
export function stmt(query: SQL | { toSQL(): { sql: string; params: unknown[] } }): Statement {
  const built = "toSQL" in query ? query.toSQL() : dialect.sqlToQuery(query);
  return { sql: built.sql, params: built.params };
}

export type WriteFailure = { kind: "precondition_failed" } | { kind: "already_exists" } | { kind: "referenced" };

export interface AuditEntry {
  actor: string;
  action: string;
  resourceType: "flag" | "segment" | "rollout" | "token";
  resourceId: string;
  flagKey: string | null;
  before: unknown;
  after: unknown;
  requestId: string;
}

export interface Change {
  /** Boolean SQL expressions that must all hold when the batch runs. */
  guards: SQL[];
  statements: Statement[];
  audit: AuditEntry;
}

/** The flag still has this version. */
export const flagAtVersion = (key: string, version: number): SQL =>
  sql`(SELECT count(*) FROM ${schema.flags} WHERE ${schema.flags.key} = ${key} AND ${schema.flags.version} = ${version}) = 1`;

export const segmentAtVersion = (key: string, version: number): SQL =>
  sql`(SELECT count(*) FROM ${schema.segments} WHERE ${schema.segments.key} = ${key} AND ${schema.segments.version} = ${version}) = 1`;

export const rolloutAtVersion = (id: string, version: number): SQL =>
  sql`(SELECT count(*) FROM ${schema.rollouts} WHERE ${schema.rollouts.id} = ${id} AND ${schema.rollouts.version} = ${version}) = 1`;

/** Bumps a flag's version: its published snapshot changes with this batch. */
export function bumpFlag(db: Db, key: string, now: number): Statement {
  return stmt(
    db
      .update(schema.flags)
      .set({ version: sql`${schema.flags.version} + 1`, updatedAt: now })
      .where(sql`${schema.flags.key} = ${key}`),
  );
}

function guardStatement(condition: SQL): Statement {
  return stmt(sql`INSERT INTO ${schema.writeGuards} (id, ok) VALUES ('guard', CASE WHEN ${condition} THEN 1 ELSE 0 END)
    ON CONFLICT (id) DO UPDATE SET ok = excluded.ok`);
}

function auditStatement(db: Db, entry: AuditEntry, at: number): Statement {
  return stmt(
    db.insert(schema.auditLog).values({
      at,
      actor: entry.actor,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      flagKey: entry.flagKey,
      before: entry.before === null || entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === null || entry.after === undefined ? null : JSON.stringify(entry.after),
      requestId: entry.requestId,
    }),
  );
}

function messagesOf(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    parts.push(String((e as { message?: unknown }).message ?? e));
  }
  return parts.join(" | ");
}

function classify(error: unknown): WriteFailure | null {
  const text = messagesOf(error);
  if (/CHECK constraint failed/i.test(text)) return { kind: "precondition_failed" };
  if (/UNIQUE constraint failed|PRIMARY KEY/i.test(text)) return { kind: "already_exists" };
  if (/FOREIGN KEY constraint failed/i.test(text)) return { kind: "referenced" };
  return null;
}

/** Runs the change as one batch; known constraint failures become values. */
export async function commitChange(db: Db, change: Change, now: number): Promise<Result<void, WriteFailure>> {
  const items: Statement[] = [
    ...change.guards.map(guardStatement),
    ...change.statements,
    auditStatement(db, change.audit, now),
  ];
  try {
    // openDb() builds the Db with drizzle(d1): the D1 binding is its $client.
    const d1 = (db as Db & { $client: D1Database }).$client;
    await d1.batch(items.map((item) => d1.prepare(item.sql).bind(...item.params)));
    return ok(undefined);
  } catch (error) {
    const failure = classify(error);
    if (failure) return err(failure);
    throw error;
  }
}
