// Writes flags, segments, rules, overrides and rollouts straight into D1
// (the admin API is not involved), bumping the flag version like a real change.
import { drizzle } from "drizzle-orm/d1";
import { eq, sql } from "drizzle-orm";
import * as schema from "../../src/store/schema";

export type FlagSeed = Partial<typeof schema.flags.$inferInsert> & { key: string };

export const db = (d1: D1Database) => drizzle(d1, { schema });

export async function seedFlag(d1: D1Database, flag: FlagSeed) {
  await db(d1)
    .insert(schema.flags)
    .values({
      routeMethod: "POST",
      routePath: `/${flag.key}/predict`,
      blueOrigin: JSON.stringify({ url: "https://blue.test" }),
      greenOrigin: JSON.stringify({ url: "https://green.test" }),
      timeoutMs: 500,
      ...flag,
    });
}

export async function bumpVersion(
  d1: D1Database,
  flagKey: string,
  changes: Partial<typeof schema.flags.$inferInsert> = {},
) {
  await db(d1)
    .update(schema.flags)
    .set({ ...changes, version: sql`${schema.flags.version} + 1` })
    .where(eq(schema.flags.key, flagKey));
}

export async function seedRollout(
  d1: D1Database,
  flagKey: string,
  id: string,
  percent: number,
  mode: "serve" | "shadow" = "serve",
) {
  await db(d1)
    .insert(schema.rollouts)
    .values({
      id,
      flagKey,
      state: "active",
      stageIndex: 0,
      stageStartedAt: Date.now(),
      stages: JSON.stringify([{ mode, percent, minDurationSeconds: 60, minSamples: 100 }]),
    });
  await bumpVersion(d1, flagKey);
}

export async function seedSegmentRule(
  d1: D1Database,
  flagKey: string,
  rule: {
    id: string;
    position: number;
    segmentKey: string;
    constraints: unknown[];
    negate?: boolean;
    variant?: string;
    percent?: number;
  },
) {
  await db(d1)
    .insert(schema.segments)
    .values({ key: rule.segmentKey, constraints: JSON.stringify(rule.constraints), negate: rule.negate ?? false })
    .onConflictDoNothing();
  await db(d1)
    .insert(schema.flagRules)
    .values({
      flagKey,
      id: rule.id,
      position: rule.position,
      segmentKey: rule.segmentKey,
      variant: rule.variant ?? null,
      percent: rule.percent ?? null,
    });
  await bumpVersion(d1, flagKey);
}

export async function seedOverride(d1: D1Database, flagKey: string, unitKey: string, variant: "blue" | "green") {
  await db(d1).insert(schema.overrides).values({ flagKey, unitKey, variant });
  await bumpVersion(d1, flagKey);
}

export async function outcomeRows(d1: D1Database, flagKey?: string) {
  const rows = await db(d1).select().from(schema.outcomes);
  return flagKey ? rows.filter((row) => row.flagKey === flagKey) : rows;
}
