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
 * call (cheaper than an explicit Headers copy on every request).
 */
export function withRoutingHeaders(response: Response, routing: RoutingHeaders): Response {
  const routed = new Response(response.body, response);
  setRouting(routed.headers, routing);
  return routed;
}

export function errorResponse(
  status: number, code: string, message: string, requestId: string,
  servedBy?: Variant, evaluation?: Evaluation, cookie: string | null = null, details: Record<string, string> = {},
): Response {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", "x-request-id": requestId });
  if (servedBy && evaluation) setRouting(headers, { requestId, servedBy, evaluation, cookie, failedOver: servedBy !== evaluation.variant });
  return new Response(JSON.stringify({ error: { code, message, details: { requestId, ...details } } }), { status, headers });
}

/**
 * Where to go when no flag routes a path (`GET /` on a fresh deployment, a
 * typo): the dashboard that manages flags and the docs that explain routes.
 */
export const NO_ROUTE_DETAILS: Readonly<Record<string, string>> = Object.freeze({
  dashboard: "/admin",
  adminApi: "/admin/api",
  docs: "README.md (flags and their routes)",
});

export function noRouteResponse(method: string, path: string, requestId: string): Response {
  const message = `No flag routes ${method} ${path}; flags and their routes are managed at /admin`;
  return errorResponse(404, "no_route", message, requestId, undefined, undefined, null, NO_ROUTE_DETAILS);
}
