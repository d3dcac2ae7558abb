// The OFREP error vocabulary on the wire (protocol v0.3): one table from
// error code to HTTP status, and the two body shapes — single-flag failures
// carry the flag `key`, bulk failures do not. Auth failures (401/403/429)
// carry the same shape so any client can log `errorDetails`.
// A 429's Retry-After is a date, as the OFREP document specifies it (a
// `date-time` string), written as an HTTP-date (IMF-fixdate): the date form
// HTTP allows in Retry-After, and the one OFREP providers read as a date —
// the JS provider parses a value that starts with digits as seconds, so an
// RFC 3339 date ("2026-…") would be taken for ~2 000 s.
export const OFREP_ERROR_STATUS = {
  PARSE_ERROR: 400,
  TARGETING_KEY_MISSING: 400,
  INVALID_CONTEXT: 400,
  FLAG_NOT_FOUND: 404,
  GENERAL: 500,
} as const;

export type OfrepErrorCode = keyof typeof OFREP_ERROR_STATUS;

/** A request-level failure found before any flag was evaluated. */
export interface OfrepFailure {
  code: OfrepErrorCode;
  details: string;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** Single-flag failure: `{ key, errorCode, errorDetails }`. */
export function flagFailure(key: string, failure: OfrepFailure): Response {
  return json({ key, errorCode: failure.code, errorDetails: failure.details }, OFREP_ERROR_STATUS[failure.code]);
}

/** Bulk failure: `{ errorCode, errorDetails }`. */
export function bulkFailure(failure: OfrepFailure): Response {
  return json({ errorCode: failure.code, errorDetails: failure.details }, OFREP_ERROR_STATUS[failure.code]);
}

export type AuthFailure =
  | { status: 401 | 403; details: string }
  | { status: 429; details: string; retryAfterSeconds: number; nowMs: number };

/** The Retry-After date `waitSeconds` from `nowMs`, rounded up to the whole second. */
export function retryAfterDate(nowMs: number, waitSeconds: number): string {
  return new Date(Math.ceil((nowMs + waitSeconds * 1000) / 1000) * 1000).toUTCString();
}

export function authFailure(failure: AuthFailure): Response {
  const headers: Record<string, string> = {};
  if (failure.status === 401) headers["www-authenticate"] = 'Bearer realm="switchyard-ofrep"';
  if (failure.status === 429) headers["retry-after"] = retryAfterDate(failure.nowMs, failure.retryAfterSeconds);
  return json({ errorCode: "GENERAL", errorDetails: failure.details }, failure.status, headers);
}

export { json as ofrepJson };
