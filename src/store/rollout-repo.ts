// Rollout rows for the admin API (and later the health loop): reads and
// statement builders for `commitChange`. Converts rows to the pure
// `RolloutRecord` of core/rollout-machine and back. Never commits itself.
import { desc, eq, sql } from "drizzle-orm";
import type { RolloutRecord, Stage } from "../core/rollout-machine";
import type { RolloutState } from "../core/types";
import * as schema from "./schema";
import { stmt, type Statement } from "./admin-tx";
import { parseJson, type Db, type RolloutRow } from "./db";

export type { RolloutRow };

export function toRolloutRecord(row: RolloutRow): RolloutRecord {
  return {
    id: row.id,
    state: row.state as RolloutState,
    stages: parseJson<Stage[]>(row.stages) ?? [],
    stageIndex: row.stageIndex,
    stageStartedAt: row.stageStartedAt,
    holdSeconds: row.holdSeconds,
    endedAt: row.endedAt,
  };
}

/** The flag's most recent rollout (live or ended), or undefined. */
export async function latestRollout(db: Db, flagKey: string): Promise<RolloutRow | undefined> {
  const [row] = await db
    .select()
    .from(schema.rollouts)
    .where(eq(schema.rollouts.flagKey, flagKey))
    .orderBy(desc(schema.rollouts.createdAt), desc(schema.rollouts.stageStartedAt))
    .limit(1);
  return row;
}

export function insertRollout(db: Db, flagKey: string, record: RolloutRecord, now: number): Statement {
  return stmt(
    db.insert(schema.rollouts).values({
      id: record.id,
      flagKey,
      stages: JSON.stringify(record.stages),
      stageIndex: record.stageIndex,
      stageStartedAt: record.stageStartedAt,
      holdSeconds: record.holdSeconds,
      state: record.state,
      endedAt: record.endedAt,
      createdAt: now,
      updatedAt: now,
    }),
  );
}

/** Writes the machine's next record and bumps the rollout version. */
export function updateRollout(db: Db, record: RolloutRecord, now: number): Statement {
  return stmt(
    db
      .update(schema.rollouts)
      .set({
        state: record.state,
        stageIndex: record.stageIndex,
        stageStartedAt: record.stageStartedAt,
        endedAt: record.endedAt,
        updatedAt: now,
        version: sql`${schema.rollouts.version} + 1`,
      })
      .where(eq(schema.rollouts.id, record.id)),
  );
}
