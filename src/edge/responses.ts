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
 * Whether an origin status can be relayed: a Response may only carry 200–599
 * (workerd throws a RangeError otherwise), so an interim 1xx (or anything
 * out of range) must become the router's own error, never a relayed answer.
 */
export function isRelayableStatus(status: number): boolean {
  return status >= 200 && status <= 599;
}

/**
 * The origin's response, streamed through, with routing headers added. The
 * Response-as-init form copies status, statusText and headers in one native
 * call (cheaper than an explicit Headers copy on every request). Only for a
 * relayable status (forward.ts turns any other into a failure first). `body`
 * replaces the origin's stream (a watched copy of it) when given.
 */
export function withRoutingHeaders(
  response: Response,
  routing: RoutingHeaders,
  body: ReadableStream | ArrayBuffer | null = response.body,
): Response {
  const routed = new Response(body, response);
  setRouting(routed.headers, routing);
  return routed;
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  requestId: string,
  servedBy?: Variant,
  evaluation?: Evaluation,
  cookie: string | null = null,
  details: Record<string, string> = {},
): Response {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", "x-request-id": requestId });
  if (servedBy && evaluation)
    setRouting(headers, { requestId, servedBy, evaluation, cookie, failedOver: servedBy !== evaluation.variant });
  return new Response(JSON.stringify({ error: { code, message, details: { requestId, ...details } } }), {
    status,
    headers,
  });
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
