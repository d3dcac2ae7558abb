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

/**
 * The origin's response, streamed through, with routing headers added. The
 * Response-as-init form copies status, statusText and headers in one native
 * call (cheaper than an explicit Headers copy on every request). `body`
 * replaces the origin's stream (a watched copy of it) when given.
 */
export function withRoutingHeaders(response: Response, routing: RoutingHeaders, body: ReadableStream | null = response.body): Response {
  const routed = new Response(body, response);
  setRouting(routed.headers, routing);
  return routed;
}

export function errorResponse(
  status: number, code: string, message: string, requestId: string,
  servedBy?: Variant, evaluation?: Evaluation, cookie: string | null = null,
): Response {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", "x-request-id": requestId });
  if (servedBy && evaluation) setRouting(headers, { requestId, servedBy, evaluation, cookie, failedOver: servedBy !== evaluation.variant });
  return new Response(JSON.stringify({ error: { code, message, details: { requestId } } }), { status, headers });
}
