// The pure rollout state machine: every (state, action) pair, stage plan
// validation and the time helpers the health loop will reuse.
import { describe, expect, it } from "vitest";
import {
  applyRolloutAction,
  DEFAULT_HOLD_SECONDS,
  DEFAULT_STAGE_PLAN,
  holdElapsed,
  MAX_STAGES,
  ROLLOUT_ACTIONS,
  stageMinimumsElapsed,
  startRollout,
  validateStagePlan,
  type RolloutAction,
  type RolloutRecord,
  type Stage,
} from "../../src/core/rollout-machine";
import { ROLLOUT_STATES, type RolloutState } from "../../src/core/types";

const T0 = 1_800_000_000_000;
const plan = (): Stage[] => DEFAULT_STAGE_PLAN.map((stage) => ({ ...stage }));
const rollout = (changes: Partial<RolloutRecord> = {}): RolloutRecord => ({
  ...startRollout("r1", plan(), DEFAULT_HOLD_SECONDS, T0),
  ...changes,
});
const last = DEFAULT_STAGE_PLAN.length - 1;

describe("default plan", () => {
  it("is shadow → 5 → 25 → 50 → 100 and valid", () => {
    expect(DEFAULT_STAGE_PLAN.map((s) => (s.mode === "shadow" ? "shadow" : s.percent))).toEqual([
      "shadow",
      5,
      25,
      50,
      100,
    ]);
    expect(validateStagePlan(DEFAULT_STAGE_PLAN).ok).toBe(true);
  });
});

describe("validateStagePlan", () => {
  const serve = (percent: number): Stage => ({ mode: "serve", percent, minDurationSeconds: 0, minSamples: 0 });
  const shadow: Stage = { mode: "shadow", percent: 0, minDurationSeconds: 0, minSamples: 0 };
  it.each([
    ["empty", [], "stages"],
    ["shadow with a percentage", [{ ...shadow, percent: 5 }, serve(100)], "stages[0].percent"],
    ["shadow after serving", [serve(5), shadow, serve(100)], "stages[1]"],
    ["decreasing", [serve(50), serve(25), serve(100)], "stages[1].percent"],
    ["served 0 %", [serve(0), serve(100)], "stages[0].percent"],
    ["not ending at 100 %", [serve(5), serve(50)], "stages"],
    ["too many stages", Array.from({ length: MAX_STAGES + 1 }, () => serve(100)), "stages"],
  ])("rejects %s", (_name, stages, path) => {
    const result = validateStagePlan(stages as Stage[]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: "invalid_stage_plan", path });
  });
  it("accepts a single 100 % stage and equal consecutive percentages", () => {
    expect(validateStagePlan([serve(100)]).ok).toBe(true);
    expect(validateStagePlan([shadow, serve(50), serve(50), serve(100)]).ok).toBe(true);
  });
});

describe("transitions", () => {
  it("pause → resume restarts the stage clock", () => {
    const paused = applyRolloutAction(rollout(), "pause", T0 + 1000);
    expect(paused.ok && paused.value.rollout.state).toBe("paused");
    if (!paused.ok) return;
    const resumed = applyRolloutAction(paused.value.rollout, "resume", T0 + 9000);
    expect(resumed.ok && resumed.value.rollout).toMatchObject({ state: "active", stageStartedAt: T0 + 9000 });
  });

  it("advance moves one stage and stops at the last", () => {
    const next = applyRolloutAction(rollout(), "advance", T0 + 5);
    expect(next.ok && next.value.rollout).toMatchObject({ stageIndex: 1, stageStartedAt: T0 + 5 });
    const atEnd = applyRolloutAction(rollout({ stageIndex: last }), "advance", T0);
    expect(atEnd.ok ? null : atEnd.error.code).toBe("at_last_stage");
  });

  it("rollback ends the rollout and asks for the kill switch", () => {
    for (const state of ["active", "paused"] as const) {
      const result = applyRolloutAction(rollout({ state }), "rollback", T0 + 7);
      expect(result.ok && result.value).toEqual({
        rollout: expect.objectContaining({ state: "rolled_back", endedAt: T0 + 7 }),
        effects: { killSwitch: true, promoteGreen: false },
      });
    }
  });

  it("promote needs the last stage at 100 % and swaps origins", () => {
    const early = applyRolloutAction(rollout({ stageIndex: 2 }), "promote", T0);
    expect(early.ok ? null : early.error.code).toBe("not_at_full_rollout");
    const result = applyRolloutAction(rollout({ stageIndex: last }), "promote", T0 + 3);
    expect(result.ok && result.value).toEqual({
      rollout: expect.objectContaining({ state: "promoted", endedAt: T0 + 3 }),
      effects: { killSwitch: false, promoteGreen: true },
    });
  });

  // The full table: which (state, action) pairs are allowed at a non-final stage.
  const allowed: Record<RolloutState, RolloutAction[]> = {
    active: ["pause", "advance", "rollback"],
    paused: ["resume", "rollback"],
    rolled_back: [],
    promoted: [],
    aborted: [],
  };
  it.each(ROLLOUT_STATES.flatMap((state) => ROLLOUT_ACTIONS.map((action) => [state, action] as const)))(
    "%s + %s",
    (state, action) => {
      const result = applyRolloutAction(rollout({ state, stageIndex: 1 }), action, T0);
      expect(result.ok).toBe(allowed[state].includes(action));
      if (!result.ok && !allowed[state].includes(action) && action !== "promote")
        expect(result.error.code).toBe("invalid_transition");
    },
  );

  it("never mutates its input", () => {
    const before = rollout();
    const copy = structuredClone(before);
    for (const action of ROLLOUT_ACTIONS) applyRolloutAction(before, action, T0 + 1);
    expect(before).toEqual(copy);
  });
});

describe("time helpers", () => {
  it("stageMinimumsElapsed uses the current stage's minimum duration", () => {
    const r = rollout();
    const min = DEFAULT_STAGE_PLAN[0]!.minDurationSeconds * 1000;
    expect(stageMinimumsElapsed(r, T0 + min - 1)).toBe(false);
    expect(stageMinimumsElapsed(r, T0 + min)).toBe(true);
  });
  it("holdElapsed only at the final 100 % stage after the hold time", () => {
    expect(holdElapsed(rollout({ stageIndex: last - 1 }), T0 + 10 ** 9)).toBe(false);
    expect(holdElapsed(rollout({ stageIndex: last }), T0 + DEFAULT_HOLD_SECONDS * 1000 - 1)).toBe(false);
    expect(holdElapsed(rollout({ stageIndex: last }), T0 + DEFAULT_HOLD_SECONDS * 1000)).toBe(true);
  });
});
