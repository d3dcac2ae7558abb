// Builds a pure EvaluationContext from a plain attribute map.
import type { EvaluationContext } from "../../src/core/types";

export function contextOf(unitKey: string, attributes: Record<string, string> = {}): EvaluationContext {
  return { unitKey, attribute: (name) => attributes[name] };
}
