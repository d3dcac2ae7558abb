// Response shaping for the hot path: routing headers on origin answers and
// the one JSON error body shape for the router's own failures.
import type { Evaluation, Variant } from "../core/types";

export interface RoutingHeaders {
  requestId: string;
  servedBy: Variant;
  evaluation: Evaluation;
  cookie: string | null;
  failedOver: boolean;
}

function setRouting(headers: Headers, routing: RoutingHeaders): void {
  headers.set("x-model-variant", routing.servedBy);
  headers.set("x-flag-reason", routing.evaluation.reason);
  headers.set("x-request-id", routing.requestId);
  if (routing.failedOver) headers.set("x-flag-failover", `${routing.evaluation.variant}->${routing.servedBy}`);
  if (routing.cookie) headers.append("set-cookie", routing.cookie);
}

/** The origin's response, streamed through, with routing headers added. */
export function withRoutingHeaders(response: Response, routing: RoutingHeaders): Response {
  const headers = new Headers(response.headers);
  setRouting(headers, routing);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export function errorResponse(
  status: number, code: string, message: string, requestId: string,
  servedBy?: Variant, evaluation?: Evaluation, cookie: string | null = null,
): Response {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", "x-request-id": requestId });
  if (servedBy && evaluation) setRouting(headers, { requestId, servedBy, evaluation, cookie, failedOver: servedBy !== evaluation.variant });
  return new Response(JSON.stringify({ error: { code, message, details: { requestId } } }), { status, headers });
}
