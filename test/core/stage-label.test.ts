// The stage label is built by the proxy path, OFREP and the health loop and
// parsed by the admin API: what one side builds, the other must read back.
import { describe, expect, it } from "vitest";
import {
  decisionOnlyStageLabel,
  DECISION_ONLY_STAGE_PREFIX,
  rolloutStageLabel,
  SERVE_STAGE_PATTERN,
  servedPercentOf,
  stageLabelOf,
} from "../../src/core/stage-label";
import type { RolloutSpec } from "../../src/core/types";

const rollout = (stageMode: "shadow" | "serve", percent: number): RolloutSpec => ({
  id: "r1",
  state: "active",
  stageIndex: 0,
  stageMode,
  percent,
});

describe("stage labels", () => {
  it.each([
    { stage: { mode: "shadow", percent: 0 }, label: "shadow", percent: null },
    { stage: { mode: "serve", percent: 5 }, label: "serve:5", percent: 5 },
    { stage: { mode: "serve", percent: 0.5 }, label: "serve:0.5", percent: 0.5 },
    { stage: { mode: "serve", percent: 100 }, label: "serve:100", percent: 100 },
  ] as const)(
    "$label: a plan stage and a snapshot's rollout get the same label, and it parses back",
    ({ stage, label, percent }) => {
      expect(stageLabelOf(stage)).toBe(label);
      expect(rolloutStageLabel(rollout(stage.mode, stage.percent))).toBe(label);
      expect(servedPercentOf(label)).toBe(percent);
      expect(SERVE_STAGE_PATTERN.test(label)).toBe(percent !== null);
    },
  );

  it('a snapshot without a rollout records "none", which is no serving stage', () => {
    expect(rolloutStageLabel(null)).toBe("none");
    expect(servedPercentOf("none")).toBeNull();
  });

  it("decision-only labels carry the prefix the health readers exclude", () => {
    const label = decisionOnlyStageLabel("serve:25");
    expect(label).toBe("ofrep:serve:25");
    expect(label.startsWith(DECISION_ONLY_STAGE_PREFIX)).toBe(true);
    expect(servedPercentOf(label)).toBeNull();
  });
});
