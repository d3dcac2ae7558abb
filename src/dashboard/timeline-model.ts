// The rollout timeline, planned vs actual (pure): when each planned stage
// was entered and left, from the audit log's rollout.* entries (manual and
// health-loop transitions both write one) and the rollout record itself.
// No I/O, no clock — `now` is passed in for the running stage's duration.
import type { AuditView, DecisionView, RolloutView } from "./types";

export type StageStatus = "done" | "current" | "paused" | "stopped" | "pending" | "not_reached";

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

export function stageActuals(rollout: RolloutView, audit: AuditView[], now: number): StageActual[] {
  const entered = new Map<number, number>([[0, rollout.createdAt]]);
  // Oldest first so a later entry into the same stage (never expected) wins.
  const mine = audit.filter((row) => row.resource.id === rollout.id).sort((a, b) => a.id - b.id);
  for (const row of mine) {
    if (row.action === "rollout.start") entered.set(0, row.at);
    if (row.action === "rollout.advance") {
      const index = stageIndexOf(row.after);
      if (index !== null) entered.set(index, row.at);
    }
  }
  // The record is authoritative for the current stage when the audit page did not reach it.
  if (!entered.has(rollout.stageIndex)) entered.set(rollout.stageIndex, rollout.stageStartedAt);
  const live = rollout.state === "active" || rollout.state === "paused";
  return rollout.stages.map((_, index) => {
    const enteredAt = index <= rollout.stageIndex ? entered.get(index) ?? null : null;
    const nextEntered = entered.get(index + 1) ?? null;
    let leftAt: number | null = null;
    let status: StageStatus;
    if (index < rollout.stageIndex) {
      status = "done";
      leftAt = nextEntered;
    } else if (index === rollout.stageIndex) {
      status = live ? (rollout.state === "paused" ? "paused" : "current") : rollout.state === "promoted" ? "done" : "stopped";
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
