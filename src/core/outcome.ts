// One request's record (docs/design/routing-hot-path.md, outcomes). A plain data type shared by the hot path
// (which fills it) and telemetry (which owns how it is stored).
import type { InspectionState } from "./answer-inspection";
import type { UsageState } from "./llm/usage-reader";
import type { Reason, Variant } from "./types";

export interface Outcome {
  timestampMs: number;
  requestId: string;
  flagKey: string;
  rolloutId: string | null;
  variant: Variant;
  reason: Reason;
  ruleId: string | null;
  stage: string;
  /** HTTP status of the origin answer (0 when none arrived). */
  status: number;
  /** Time to the origin's response headers (what latency guards judge). */
  latencyMs: number;
  error: boolean;
  timeout: boolean;
  /** Why this request failed or did not count; null when the whole answer arrived (see ERROR_CLASSES). */
  errorClass?: ErrorClass | null;
  /** Time from the origin call to the first body byte; null without body bytes. */
  firstByteMs?: number | null;
  /** Time from the origin call until the body ended, broke or was abandoned (= latencyMs without a body). */
  durationMs?: number | null;
  /** The answer was streamed (an event stream, or a body without a declared length): time to first byte is judged. */
  streamed?: boolean;
  /**
   * What the response contract found in this answer (core/answer-inspection.ts):
   * `valid`, `invalid` or `not_inspected`; null/absent when the flag declares no contract.
   */
  inspection?: InspectionState | null;
  /** Why the answer was invalid (bounded), e.g. "not_json" or "enum at #/label". */
  invalidReason?: string | null;
  /** The predicted label (string/boolean), or the predicted number, of an inspected answer. */
  predictedLabel?: string | null;
  predictedValue?: number | null;
  /**
   * Token usage of a chat-completion answer (settings.response.usage, docs/design/llm-traffic.md):
   * `known` or `unknown` (never zero tokens for a usage that was not stated); null/absent when not declared.
   */
  usage?: UsageState | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  /** USD, from the tokens and the answering origin's price; null when either is unknown. */
  costUsd?: number | null;
  /** Event streams: time to the first event with generated text, and the gaps between such events. */
  ttftMs?: number | null;
  interTokenMeanMs?: number | null;
  interTokenMaxMs?: number | null;
  /** 1 / 0 for shadow pairs, null when no comparison was made. */
  shadowAgreement: number | null;
  feedbackValue: number | null;
  colo: string;
  unitKeyGenerated: boolean;
  /** True when green failed and blue answered instead. */
  failedOver: boolean;
  /** "served" (default) = what a user got; "shadow" = a mirrored green answer compared with blue's. */
  kind?: OutcomeKind;
  /** Shadow pairs: comparator similarity 0..1 and its snake_case reason. */
  similarity?: number | null;
  comparatorReason?: string | null;
  /** Shadow pairs: blue's latency and status in the same pair (this record holds green's). */
  pairedLatencyMs?: number | null;
  pairedStatus?: number | null;
}

/**
 * The fields that describe the request rather than an answer to it: the flag,
 * the unit, the evaluation and where and when it ran. A second answer to the
 * same request (a shadow mirror's) shares exactly these; everything else
 * describes one answer and must come from that answer.
 */
export type OutcomeRequest = Pick<
  Outcome,
  "timestampMs" | "requestId" | "flagKey" | "rolloutId" | "reason" | "ruleId" | "stage" | "colo" | "unitKeyGenerated"
>;

/** Every field that describes one answer, none optional: a row built for another answer names each one. */
export type OutcomeAnswer = Required<Omit<Outcome, keyof OutcomeRequest>>;

/** The request's fields of an outcome, picked by name: a spread would carry the served answer's too. */
export function pickRequestFields(outcome: OutcomeRequest): OutcomeRequest {
  return {
    timestampMs: outcome.timestampMs,
    requestId: outcome.requestId,
    flagKey: outcome.flagKey,
    rolloutId: outcome.rolloutId,
    reason: outcome.reason,
    ruleId: outcome.ruleId,
    stage: outcome.stage,
    colo: outcome.colo,
    unitKeyGenerated: outcome.unitKeyGenerated,
  };
}

/** "served" = what a user got; "shadow" = a mirrored green answer compared with blue's. */
export type OutcomeKind = "served" | "shadow";

/**
 * Why a request did not get a whole, good answer. Every class but
 * `client_aborted` is an error of the variant that answered (`error` true);
 * `client_aborted` (the client went away before the body ended) says nothing
 * about either variant: metric readers leave those rows out entirely, as
 * requests too, so they neither flatter nor blame a variant.
 */
export const ERROR_CLASSES = ["http_5xx", "timeout", "unreachable", "stream_broken", "client_aborted"] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];
export const CLIENT_ABORTED: ErrorClass = "client_aborted";

/** Error class of an origin attempt as known at its headers; null for an answer below 500. */
export function answerErrorClass(kind: "response" | "timeout" | "unreachable", status: number): ErrorClass | null {
  if (kind !== "response") return kind;
  return status >= 500 ? "http_5xx" : null;
}

/**
 * Whether an answer is a stream, judged from its headers: an event stream, or a
 * body sent without a declared length (chunked). Its time to first byte is what
 * a user waits for, so the `ttfb_p95` guard judges it (docs/design/answer-checks.md).
 */
export function isStreamedAnswer(contentType: string | null, contentLength: string | null): boolean {
  if (isEventStream(contentType)) return true;
  return contentLength === null || contentLength === "";
}

/** A server-sent event stream, whatever the media type's case or parameters. */
export function isEventStream(contentType: string | null): boolean {
  return contentType?.toLowerCase().includes("text/event-stream") === true;
}

export function statusClass(status: number): string {
  return status === 0 ? "none" : `${Math.floor(status / 100)}xx`;
}
