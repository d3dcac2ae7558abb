// evaluateFlag: the fixed evaluation order of docs/design/evaluation-and-bucketing.md —
// kill switch → override → segment rules in order → stage split → default.
// Pure and total: it never throws; a failing rule predicate yields blue/ERROR.
// `decide` is the step before it that every caller serving a flag from the
// index + snapshot cache shares (the proxy path and OFREP).
import { bucketFromHash, isGreen } from "./bucket";
import { mayBePinned } from "./override-filter";
import type { CompiledFlag, CompiledRule, Evaluation, EvaluationContext, Reason, Variant } from "./types";

function decided(
  variant: Variant,
  reason: Reason,
  ruleId: string | null = null,
  segmentKey: string | null = null,
): Evaluation {
  return Object.freeze({ variant, reason, ruleId, segmentKey, errorCode: null });
}

// Results are immutable and shared, so the hot path allocates nothing per evaluation.
export const KILLED = decided("blue", "KILL_SWITCH");
const PINNED = { blue: decided("blue", "OVERRIDE"), green: decided("green", "OVERRIDE") };
const SPLIT = { blue: decided("blue", "SPLIT"), green: decided("green", "SPLIT") };
const DEFAULT = decided("blue", "DEFAULT");
const ruleResults = new WeakMap<CompiledRule, { blue: Evaluation; green: Evaluation }>();

function ruleResult(rule: CompiledRule, variant: Variant): Evaluation {
  let results = ruleResults.get(rule);
  if (!results) {
    results = {
      blue: decided("blue", "SEGMENT_MATCH", rule.id, rule.segmentKey),
      green: decided("green", "SEGMENT_MATCH", rule.id, rule.segmentKey),
    };
    ruleResults.set(rule, results);
  }
  return results[variant];
}

/** Blue with reason ERROR and an internal snake_case tag. */
export function errorEvaluation(errorCode: string): Evaluation {
  return { variant: "blue", reason: "ERROR", ruleId: null, segmentKey: null, errorCode };
}

export function evaluateFlag(flag: CompiledFlag, context: EvaluationContext): Evaluation {
  if (flag.snapshot.killSwitch) return KILLED;
  try {
    // One salted hash serves the override filter, segment percentages and the split.
    const unitHash = flag.hashUnit(context.unitKey);
    if (flag.overrides.size > 0 && mayBePinned(flag.overrideFilter, unitHash)) {
      const pinned = flag.overrides.get(context.unitKey);
      if (pinned !== undefined) return PINNED[pinned];
    }
    for (const rule of flag.rules) {
      if (!rule.matches(context)) continue;
      if (rule.variant !== null) return ruleResult(rule, rule.variant);
      return ruleResult(rule, isGreen(bucketFromHash(unitHash), rule.greenBuckets) ? "green" : "blue");
    }
    if (flag.splitGreenBuckets > 0)
      return SPLIT[isGreen(bucketFromHash(unitHash), flag.splitGreenBuckets) ? "green" : "blue"];
    return DEFAULT;
  } catch {
    return errorEvaluation("evaluation_failed");
  }
}

/** What the snapshot cache answered for an index entry. */
export type SnapshotLookup = { ok: true; flag: CompiledFlag } | { ok: false; errorCode: string };

export interface Decision<C extends EvaluationContext> {
  evaluation: Evaluation;
  /** The snapshot the decision used; null when none could be read. */
  flag: CompiledFlag | null;
  /** The context it was evaluated in; null when there was no snapshot or the context failed. */
  context: C | null;
}

/**
 * One index entry's evaluation. The index's kill switch (strongly consistent,
 * re-read every few seconds) wins over a snapshot KV has not caught up with
 * yet; an unreadable snapshot serves blue with ERROR (KILL_SWITCH when the
 * index says killed); a context that cannot be built serves blue with ERROR
 * `context_failed`. The context is built even when killed: the caller may
 * still need it (a minted unit key's cookie). Never throws.
 */
export function decide<C extends EvaluationContext>(
  killSwitch: boolean,
  lookup: SnapshotLookup,
  contextFor: (flag: CompiledFlag) => C,
): Decision<C> {
  if (!lookup.ok)
    return { evaluation: killSwitch ? KILLED : errorEvaluation(lookup.errorCode), flag: null, context: null };
  const flag = lookup.flag;
  let context: C;
  try {
    context = contextFor(flag);
  } catch {
    return { evaluation: errorEvaluation("context_failed"), flag, context: null };
  }
  return { evaluation: killSwitch ? KILLED : evaluateFlag(flag, context), flag, context };
}
