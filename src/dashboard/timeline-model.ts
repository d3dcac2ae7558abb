// The rollout timeline, planned vs actual (pure): when each planned stage
// was entered and left, from the audit log's rollout.* entries (manual and
// health-loop transitions both write one) and the rollout record itself.
// Only evidence counts: a stage nobody entered is "skipped", never "done",
// and when the audit page shown does not reach back to the rollout's start,
// an earlier stage is "unrecorded" rather than guessed.
// No I/O, no clock — `now` is passed in for the running stage's duration.
import type { AuditView, DecisionView, RolloutView } from "./types";

export type StageStatus =
  | "done"
  | "current"
  | "paused"
  | "stopped"
  | "pending"
  | "not_reached"
  | "skipped"
  | "unrecorded";

export interface StageActual {
  index: number;
  enteredAt: number | null;
  leftAt: number | null;
  /** Seconds spent in the stage so far (null when never entered). */
  seconds: number | null;
  status: StageStatus;
}

const stageIndexOf = (value: unknown): number | null => {
  const index = (value as { stageIndex?: unknown } | null)?.stageIndex;
  return typeof index === "number" && Number.isInteger(index) ? index : null;
};

/** When each stage was entered, from the audit rows of this rollout (oldest first). */
function entries(rollout: RolloutView, audit: AuditView[], auditComplete: boolean): Map<number, number> {
  const entered = new Map<number, number>();
  let started = false;
  let firstLeft: number | null = null;
  // Oldest first so a later entry into the same stage (never expected) wins.
  const mine = audit.filter((row) => row.resource.id === rollout.id).sort((a, b) => a.id - b.id);
  for (const row of mine) {
    if (row.action === "rollout.start") {
      started = true;
      entered.set(stageIndexOf(row.after) ?? 0, row.at);
    }
    if (row.action === "rollout.advance") {
      const index = stageIndexOf(row.after);
      if (index !== null) entered.set(index, row.at);
      firstLeft ??= stageIndexOf(row.before);
    }
  }
  // A whole history without a start row: the rollout was written straight
  // to the store at some stage (the dev seed does), entered at creation — the
  // stage its first advance left, or the one it is still in.
  if (!started && auditComplete) {
    const initial = firstLeft ?? rollout.stageIndex;
    if (!entered.has(initial)) entered.set(initial, rollout.createdAt);
  }
  // The record is authoritative for the current stage when the audit page did not reach it.
  if (!entered.has(rollout.stageIndex)) entered.set(rollout.stageIndex, rollout.stageStartedAt);
  return entered;
}

/**
 * `auditComplete`: the audit rows passed are the flag's whole history (the
 * last page), so a stage with no entry in them was never entered.
 */
export function stageActuals(
  rollout: RolloutView,
  audit: AuditView[],
  now: number,
  auditComplete: boolean,
): StageActual[] {
  const entered = entries(rollout, audit, auditComplete);
  const live = rollout.state === "active" || rollout.state === "paused";
  const nextEntry = (index: number): number | null => {
    for (let i = index + 1; i <= rollout.stageIndex; i++) if (entered.has(i)) return entered.get(i)!;
    return null;
  };
  return rollout.stages.map((_, index) => {
    const enteredAt = index <= rollout.stageIndex ? (entered.get(index) ?? null) : null;
    let leftAt: number | null = null;
    let status: StageStatus;
    if (index < rollout.stageIndex) {
      status = enteredAt !== null ? "done" : auditComplete ? "skipped" : "unrecorded";
      leftAt = enteredAt !== null ? nextEntry(index) : null;
    } else if (index === rollout.stageIndex) {
      status = live
        ? rollout.state === "paused"
          ? "paused"
          : "current"
        : rollout.state === "promoted"
          ? "done"
          : "stopped";
      leftAt = live ? null : rollout.endedAt;
    } else {
      status = live ? "pending" : "not_reached";
    }
    const end = leftAt ?? (live && index === rollout.stageIndex ? now : null);
    const seconds = enteredAt !== null && end !== null ? Math.max(0, Math.round((end - enteredAt) / 1000)) : null;
    return { index, enteredAt, leftAt, seconds, status };
  });
}

/** This rollout's decisions by stage index, newest first within a stage. */
export function decisionsByStage(rollout: RolloutView, decisions: DecisionView[]): Map<number, DecisionView[]> {
  const out = new Map<number, DecisionView[]>();
  for (const d of decisions) {
    if (d.rolloutId !== rollout.id) continue;
    const list = out.get(d.stageIndex) ?? [];
    list.push(d);
    out.set(d.stageIndex, list);
  }
  for (const list of out.values()) list.sort((a, b) => b.at - a.at || b.id - a.id);
  return out;
}
