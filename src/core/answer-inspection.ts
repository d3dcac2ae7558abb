// Judging one complete answer against a flag's response contract
// (response-settings.ts): valid, invalid (with a bounded reason), and the
// predicted label or number for the drift check. Pure: text in, verdict out;
// the hot path calls it off the critical path on a teed, byte-capped copy.
import { MAX_LABEL_CHARS, type AnswerContract } from "./response-settings";
import { readPath } from "./shadow/json-path";

/** What inspecting one answer found. `not_inspected`: unsampled, too large, unread or not a 2xx. */
export type InspectionState = "valid" | "invalid" | "not_inspected";

export interface Inspection {
  state: InspectionState;
  /** Why invalid (bounded), e.g. "not_json" or "type at #/label". */
  reason: string | null;
  /** A categorical prediction (string or boolean), cut to MAX_LABEL_CHARS. */
  label: string | null;
  /** A numeric prediction (finite numbers only). */
  value: number | null;
}

export const NOT_INSPECTED: Readonly<Inspection> = Object.freeze({
  state: "not_inspected",
  reason: null,
  label: null,
  value: null,
});

/**
 * Judges one complete answer body (already decoded text). Non-JSON is invalid
 * only when a schema is declared; a prediction missing or of the wrong kind
 * is invalid too, since the flag said the answer carries one.
 */
export function inspectAnswer(contract: AnswerContract, text: string): Inspection {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return { state: "invalid", reason: "not_json", label: null, value: null };
  }
  const checked = contract.check ? contract.check(answer) : { valid: true, reason: null };
  let label: string | null = null;
  let value: number | null = null;
  let predictionProblem: string | null = null;
  if (contract.prediction) {
    const found = readPath(answer, contract.prediction);
    if (typeof found === "number" && Number.isFinite(found)) value = found;
    else if (typeof found === "string") label = found.slice(0, MAX_LABEL_CHARS);
    else if (typeof found === "boolean") label = String(found);
    else predictionProblem = found === undefined ? "prediction_missing" : "prediction_not_scalar";
  }
  const reason = checked.valid ? predictionProblem : checked.reason;
  return { state: reason === null ? "valid" : "invalid", reason, label, value };
}
