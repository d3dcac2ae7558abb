// The stage label recorded on every outcome and used to slice them: "none"
// (no rollout in the snapshot), "shadow", or "serve:<percent>"; decisions
// handed out without an origin call (OFREP) carry the prefix "ofrep:". The
// proxy path, OFREP and the health loop build labels here and the admin API
// parses them here: no other module knows the format. Pure.
import type { RolloutSpec, StageMode } from "./types";

export const NO_ROLLOUT_STAGE = "none";

const SERVE_PREFIX = "serve:";

/** A serving stage's label as accepted from users (e.g. the experiment report's `?stage=`). */
export const SERVE_STAGE_PATTERN = /^serve:\d+(\.\d+)?$/;

/**
 * Stage prefix of outcomes that record a decision without an origin call
 * (OFREP evaluations). Health metrics exclude them: their zero latency and
 * zero errors would flatter whichever variant they land on.
 */
export const DECISION_ONLY_STAGE_PREFIX = "ofrep:";

/** The label of one stage of a rollout's plan ("shadow" or "serve:<percent>"). */
export function stageLabelOf(stage: { mode: StageMode; percent: number }): string {
  return stage.mode === "shadow" ? "shadow" : `${SERVE_PREFIX}${stage.percent}`;
}

/** The label of a snapshot's current stage, as the proxy path records it ("none" without a rollout). */
export function rolloutStageLabel(rollout: RolloutSpec | null | undefined): string {
  if (!rollout) return NO_ROLLOUT_STAGE;
  return rollout.stageMode === "shadow" ? "shadow" : `${SERVE_PREFIX}${rollout.percent}`;
}

/** The label of a decision handed out without an origin call (e.g. "ofrep:serve:25"). */
export function decisionOnlyStageLabel(label: string): string {
  return `${DECISION_ONLY_STAGE_PREFIX}${label}`;
}

/** The green percentage of a "serve:<percent>" label; null for any other label. */
export function servedPercentOf(label: string): number | null {
  return label.startsWith(SERVE_PREFIX) ? Number(label.slice(SERVE_PREFIX.length)) : null;
}
