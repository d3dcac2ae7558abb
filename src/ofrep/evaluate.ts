// One OFREP evaluation: index entry → the hot path's cached snapshot →
// evaluateFlag → wire result + the Outcome to record. The decision step is
// the proxy path's own (core/evaluate.ts `decide`): the index's kill switch
// wins over a snapshot KV has not caught up with, and an unreadable snapshot
// serves blue with reason ERROR (or DISABLED when the index says killed).
//
// Outcome logging: one Outcome per evaluation, recorded like a served
// decision that made no origin call — status 0, latency 0, error false,
// timeout false — with `stage` prefixed "ofrep:" (e.g. "ofrep:serve:25").
// The prefix is deliberate: the health loop judges a stage from rows whose
// stage equals "serve:25"; decisions handed to an app that calls its model
// itself say nothing about that model's errors or latency, so they must not
// dilute the guards. No field was added to the Outcome type.
import { decide } from "../core/evaluate";
import { toOpenFeatureReason } from "../core/openfeature";
import type { Outcome } from "../core/outcome";
import type { CompiledFlag } from "../core/types";
import type { FlagCache } from "../edge/flag-cache";
import type { FlagIndexEntry } from "../ports";
import { attributeLookup, type EvaluationInput } from "./context";
import { decisionOnlyStageLabel, rolloutStageLabel } from "../core/stage-label";

export interface EvaluationSuccess {
  key: string;
  value: string;
  variant: string;
  reason: string;
  metadata: Record<string, string | number | boolean>;
}

export interface EvaluatedFlag {
  response: EvaluationSuccess;
  outcome: Outcome;
}

export interface RequestFacts {
  requestId: string;
  nowMs: number;
  colo: string;
}

function isStatic(flag: CompiledFlag | null): boolean {
  return flag !== null && flag.rules.length === 0 && flag.overrides.size === 0 && flag.splitGreenBuckets === 0;
}

export async function evaluateEntry(entry: FlagIndexEntry, input: EvaluationInput, cache: FlagCache, facts: RequestFacts): Promise<EvaluatedFlag> {
  const lookup = await cache.flag(entry);
  const { evaluation, flag } = decide(entry.killSwitch, lookup, () => ({ unitKey: input.targetingKey, attribute: attributeLookup(input.attributes) }));
  const rollout = flag?.snapshot.rollout ?? null;
  const stage = rolloutStageLabel(rollout);
  // OpenFeature metadata is flat primitives only (the SDK drops the rest), so absent values are omitted.
  const metadata: Record<string, string | number | boolean> = { switchyardReason: evaluation.reason, stage, flagVersion: flag?.snapshot.version ?? entry.version };
  if (rollout) Object.assign(metadata, { rolloutId: rollout.id, rolloutState: rollout.state, stageIndex: rollout.stageIndex, greenPercent: rollout.percent });
  if (evaluation.ruleId !== null) metadata.ruleId = evaluation.ruleId;
  if (evaluation.segmentKey !== null) metadata.segment = evaluation.segmentKey;
  if (evaluation.errorCode !== null) metadata.errorCode = evaluation.errorCode;
  const response: EvaluationSuccess = {
    key: entry.key,
    value: evaluation.variant,
    variant: evaluation.variant,
    reason: toOpenFeatureReason(evaluation.reason, isStatic(flag)),
    metadata,
  };
  const outcome: Outcome = {
    timestampMs: facts.nowMs,
    requestId: facts.requestId,
    flagKey: entry.key,
    rolloutId: rollout?.id ?? null,
    variant: evaluation.variant,
    reason: evaluation.reason,
    ruleId: evaluation.ruleId,
    stage: decisionOnlyStageLabel(stage),
    status: 0,
    latencyMs: 0,
    error: false,
    timeout: false,
    shadowAgreement: null,
    feedbackValue: null,
    colo: facts.colo,
    unitKeyGenerated: false,
    failedOver: false,
  };
  return { response, outcome };
}
