// The rollout state machine (docs/design/health-loop.md), shared by the admin API's manual
// controls and the health loop. Pure: no I/O, no clock — `now` (ms) is
// passed in; a transition returns the next record plus the side effects the
// caller must apply to the flag in the same write (kill switch, promotion).
// Structural preconditions live here (which state, which stage); judging
// data (samples, guards, hold time) is the health assessment's job — see
// `stageMinimumsElapsed`/`holdElapsed` for the time part it can reuse.
import { err, ok, type Result } from "./result";
import { LIVE_ROLLOUT_STATES, type RolloutState, type StageMode } from "./types";

export interface Stage {
  mode: StageMode;
  /** Green percentage served (0 for shadow). */
  percent: number;
  minDurationSeconds: number;
  minSamples: number;
}

/** The default plan: shadow → 5 → 25 → 50 → 100 (one place for these numbers). */
export const DEFAULT_STAGE_PLAN: readonly Stage[] = Object.freeze([
  { mode: "shadow", percent: 0, minDurationSeconds: 600, minSamples: 200 },
  { mode: "serve", percent: 5, minDurationSeconds: 600, minSamples: 500 },
  { mode: "serve", percent: 25, minDurationSeconds: 600, minSamples: 1000 },
  { mode: "serve", percent: 50, minDurationSeconds: 600, minSamples: 1000 },
  { mode: "serve", percent: 100, minDurationSeconds: 600, minSamples: 1000 },
]);
/** Time at 100 % before promotion (matches the rollouts.hold_seconds column default). */
export const DEFAULT_HOLD_SECONDS = 600;
export const MAX_STAGES = 20;

export const ROLLOUT_ACTIONS = ["pause", "resume", "advance", "rollback", "promote"] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

export interface RolloutRecord {
  id: string;
  state: RolloutState;
  stages: Stage[];
  stageIndex: number;
  stageStartedAt: number;
  holdSeconds: number;
  endedAt: number | null;
}

/** What the caller must also do to the flag, atomically with the new record. */
export interface TransitionEffects {
  /** Rollback turns the kill switch on (docs/design/health-loop.md). */
  killSwitch: boolean;
  /** Promotion makes green the new blue (blue-green swap). */
  promoteGreen: boolean;
}

export interface Transition {
  rollout: RolloutRecord;
  effects: TransitionEffects;
}

export type TransitionError =
  | { code: "invalid_transition"; message: string }
  | { code: "at_last_stage"; message: string }
  | { code: "not_at_full_rollout"; message: string };

export type PlanError = { code: "invalid_stage_plan"; path: string; message: string };

const NO_EFFECTS: TransitionEffects = { killSwitch: false, promoteGreen: false };

export const isLive = (state: RolloutState): boolean =>
  (LIVE_ROLLOUT_STATES as readonly RolloutState[]).includes(state);

/** Valid plans: 1..MAX_STAGES stages, shadow (0 %) stages first, served percentages
 *  > 0 and non-decreasing, ending at 100 % so the rollout can be promoted. */
export function validateStagePlan(stages: readonly Stage[]): Result<Stage[], PlanError> {
  const fail = (path: string, message: string) => err<PlanError>({ code: "invalid_stage_plan", path, message });
  if (stages.length === 0) return fail("stages", "needs at least one stage");
  if (stages.length > MAX_STAGES) return fail("stages", `at most ${MAX_STAGES} stages`);
  let lastServed = 0;
  for (const [i, stage] of stages.entries()) {
    const at = `stages[${i}]`;
    if (stage.mode === "shadow") {
      if (stage.percent !== 0) return fail(`${at}.percent`, "a shadow stage serves 0 %");
      if (lastServed > 0) return fail(at, "shadow stages must come before served stages");
      continue;
    }
    if (!(stage.percent > 0 && stage.percent <= 100))
      return fail(`${at}.percent`, "a served stage needs 0 < percent ≤ 100");
    if (stage.percent < lastServed) return fail(`${at}.percent`, "served percentages must not decrease");
    lastServed = stage.percent;
  }
  const last = stages[stages.length - 1]!;
  if (last.mode !== "serve" || last.percent !== 100)
    return fail("stages", "the last stage must serve 100 % (promotion needs it)");
  return ok(stages.map((stage) => ({ ...stage })));
}

/** A fresh active rollout at stage 0. */
export function startRollout(id: string, stages: Stage[], holdSeconds: number, now: number): RolloutRecord {
  return { id, state: "active", stages, stageIndex: 0, stageStartedAt: now, holdSeconds, endedAt: null };
}

export function currentStage(rollout: RolloutRecord): Stage | undefined {
  return rollout.stages[rollout.stageIndex];
}

/** The current stage's minimum duration has passed (samples are judged elsewhere). */
export function stageMinimumsElapsed(rollout: RolloutRecord, now: number): boolean {
  const stage = currentStage(rollout);
  return stage !== undefined && now - rollout.stageStartedAt >= stage.minDurationSeconds * 1000;
}

/** At the final 100 % stage for at least the hold time. */
export function holdElapsed(rollout: RolloutRecord, now: number): boolean {
  return atFullRollout(rollout) && now - rollout.stageStartedAt >= rollout.holdSeconds * 1000;
}

function atFullRollout(rollout: RolloutRecord): boolean {
  const stage = currentStage(rollout);
  return rollout.stageIndex === rollout.stages.length - 1 && stage?.mode === "serve" && stage.percent === 100;
}

function invalid(rollout: RolloutRecord, action: RolloutAction): Result<Transition, TransitionError> {
  return err({ code: "invalid_transition", message: `cannot ${action} a rollout that is ${rollout.state}` });
}

/** Applies one action; every state/action pair not listed is an invalid transition. */
export function applyRolloutAction(
  rollout: RolloutRecord,
  action: RolloutAction,
  now: number,
): Result<Transition, TransitionError> {
  const next = (changes: Partial<RolloutRecord>, effects: TransitionEffects = NO_EFFECTS) =>
    ok<Transition>({ rollout: { ...rollout, ...changes }, effects });
  switch (action) {
    case "pause":
      return rollout.state === "active" ? next({ state: "paused" }) : invalid(rollout, action);
    case "resume":
      // The stage clock restarts: time spent paused must not count as observed health.
      return rollout.state === "paused" ? next({ state: "active", stageStartedAt: now }) : invalid(rollout, action);
    case "advance":
      if (rollout.state !== "active") return invalid(rollout, action);
      if (rollout.stageIndex >= rollout.stages.length - 1) {
        return err({ code: "at_last_stage", message: "already at the last stage; promote instead" });
      }
      return next({ stageIndex: rollout.stageIndex + 1, stageStartedAt: now });
    case "rollback":
      if (!isLive(rollout.state)) return invalid(rollout, action);
      return next({ state: "rolled_back", endedAt: now }, { killSwitch: true, promoteGreen: false });
    case "promote":
      if (!isLive(rollout.state)) return invalid(rollout, action);
      if (!atFullRollout(rollout))
        return err({ code: "not_at_full_rollout", message: "promotion needs the last stage at 100 %" });
      return next({ state: "promoted", endedAt: now }, { killSwitch: false, promoteGreen: true });
  }
}
