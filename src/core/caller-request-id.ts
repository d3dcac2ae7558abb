// Which request ids a caller may hand us in `x-request-id`: 1–128 characters
// of [A-Za-z0-9._-], safe in a header, a log line and an outcome record. The
// proxy path, OFREP and the admin API accept exactly the same ids; anything
// else is ignored and a fresh id is used instead. Pure.

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's id when it is acceptable, else null (the caller mints one). */
export function acceptedRequestId(given: string | null | undefined): string | null {
  return given !== null && given !== undefined && REQUEST_ID_PATTERN.test(given) ? given : null;
}
