// Exit codes and the mapping from failures to what an operator reads.
// Pure: no I/O. Every failure the CLI reports is a CliError carrying its
// exit code, so main.mjs has exactly one place that prints and exits.
export const EXIT = Object.freeze({
  OK: 0,
  USAGE: 1, // bad arguments, missing SWITCHYARD_URL/TOKEN, unreadable or invalid input file
  API: 2, // the API refused or failed (400, 404, 413, 422, 5xx) or could not be reached
  CONFLICT: 3, // 409 conflict, 412 stale ETag, 428 missing If-Match
  AUTH: 4, // 401 bad/missing token, 403 scope too low
});

export class CliError extends Error {
  /** @param {string} message @param {number} exitCode @param {{status?: number, code?: string, details?: unknown}} [extra] */
  constructor(message, exitCode, extra = {}) {
    super(message);
    this.exitCode = exitCode;
    this.status = extra.status;
    this.code = extra.code;
    this.details = extra.details;
  }
}

export const usageError = (message) => new CliError(message, EXIT.USAGE, { code: "usage" });

/** Exit code for an HTTP status the API answered with. */
export function exitCodeOf(status) {
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 409 || status === 412 || status === 428) return EXIT.CONFLICT;
  return EXIT.API;
}

/**
 * An admin-API error response → a CliError with a message that says what to
 * do. `body` is the parsed `{ error: { code, message, details } }` (or null);
 * `what` names the resource ("flag summarize").
 */
export function apiError(status, body, what) {
  const error = body && typeof body === "object" && body.error && typeof body.error === "object" ? body.error : {};
  const code = typeof error.code === "string" ? error.code : `http_${status}`;
  const serverMessage = typeof error.message === "string" ? error.message : "";
  const extra = { status, code, details: error.details };
  const hint = {
    401: "the token was refused: check SWITCHYARD_TOKEN (a syk_… API token)",
    403: `your token's scope is too low for this: ${serverMessage || "ask for an operate/admin token"}`,
    404: `${what} not found${serverMessage ? ` (${serverMessage})` : ""}`,
    409: `conflict: ${serverMessage}${error.details?.reason ? ` [${error.details.reason}]` : ""}`,
    412: `${what} changed since you read it; re-run the command (it reads the current version first)`,
    428: "the API wants an If-Match header; this is a CLI bug, please report it",
    413: "the request body is too large (over 1 MiB)",
  }[status];
  if (hint) return new CliError(hint, exitCodeOf(status), extra);
  if (status >= 500)
    return new CliError(
      `the switchyard API failed (HTTP ${status}${serverMessage ? `: ${serverMessage}` : ""}); try again`,
      EXIT.API,
      extra,
    );
  const issues = Array.isArray(error.details)
    ? error.details
        .slice(0, 5)
        .map((issue) => `\n  ${issue.path || "(body)"}: ${issue.message}`)
        .join("")
    : "";
  return new CliError(`${serverMessage || `HTTP ${status}`}${issues}`, exitCodeOf(status), extra);
}

/** A fetch that never got an answer. */
export function networkError(url, cause) {
  return new CliError(
    `cannot reach ${url}: ${cause?.cause?.code ?? cause?.cause?.errors?.[0]?.code ?? cause?.message ?? cause}; is SWITCHYARD_URL right and the Worker running?`,
    EXIT.API,
    { code: "unreachable" },
  );
}

/** The shape printed to stderr with --json. */
export function errorJson(error) {
  return {
    error: {
      code: error.code ?? "error",
      message: error.message,
      status: error.status ?? null,
      exitCode: error.exitCode ?? EXIT.API,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}
