// Flag, rule and override rows for the admin API: reads, and statement
// builders that the admin composes into one `commitChange` batch. Never
// commits on its own, so every write stays one audited transaction.
import { and, asc, count, eq, gt, sql } from "drizzle-orm";
import type { Variant } from "../core/types";
import * as schema from "./schema";
import { stmt, type Statement } from "./admin-tx";
import type { Db, FlagRow } from "./db";

export type FlagInsert = typeof schema.flags.$inferInsert;
export type FlagUpdate = Partial<Omit<FlagInsert, "key" | "version" | "createdAt">>;
export type RuleRow = typeof schema.flagRules.$inferSelect;
export type OverrideRow = { unitKey: string; variant: string };
export type { FlagRow };

export async function getFlag(db: Db, key: string): Promise<FlagRow | undefined> {
  return db.query.flags.findFirst({ where: eq(schema.flags.key, key) });
}

/** Flags ordered by key, starting after `afterKey` (keyset pagination). */
export async function listFlags(db: Db, limit: number, afterKey: string | null): Promise<FlagRow[]> {
  return db
    .select()
    .from(schema.flags)
    .where(afterKey === null ? undefined : gt(schema.flags.key, afterKey))
    .orderBy(asc(schema.flags.key))
    .limit(limit);
}

export async function countFlags(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(schema.flags);
  return row?.n ?? 0;
}

/** Another flag with exactly this method + path + host, if any. */
export async function findRouteOwner(
  db: Db,
  method: string,
  path: string,
  host: string | null,
  exceptKey: string | null,
): Promise<string | null> {
  const rows = await db
    .select({ key: schema.flags.key, host: schema.flags.routeHost })
    .from(schema.flags)
    .where(and(eq(schema.flags.routeMethod, method), eq(schema.flags.routePath, path)));
  const owner = rows.find((row) => row.key !== exceptKey && (row.host ?? null) === host);
  return owner?.key ?? null;
}

export function insertFlag(db: Db, row: FlagInsert): Statement {
  return stmt(db.insert(schema.flags).values(row));
}

/** Updates columns and bumps the version in one statement. */
export function updateFlag(db: Db, key: string, changes: FlagUpdate, now: number): Statement {
  return stmt(
    db
      .update(schema.flags)
      .set({ ...changes, updatedAt: now, version: sql`${schema.flags.version} + 1` })
      .where(eq(schema.flags.key, key)),
  );
}

export function deleteFlagRows(db: Db, key: string): Statement[] {
  return [
    stmt(db.delete(schema.flagRules).where(eq(schema.flagRules.flagKey, key))),
    stmt(db.delete(schema.overrides).where(eq(schema.overrides.flagKey, key))),
    stmt(db.delete(schema.rollouts).where(eq(schema.rollouts.flagKey, key))),
    stmt(db.delete(schema.flags).where(eq(schema.flags.key, key))),
  ];
}

// ---------- rules ----------

export async function listRules(db: Db, flagKey: string): Promise<RuleRow[]> {
  return db
    .select()
    .from(schema.flagRules)
    .where(eq(schema.flagRules.flagKey, flagKey))
    .orderBy(asc(schema.flagRules.position));
}

export interface RuleInput {
  id: string;
  segment: string;
  variant?: Variant | undefined;
  percent?: number | undefined;
}

/** Deletes the flag's rules and inserts the new ordered list. */
export function replaceRules(db: Db, flagKey: string, rules: RuleInput[]): Statement[] {
  const statements: Statement[] = [stmt(db.delete(schema.flagRules).where(eq(schema.flagRules.flagKey, flagKey)))];
  if (rules.length > 0) {
    // One statement for the whole list: a JSON parameter unpacked by json_each
    // (D1 caps bound parameters per statement, not their size).
    const payload = JSON.stringify(
      rules.map((rule, position) => ({
        i: rule.id,
        p: position,
        s: rule.segment,
        v: rule.variant ?? null,
        r: rule.percent ?? null,
      })),
    );
    statements.push(
      stmt(sql`INSERT INTO ${schema.flagRules} (flag_key, id, position, segment_key, variant, percent)
      SELECT ${flagKey}, json_extract(value, '$.i'), json_extract(value, '$.p'), json_extract(value, '$.s'),
             json_extract(value, '$.v'), json_extract(value, '$.r')
      FROM json_each(${payload})`),
    );
  }
  return statements;
}

// ---------- overrides ----------

export async function listOverrides(
  db: Db,
  flagKey: string,
  limit: number,
  afterUnit: string | null,
): Promise<OverrideRow[]> {
  return db
    .select({ unitKey: schema.overrides.unitKey, variant: schema.overrides.variant })
    .from(schema.overrides)
    .where(
      and(
        eq(schema.overrides.flagKey, flagKey),
        afterUnit === null ? undefined : gt(schema.overrides.unitKey, afterUnit),
      ),
    )
    .orderBy(asc(schema.overrides.unitKey))
    .limit(limit);
}

export async function countOverrides(db: Db, flagKey: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(schema.overrides).where(eq(schema.overrides.flagKey, flagKey));
  return row?.n ?? 0;
}

/** Current variants of the given unit keys (for the audit's `before`). */
export async function overridesFor(db: Db, flagKey: string, unitKeys: string[]): Promise<Record<string, string>> {
  if (unitKeys.length === 0) return {};
  const rows = await db.all<{ unit_key: string; variant: string }>(sql`SELECT unit_key, variant FROM ${schema.overrides}
    WHERE flag_key = ${flagKey} AND unit_key IN (SELECT value FROM json_each(${JSON.stringify(unitKeys)}))`);
  return Object.fromEntries(rows.map((row) => [row.unit_key, row.variant]));
}

export function upsertOverrides(flagKey: string, pins: { unitKey: string; variant: Variant }[]): Statement[] {
  if (pins.length === 0) return [];
  const payload = JSON.stringify(pins.map((pin) => ({ u: pin.unitKey, v: pin.variant })));
  // `WHERE true` disambiguates INSERT … SELECT from the ON CONFLICT clause.
  return [
    stmt(sql`INSERT INTO ${schema.overrides} (flag_key, unit_key, variant)
    SELECT ${flagKey}, json_extract(value, '$.u'), json_extract(value, '$.v') FROM json_each(${payload}) WHERE true
    ON CONFLICT (flag_key, unit_key) DO UPDATE SET variant = excluded.variant`),
  ];
}

export function deleteOverrides(flagKey: string, unitKeys: string[]): Statement[] {
  if (unitKeys.length === 0) return [];
  return [
    stmt(sql`DELETE FROM ${schema.overrides}
    WHERE flag_key = ${flagKey} AND unit_key IN (SELECT value FROM json_each(${JSON.stringify(unitKeys)}))`),
  ];
}
