// The admin API's one error handler, over its one error vocabulary (codes,
// statuses, ApiError and the body shape live in api-error.ts, which the
// router's script shares without hono, and are re-exported here for the admin
// modules). Every failure leaves as `{ "error": { "code", "message", "details"? } }`
// with the status that belongs to its code; nothing else decides status codes
// for errors. Internal details (stack, SQL, tokens) never reach the body.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { WriteFailure } from "../store/admin-tx";
import { LIMITS } from "./limits";
import { ApiError, errorBody } from "./api-error";

export { ApiError, ERROR_CODES, errorBody, type ErrorCode } from "./api-error";

/** Store failures (tagged values) → public errors; exhaustive on purpose. */
/** 413 for a body over the admin API's cap: one wording, from the one limit. */
export function bodyTooLarge(): ApiError {
  return new ApiError("payload_too_large", `request body exceeds ${LIMITS.bodyBytes} bytes`);
}

export function writeFailureToApi(failure: WriteFailure, resource: string): ApiError {
  switch (failure.kind) {
    case "precondition_failed":
      return new ApiError(
        "precondition_failed",
        `${resource} changed since it was read; fetch it again and retry with the new ETag`,
      );
    case "already_exists":
      return new ApiError("already_exists", `${resource} already exists`);
    case "referenced":
      return new ApiError("conflict", `${resource} is referenced by another resource`);
  }
}

function fromHttpException(error: HTTPException): ApiError {
  switch (error.status) {
    case 400:
      return new ApiError("invalid_request", error.message || "malformed request");
    case 401:
      return new ApiError("unauthorized", "missing or invalid bearer token");
    case 413:
      return bodyTooLarge();
    case 415:
      return new ApiError("unsupported_media_type", "send the body as application/json");
    default:
      return new ApiError(
        error.status >= 500 ? "internal" : "invalid_request",
        error.status >= 500 ? "internal error" : error.message,
      );
  }
}

/** The one error handler (hono `onError`). */
export function handleError(error: Error, c: Context): Response {
  const api = error instanceof ApiError ? error : error instanceof HTTPException ? fromHttpException(error) : null;
  if (api === null) {
    // Log the failure's name and message only: request headers (tokens) are never logged.
    console.error("admin api internal error", {
      requestId: c.get("requestId" as never),
      error: `${error.name}: ${error.message}`,
      stack: error.stack,
    });
    return c.json(errorBody("internal", "internal error"), 500);
  }
  if (api.code === "unauthorized") c.header("WWW-Authenticate", 'Bearer realm="switchyard-admin"');
  if (api.code === "rate_limited")
    c.header("Retry-After", String((api.details as { retryAfterSeconds: number }).retryAfterSeconds));
  return c.json(errorBody(api.code, api.message, api.details), api.status);
}

/** zod-openapi validation hook: a failed body/query/param parse is a 400 in our shape. */
export function validationHook(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}): void {
  if (result.success) return;
  const issues = (result.error?.issues ?? [])
    .slice(0, 20)
    .map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
  throw new ApiError("invalid_request", "request failed validation", issues);
}
