// evaluateFlag: the fixed evaluation order of SPEC §2 —
// kill switch → override → segment rules in order → stage split → default.
// Pure and total: it never throws; a failing rule predicate yields blue/ERROR.
import { bucketOf, isGreen } from "./bucket";
import type { CompiledFlag, Evaluation, EvaluationContext, Reason, Variant } from "./types";

function decided(variant: Variant, reason: Reason, ruleId: string | null = null, segmentKey: string | null = null): Evaluation {
  return { variant, reason, ruleId, segmentKey, errorCode: null };
}

/** Blue with reason ERROR and an internal snake_case tag. */
export function errorEvaluation(errorCode: string): Evaluation {
  return { variant: "blue", reason: "ERROR", ruleId: null, segmentKey: null, errorCode };
}

export function evaluateFlag(flag: CompiledFlag, context: EvaluationContext): Evaluation {
  if (flag.snapshot.killSwitch) return decided("blue", "KILL_SWITCH");
  try {
    const pinned = flag.overrides.get(context.unitKey);
    if (pinned !== undefined) return decided(pinned, "OVERRIDE");
    let bucket = -1;
    for (const rule of flag.rules) {
      if (!rule.matches(context)) continue;
      if (rule.variant !== null) return decided(rule.variant, "SEGMENT_MATCH", rule.id, rule.segmentKey);
      bucket = bucketOf(flag.salt, context.unitKey);
      return decided(isGreen(bucket, rule.greenBuckets) ? "green" : "blue", "SEGMENT_MATCH", rule.id, rule.segmentKey);
    }
    if (flag.splitGreenBuckets > 0) {
      bucket = bucketOf(flag.salt, context.unitKey);
      return decided(isGreen(bucket, flag.splitGreenBuckets) ? "green" : "blue", "SPLIT");
    }
    return decided("blue", "DEFAULT");
  } catch {
    return errorEvaluation("evaluation_failed");
  }
}
