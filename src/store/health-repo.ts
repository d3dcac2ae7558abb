// Store side of the health loop's ACT step: the statement sets that apply a
// decision in ONE D1 batch through admin-tx's commitChange (version guards +
// audit row, actor "health-loop"), the same path the admin API's manual
// rollout controls take (docs/design/health-loop.md); effectChanges is the
// one mapping of a transition to flag columns, used by those controls too.
// Never judges. The loop's reads live in tick-state-repo.ts, its decision
// rows in decision-repo.ts.
import { and, eq } from "drizzle-orm";
import type { RolloutRecord, TransitionEffects } from "../core/rollout-machine";
import * as schema from "./schema";
import { bumpFlag, commitChange, flagAtVersion, rolloutAtVersion, stmt, type WriteFailure } from "./admin-tx";
import { insertDecision, type DecisionRecord } from "./decision-repo";
import { updateFlag, type FlagUpdate } from "./flag-repo";
import { updateRollout } from "./rollout-repo";
import type { Db, FlagRow, RolloutRow } from "./db";
import type { Result } from "../core/result";

export const HEALTH_ACTOR = "health-loop";

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
