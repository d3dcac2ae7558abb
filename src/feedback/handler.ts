// POST /feedback: ground truth for a served request. Body
// { "requestId", "success"?: bool, "value"?: number, "label"?: string }.
// The signed request id says which flag, variant, rollout, stage and rule
// served the request, so the feedback outcome is attributed without any
// per-request storage. It is recorded through the same OutcomeWriter as
// requests (AE + embedded), as a row whose feedback value is set.
// Errors use the API's one shape { error: { code, message } }: malformed or
// forged id 400, expired 400, unknown flag/rollout 404.
import type { Env } from "../env";
import type { Outcome } from "../core/outcome";
import type { Reason } from "../core/types";
import { readRequestId } from "../edge/request-id";
import { NO_VALUE } from "../telemetry/outcome-layout";
import { readFeedbackTargets } from "../store/feedback-lookup";
import { servicesFor } from "../wiring";
import { requestIdKeyFor } from "./ids";

/** Feedback is accepted for requests served at most this long ago. */
export const FEEDBACK_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
export const FEEDBACK_MAX_BODY_BYTES = 4096;

const fail = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

interface FeedbackBody {
  requestId?: unknown;
  success?: unknown;
  value?: unknown;
  label?: unknown;
}

function feedbackValueOf(body: FeedbackBody): number | string {
  if (body.success !== undefined && typeof body.success !== "boolean") return "success must be a boolean";
  if (body.value !== undefined && (typeof body.value !== "number" || !Number.isFinite(body.value)))
    return "value must be a finite number";
  if (body.label !== undefined && (typeof body.label !== "string" || body.label.length > 256))
    return "label must be a string of at most 256 characters";
  if (typeof body.success === "boolean") return body.success ? 1 : 0;
  // -1 marks "no value" in the Analytics Engine layout, so it cannot be a feedback value.
  if (typeof body.value === "number") return body.value === NO_VALUE ? "value -1 is reserved" : body.value;
  return "send success (boolean) or value (number); a label alone carries no metric";
}

export async function handleFeedback(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  if (request.method !== "POST") return fail(405, "method_not_allowed", "use POST");
  const key = requestIdKeyFor(env);
  if (!key) return fail(503, "feedback_disabled", "REQUEST_ID_SECRET is not configured");
  const text = await request.text();
  if (text.length > FEEDBACK_MAX_BODY_BYTES)
    return fail(413, "payload_too_large", `body exceeds ${FEEDBACK_MAX_BODY_BYTES} bytes`);
  let body: FeedbackBody;
  try {
    body = JSON.parse(text) as FeedbackBody;
  } catch {
    return fail(400, "invalid_request", "body must be JSON");
  }
  if (typeof body !== "object" || body === null || typeof body.requestId !== "string")
    return fail(400, "invalid_request", "requestId (string) is required");
  const value = feedbackValueOf(body);
  if (typeof value === "string") return fail(400, "invalid_request", value);
  const now = Date.now();
  const read = await readRequestId(await key, body.requestId, now, FEEDBACK_MAX_AGE_MS);
  if (!read.ok) {
    return read.error === "expired"
      ? fail(
          400,
          "expired_request_id",
          `feedback is accepted for ${FEEDBACK_MAX_AGE_MS / 3_600_000} hours after the request`,
        )
      : fail(400, "invalid_request_id", "requestId is not an id this router issued (malformed or bad signature)");
  }
  const a = read.value;
  const targets = await readFeedbackTargets(env.DB, a.flagKey, a.rolloutId);
  if (!targets.flagExists) return fail(404, "not_found", `flag "${a.flagKey}" no longer exists`);
  if (a.rolloutId !== null && targets.rolloutFlagKey !== a.flagKey)
    return fail(404, "not_found", `rollout "${a.rolloutId}" is unknown`);
  const outcome: Outcome = {
    timestampMs: now,
    requestId: body.requestId,
    flagKey: a.flagKey,
    rolloutId: a.rolloutId,
    variant: a.variant,
    reason: a.reason as Reason,
    ruleId: a.ruleId,
    stage: a.stage,
    status: 0,
    latencyMs: 0,
    error: false,
    timeout: false,
    shadowAgreement: null,
    feedbackValue: value,
    colo: "feedback",
    unitKeyGenerated: false,
    failedOver: false,
  };
  const writer = servicesFor(env).outcomes;
  writer.record(outcome);
  const flushing = writer.flush();
  if (flushing) ctx.waitUntil(flushing);
  return Response.json({ accepted: true, attribution: a, value }, { status: 202 });
}
