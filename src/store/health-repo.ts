// Store side of the health loop: which rollouts to check, blue's baseline,
// decision records, and the statement sets that apply a decision in ONE D1
// batch through admin-tx's commitChange (version guards + audit row), the
// same path the admin API's manual rollout controls take. Never judges.
// A tick reads its inputs in one batch (loadTickState) and writes its hold
// decisions through a coalescing writer: D1 round trips, not SQL, dominate
// a tick with many rollouts (docs/design/health-loop.md).
import { and, asc, desc, eq, inArray, lt, lte, max } from "drizzle-orm";
import { scopeLabel, type ArmWindow, type Assessment } from "../core/health";
import type { RolloutRecord, TransitionEffects } from "../core/rollout-machine";
import * as schema from "./schema";
import {
  bumpFlag,
  commitChange,
  flagAtVersion,
  rolloutAtVersion,
  stmt,
  type Statement,
  type WriteFailure,
} from "./admin-tx";
import { coalesce } from "./d1-coalesce";
import { updateFlag, type FlagUpdate, type RuleRow } from "./flag-repo";
import { updateRollout } from "./rollout-repo";
import type { Db, FlagRow, RolloutRow } from "./db";
import type { Result } from "../core/result";

export type DecisionRow = typeof schema.decisions.$inferSelect;
export const HEALTH_ACTOR = "health-loop";

const activeRolloutsQuery = (db: Db) =>
  db
    .select({ flag: schema.flags, rollout: schema.rollouts })
    .from(schema.rollouts)
    .innerJoin(schema.flags, eq(schema.flags.key, schema.rollouts.flagKey))
    .where(eq(schema.rollouts.state, "active"))
    .orderBy(schema.rollouts.flagKey);

/** Every active rollout with its flag (paused rollouts are not judged). */
export async function activeRollouts(db: Db): Promise<{ flag: FlagRow; rollout: RolloutRow }[]> {
  return activeRolloutsQuery(db);
}

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

export async function getBaseline(db: Db, rolloutId: string): Promise<ArmWindow | null> {
  const [row] = await db
    .select()
    .from(schema.healthBaselines)
    .where(eq(schema.healthBaselines.rolloutId, rolloutId))
    .limit(1);
  return row ? (JSON.parse(row.metrics) as ArmWindow) : null;
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

/** Flag columns a transition's effects imply (kill on rollback, blue-green swap on promote). */
export function effectChanges(
  flag: Pick<FlagRow, "blueOrigin" | "greenOrigin">,
  effects: TransitionEffects,
  reason: string,
): FlagUpdate {
  const changes: FlagUpdate = {};
  if (effects.killSwitch) Object.assign(changes, { killSwitch: true, killReason: reason });
  if (effects.promoteGreen)
    Object.assign(changes, { blueOrigin: flag.greenOrigin, previousBlueOrigin: flag.blueOrigin });
  return changes;
}

export interface TransitionCommit {
  flag: FlagRow;
  rolloutRow: RolloutRow;
  next: RolloutRecord;
  effects: TransitionEffects;
  decision: DecisionRecord;
  before: RolloutRecord;
  tickId: string;
}

/** Rollout transition + flag effects + decision + audit, one batch, guarded on both versions. */
export async function commitTransition(
  db: Db,
  change: TransitionCommit,
  now: number,
): Promise<Result<FlagUpdate, WriteFailure>> {
  const a = change.decision.assessment;
  const flagChanges = effectChanges(change.flag, change.effects, `health loop: ${a.action} (${a.reason})`);
  const committed = await commitChange(
    db,
    {
      guards: [
        rolloutAtVersion(change.rolloutRow.id, change.rolloutRow.version),
        flagAtVersion(change.flag.key, change.flag.version),
      ],
      statements: [
        updateRollout(db, change.next, now),
        updateFlag(db, change.flag.key, flagChanges, now),
        insertDecision(db, change.decision),
      ],
      audit: {
        actor: HEALTH_ACTOR,
        action: `rollout.${a.action}`,
        resourceType: "rollout",
        resourceId: change.rolloutRow.id,
        flagKey: change.flag.key,
        before: change.before,
        after: { ...change.next, flagChanges, reason: a.reason },
        requestId: change.tickId,
      },
    },
    now,
  );
  return committed.ok ? { ok: true, value: flagChanges } : committed;
}

/** A segment rule's green share to 0 % (per-segment rollback), guarded on the flag version. */
export async function commitRuleRollback(
  db: Db,
  flag: FlagRow,
  ruleId: string,
  percentBefore: number,
  decision: DecisionRecord,
  tickId: string,
  now: number,
): Promise<Result<void, WriteFailure>> {
  return commitChange(
    db,
    {
      guards: [flagAtVersion(flag.key, flag.version)],
      statements: [
        stmt(
          db
            .update(schema.flagRules)
            .set({ percent: 0 })
            .where(and(eq(schema.flagRules.flagKey, flag.key), eq(schema.flagRules.id, ruleId))),
        ),
        bumpFlag(db, flag.key, now),
        insertDecision(db, decision),
      ],
      audit: {
        actor: HEALTH_ACTOR,
        action: "rule.rollback",
        resourceType: "flag",
        resourceId: flag.key,
        flagKey: flag.key,
        before: { ruleId, percent: percentBefore },
        after: { ruleId, percent: 0, reason: decision.assessment.reason },
        requestId: tickId,
      },
    },
    now,
  );
}

/** Current flag row (fresh version) for a guarded write. */
export async function currentFlag(db: Db, key: string): Promise<FlagRow | undefined> {
  return db.query.flags.findFirst({ where: eq(schema.flags.key, key) });
}
