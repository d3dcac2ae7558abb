// The admin API's error vocabulary: each code with the status that belongs to
// it, the error that carries one, and the one body shape
// `{ "error": { "code", "message", "details"? } }`. Free of hono's runtime
// (types only): the router's script uses it for its answers on control paths
// and OFREP's token check, and every new router isolate compiles what it
// imports (docs/design/routing-hot-path.md, "Start-up cost").
import type { ContentfulStatusCode } from "hono/utils/http-status";

const STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_ruleset: 422,
  limit_exceeded: 422,
  precondition_required: 428,
  rate_limited: 429,
  internal: 500,
  // The router's answers on control paths when the control-plane Worker is missing or failed.
  control_plane_unavailable: 502,
  control_plane_unbound: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS;
export const ERROR_CODES = Object.keys(STATUS) as ErrorCode[];

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
