// The health loop's reads: which rollouts a tick checks (active ones, with
// their flags and rules; paused rollouts are not judged) and blue's baseline,
// captured once per rollout.
// Read only, apart from the first-capture-wins baseline insert; never judges.
// A tick reads its inputs in ONE D1 batch (loadTickState): D1 round trips,
// not SQL, dominate a tick with many rollouts (docs/design/health-loop.md).
import { and, asc, eq, inArray, lte, max } from "drizzle-orm";
import type { ArmWindow } from "../core/health";
import * as schema from "./schema";
import type { RuleRow } from "./flag-repo";
import type { Db, FlagRow, RolloutRow } from "./db";

export interface StoredBaseline {
  arm: ArmWindow;
  fromMs: number;
  toMs: number;
}

export interface TickState {
  rollouts: { flag: FlagRow; rollout: RolloutRow }[];
  /** Stored baselines of those rollouts and the windows they were read over, by rollout id (missing = not captured yet). */
  baselines: Map<string, StoredBaseline>;
  /** Their flags' rules, by flag key, in position order. */
  rules: Map<string, RuleRow[]>;
}

/** Everything a tick reads before measuring, in ONE D1 batch (one consistent snapshot). */
export async function loadTickState(db: Db): Promise<TickState> {
  const active = eq(schema.rollouts.state, "active");
  const activeFlags = db.select({ key: schema.rollouts.flagKey }).from(schema.rollouts).where(active);
  // Flags and rollouts are read apart: in a batch, drizzle maps a joined row by column
  // name, so the two tables' created_at/updated_at/version would overwrite each other.
  const [rolloutRows, flagRows, baselineRows, ruleRows] = await db.batch([
    db.select().from(schema.rollouts).where(active).orderBy(asc(schema.rollouts.flagKey)),
    db.select().from(schema.flags).where(inArray(schema.flags.key, activeFlags)),
    db
      .select()
      .from(schema.healthBaselines)
      .where(
        inArray(
          schema.healthBaselines.rolloutId,
          db.select({ id: schema.rollouts.id }).from(schema.rollouts).where(active),
        ),
      ),
    db
      .select()
      .from(schema.flagRules)
      .where(inArray(schema.flagRules.flagKey, activeFlags))
      .orderBy(asc(schema.flagRules.flagKey), asc(schema.flagRules.position)),
  ]);
  const flags = new Map(flagRows.map((flag) => [flag.key, flag]));
  const rollouts = rolloutRows.flatMap((rollout) => {
    const flag = flags.get(rollout.flagKey);
    return flag ? [{ flag, rollout }] : [];
  });
  const baselines = new Map(
    baselineRows.map((row) => [
      row.rolloutId,
      { arm: JSON.parse(row.metrics) as ArmWindow, fromMs: row.fromMs, toMs: row.toMs },
    ]),
  );
  const rules = new Map<string, RuleRow[]>();
  for (const rule of ruleRows) rules.set(rule.flagKey, [...(rules.get(rule.flagKey) ?? []), rule]);
  return { rollouts, baselines, rules };
}

/** When the flag's latest promotion at or before `at` ended (blue became another model then), or null. */
export async function lastPromotionAt(db: Db, flagKey: string, at: number): Promise<number | null> {
  const [row] = await db
    .select({ endedAt: max(schema.rollouts.endedAt) })
    .from(schema.rollouts)
    .where(
      and(
        eq(schema.rollouts.flagKey, flagKey),
        eq(schema.rollouts.state, "promoted"),
        lte(schema.rollouts.endedAt, at),
      ),
    );
  return row?.endedAt ?? null;
}

export async function saveBaseline(
  db: Db,
  row: { rolloutId: string; flagKey: string; capturedAt: number; fromMs: number; toMs: number; metrics: ArmWindow },
): Promise<void> {
  // First capture wins: a concurrent tick's copy is ignored.
  await db
    .insert(schema.healthBaselines)
    .values({ ...row, metrics: JSON.stringify(row.metrics) })
    .onConflictDoNothing();
}
