// Segment rows for the admin API: reads (including which flags use a
// segment) and statement builders for `commitChange`. Never commits itself.
import { asc, count, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import * as schema from "./schema";
import { bumpFlag, stmt, type Statement } from "./admin-tx";
import type { Db } from "./db";

export type SegmentRow = typeof schema.segments.$inferSelect;
export type SegmentInsert = typeof schema.segments.$inferInsert;

export async function getSegment(db: Db, key: string): Promise<SegmentRow | undefined> {
  return db.query.segments.findFirst({ where: eq(schema.segments.key, key) });
}

export async function getSegments(db: Db, keys: string[]): Promise<SegmentRow[]> {
  if (keys.length === 0) return [];
  return db.select().from(schema.segments).where(inArray(schema.segments.key, keys));
}

export async function listSegments(db: Db, limit: number, afterKey: string | null): Promise<SegmentRow[]> {
  return db
    .select()
    .from(schema.segments)
    .where(afterKey === null ? undefined : gt(schema.segments.key, afterKey))
    .orderBy(asc(schema.segments.key))
    .limit(limit);
}

export async function countSegments(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(schema.segments);
  return row?.n ?? 0;
}

/** Flags (key + version) whose rules reference the segment, and how many rules do. */
export async function segmentUsers(
  db: Db,
  key: string,
): Promise<{ flags: { key: string; version: number }[]; ruleCount: number }> {
  const rows = await db
    .select({ key: schema.flags.key, version: schema.flags.version })
    .from(schema.flagRules)
    .innerJoin(schema.flags, eq(schema.flagRules.flagKey, schema.flags.key))
    .where(eq(schema.flagRules.segmentKey, key));
  const flags = [...new Map(rows.map((row) => [row.key, row])).values()];
  return { flags, ruleCount: rows.length };
}

/** The set of rules referencing the segment is still the one we validated against. */
export const segmentRuleCountIs = (key: string, expected: number): SQL =>
  sql`(SELECT count(*) FROM ${schema.flagRules} WHERE ${schema.flagRules.segmentKey} = ${key}) = ${expected}`;

export function insertSegment(db: Db, row: SegmentInsert): Statement {
  return stmt(db.insert(schema.segments).values(row));
}

/** Updates the segment and bumps every flag that embeds it in its snapshot. */
export function updateSegment(
  db: Db,
  key: string,
  changes: Partial<SegmentInsert>,
  dependentFlags: string[],
  now: number,
): Statement[] {
  return [
    stmt(
      db
        .update(schema.segments)
        .set({ ...changes, updatedAt: now, version: sql`${schema.segments.version} + 1` })
        .where(eq(schema.segments.key, key)),
    ),
    ...dependentFlags.map((flagKey) => bumpFlag(db, flagKey, now)),
  ];
}

export function deleteSegment(db: Db, key: string): Statement {
  return stmt(db.delete(schema.segments).where(eq(schema.segments.key, key)));
}
