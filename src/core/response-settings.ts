// Settings for what happens to an origin's response body (`settings.response`
// of a flag): the one place their defaults and bounds live, and their
// validation (a snapshot with an invalid response section is refused whole).
// Pure: no I/O, no clock.

export interface ResponseSpec {
  /**
   * Deadline for the whole body, counted from the origin's headers. A body
   * still open then is ended for the client and recorded `stream_broken`.
   * Generous by default: a streamed answer (e.g. text/event-stream) may run long.
   */
  bodyTimeoutMs: number;
}

export const DEFAULT_BODY_TIMEOUT_MS = 300_000;
/** The longest body deadline a flag may set (one hour). */
export const MAX_BODY_TIMEOUT_MS = 3_600_000;

export const DEFAULT_RESPONSE: ResponseSpec = { bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS };

/** Validates a response section (defaults merged), or returns where and why it is wrong. */
export function compileResponse(raw: unknown): ResponseSpec | { path: string; message: string } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { path: "response", message: "must be an object" };
  const spec = { ...DEFAULT_RESPONSE, ...(raw as Partial<ResponseSpec>) };
  if (!Number.isInteger(spec.bodyTimeoutMs) || spec.bodyTimeoutMs < 1 || spec.bodyTimeoutMs > MAX_BODY_TIMEOUT_MS) {
    return { path: "response.bodyTimeoutMs", message: `must be an integer 1–${MAX_BODY_TIMEOUT_MS}` };
  }
  return spec;
}
