// Decision records: one row per assessment the health loop makes, holds
// included, with the figures the judge used (docs/design/health-loop.md).
// Written by the loop only: alone (recordDecision), coalesced per tick
// (decisionWriter), or as a statement inside a transition's batch
// (insertDecision); the admin API only lists them. Never judges.
import { and, desc, eq, lt } from "drizzle-orm";
import { scopeLabel, type Assessment } from "../core/health";
import * as schema from "./schema";
import { stmt, type Statement } from "./admin-tx";
import { coalesce } from "./d1-coalesce";
import type { Db } from "./db";

export type DecisionRow = typeof schema.decisions.$inferSelect;

export interface DecisionRecord {
  at: number;
  flagKey: string;
  rolloutId: string;
  rolloutVersion: number;
  assessment: Assessment;
  applied: boolean;
  extra?: Record<string, unknown>;
}

export function insertDecision(db: Db, record: DecisionRecord): Statement {
  const a = record.assessment;
  return stmt(
    db.insert(schema.decisions).values({
      at: record.at,
      flagKey: record.flagKey,
      rolloutId: record.rolloutId,
      scope: scopeLabel(a.scope),
      action: a.action,
      reason: a.reason,
      stageIndex: a.stageIndex,
      rolloutVersion: record.rolloutVersion,
      applied: record.applied,
      blueReady: a.blueReady,
      figures: JSON.stringify({ ...a, ...record.extra }),
    }),
  );
}

/** Holds and lost races: a decision row on its own (no audit: nothing changed). */
export async function recordDecision(db: Db, record: DecisionRecord): Promise<void> {
  const built = insertDecision(db, record);
  const d1 = (db as Db & { $client: D1Database }).$client;
  await d1
    .prepare(built.sql)
    .bind(...built.params)
    .run();
}

/**
 * recordDecision for one tick: decisions recorded together (concurrent
 * rollouts) share one D1 batch. The batch is a transaction, so a failed
 * insert fails every caller of that batch; each caller then reports its own
 * rollout as failed, as a lone failed insert would.
 */
export function decisionWriter(db: Db): (record: DecisionRecord) => Promise<void> {
  const d1 = (db as Db & { $client: D1Database }).$client;
  return coalesce(async (records: DecisionRecord[]) => {
    await d1.batch(
      records.map((record) => {
        const built = insertDecision(db, record);
        return d1.prepare(built.sql).bind(...built.params);
      }),
    );
    return records.map(() => undefined);
  });
}

/** Narrows a decisions listing to one rollout and/or one scope label ("rollout", "rule:<id>"). */
export interface DecisionFilter {
  rolloutId?: string;
  scope?: string;
}

/** Newest first, keyset-paginated by id. */
export async function listDecisions(
  db: Db,
  flagKey: string,
  limit: number,
  beforeId: number | null,
  filter: DecisionFilter = {},
): Promise<DecisionRow[]> {
  const d = schema.decisions;
  return db
    .select()
    .from(d)
    .where(
      and(
        eq(d.flagKey, flagKey),
        beforeId === null ? undefined : lt(d.id, beforeId),
        filter.rolloutId === undefined ? undefined : eq(d.rolloutId, filter.rolloutId),
        filter.scope === undefined ? undefined : eq(d.scope, filter.scope),
      ),
    )
    .orderBy(desc(d.id))
    .limit(limit);
}
