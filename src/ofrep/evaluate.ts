// One OFREP evaluation: index entry → the hot path's cached snapshot →
// evaluateFlag → wire result + the Outcome to record. The decision step is
// the proxy path's own (core/evaluate.ts `decide`): the index's kill switch
// wins over a snapshot KV has not caught up with, and an unreadable snapshot
// is reason ERROR (DISABLED when the index says killed). ERROR is not an
// OFREP success reason, so it is answered as an error body (GENERAL) — the
// provider then serves the app's default value with reason ERROR.
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

/** A flag that could not be evaluated: the protocol's evaluation failure, with the same metadata. */
export interface EvaluationFailure {
  key: string;
  errorCode: "GENERAL";
  errorDetails: string;
  metadata: Record<string, string | number | boolean>;
}

export interface EvaluatedFlag {
  response: EvaluationSuccess | EvaluationFailure;
  /** True when `response` is an EvaluationFailure. */
  failed: boolean;
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

export async function evaluateEntry(
  entry: FlagIndexEntry,
  input: EvaluationInput,
  cache: FlagCache,
  facts: RequestFacts,
): Promise<EvaluatedFlag> {
  const lookup = await cache.flag(entry);
  const { evaluation, flag } = decide(entry.killSwitch, lookup, () => ({
    unitKey: input.targetingKey,
    attribute: attributeLookup(input.attributes),
  }));
  const rollout = flag?.snapshot.rollout ?? null;
  const stage = rolloutStageLabel(rollout);
  // OpenFeature metadata is flat primitives only (the SDK drops the rest), so absent values are omitted.
  const metadata: Record<string, string | number | boolean> = {
    switchyardReason: evaluation.reason,
    stage,
    flagVersion: flag?.snapshot.version ?? entry.version,
  };
  if (rollout)
    Object.assign(metadata, {
      rolloutId: rollout.id,
      rolloutState: rollout.state,
      stageIndex: rollout.stageIndex,
      greenPercent: rollout.percent,
    });
  if (evaluation.ruleId !== null) metadata.ruleId = evaluation.ruleId;
  if (evaluation.segmentKey !== null) metadata.segment = evaluation.segmentKey;
  if (evaluation.errorCode !== null) metadata.errorCode = evaluation.errorCode;
  // An app calling its model directly attributes its own token usage to the variant's model.
  const model = flag?.snapshot.origins[evaluation.variant].model;
  if (model !== undefined) metadata.model = model;
  const reason = toOpenFeatureReason(evaluation.reason, isStatic(flag));
  const response: EvaluationSuccess | EvaluationFailure =
    reason === "ERROR"
      ? {
          key: entry.key,
          errorCode: "GENERAL",
          errorDetails: `flag "${entry.key}" could not be evaluated (${evaluation.errorCode ?? "error"}); use your default value`,
          metadata,
        }
      : { key: entry.key, value: evaluation.variant, variant: evaluation.variant, reason, metadata };
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
  return { response, failed: reason === "ERROR", outcome };
}
