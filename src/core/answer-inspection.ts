// Judging one complete answer against a flag's response contract
// (response-settings.ts): valid, invalid (with a bounded reason), and the
// predicted label or number for the drift check, plus who is sampled and how
// bytes become text. Pure: bytes or text in, verdict out. Its one home for
// both callers, each off the critical path: the hot path on a byte-capped
// copy of a served answer (edge/body-watch.ts), the shadow mirror on green's
// capped mirrored answer (edge/mirror-row.ts).
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

/** Strict UTF-8: a whole-body decode keeps no state between calls, so one decoder serves every inspection. */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Whether an answer is in the contract's inspection sample; `draw` is uniform in [0, 1). */
export function inInspectionSample(contract: AnswerContract, draw: number): boolean {
  return draw * 100_000 < contract.sampleBuckets;
}

/**
 * Judges one complete answer body as bytes: over the contract's byte cap it is
 * not inspected (never invalid); bytes that are not UTF-8 are not JSON either.
 */
export function inspectAnswerBytes(contract: AnswerContract, bytes: Uint8Array): Inspection {
  if (bytes.byteLength > contract.maxBodyBytes) return { ...NOT_INSPECTED };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { state: "invalid", reason: "not_json", label: null, value: null };
  }
  return inspectAnswer(contract, text);
}

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
