// Forwarding one request to one origin: URL join, header hygiene (hop-by-hop
// and switchyard credentials removed, spoofable routing headers dropped),
// per-flag timeout to response headers, and a classification of failures.
// Never throws: every failure becomes an OriginResult, including an answer
// the router cannot relay (an interim 1xx status as the final response).
import { ADMIN_SESSION_COOKIE, API_TOKEN_PREFIX } from "../core/credentials";
import type { OriginSpec } from "../core/types";
import type { Clock, OriginFetchers } from "../ports";
import { isRelayableStatus } from "./responses";

export type OriginResult =
  | { kind: "response"; response: Response; latencyMs: number }
  | { kind: "timeout"; latencyMs: number }
  | { kind: "unreachable"; latencyMs: number; message: string };

// `expect` is not listed as hop-by-hop in RFC 9110, but an expectation
// concerns the client's exchange with the router, not the router's own
// request to the origin (whose body is already streaming): forwarded, it
// invites the origin to answer 100 Continue, a status no Response can carry.
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "expect",
];
const ROUTER_HEADERS = ["x-model-variant", "x-flag-reason", "x-flag-rule"];

function carriesApiToken(value: string | null): boolean {
  return value?.replace(/^Bearer\s+/i, "").startsWith(API_TOKEN_PREFIX) === true;
}

/** Request headers as the origin should see them. */
export function originHeaders(
  incoming: Headers,
  requestId: string,
  origin: OriginSpec,
  fetchers: OriginFetchers,
): Headers {
  const headers = new Headers(incoming);
  const listed = incoming.get("connection");
  if (listed) for (const name of listed.split(",")) headers.delete(name.trim());
  for (const name of HOP_BY_HOP) headers.delete(name);
  for (const name of ROUTER_HEADERS) headers.delete(name);
  if (carriesApiToken(incoming.get("authorization"))) headers.delete("authorization");
  if (carriesApiToken(incoming.get("x-api-key"))) headers.delete("x-api-key");
  const cookie = incoming.get("cookie");
  if (cookie?.includes(`${ADMIN_SESSION_COOKIE}=`)) {
    const kept = cookie.split(";").filter((part) => !part.trim().startsWith(`${ADMIN_SESSION_COOKIE}=`));
    if (kept.length > 0) headers.set("cookie", kept.join(";").trim());
    else headers.delete("cookie");
  }
  if (origin.authHeader) {
    const secret = fetchers.secret(origin.authHeader.secret);
    if (secret !== undefined) headers.set(origin.authHeader.name, secret);
  }
  headers.set("x-request-id", requestId);
  return headers;
}

function targetUrl(origin: OriginSpec, url: URL): string {
  const base = origin.url ?? "https://service.internal";
  // The regex only for a base that ends in a slash (rare): this runs per request.
  return (base.endsWith("/") ? base.replace(/\/+$/, "") : base) + url.pathname + url.search;
}

export interface ForwardRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  requestId: string;
}

/**
 * Resolves to null after `ms`. Deliberately never cleared: a pending timer
 * dies with the request's context (workerd cancels it once the response and
 * any waitUntil work are done), and clearing one per request cost ~5 % of
 * router throughput in bench:router A/B runs. Firing late is harmless: it
 * settles a race that is already decided.
 */
function deadline(ms: number): Promise<null> {
  return new Promise((resolve) => setTimeout(resolve, ms, null));
}

/**
 * `abortOnTimeout`: abort the exchange at the deadline. Needed only when the
 * request's context outlives the timeout (a failover first attempt, a shadow
 * mirror) so the late origin stops working at once; otherwise the 504 ends
 * the context, which cancels the exchange anyway, and the signal's cost
 * (~3 % of router throughput) is saved.
 */
export async function forwardToOrigin(
  request: ForwardRequest,
  origin: OriginSpec,
  timeoutMs: number,
  fetchers: OriginFetchers,
  clock: Clock,
  abortOnTimeout = false,
): Promise<OriginResult> {
  const startedMs = clock.now();
  const elapsed = () => clock.now() - startedMs;
  const controller = abortOnTimeout ? new AbortController() : null;
  try {
    const fetcher = origin.service ? fetchers.service(origin.service) : undefined;
    if (origin.service && !fetcher)
      return { kind: "unreachable", latencyMs: 0, message: `service binding ${origin.service} is not bound` };
    const init: RequestInit = {
      method: request.method,
      headers: originHeaders(request.headers, request.requestId, origin, fetchers),
      body: request.body,
      redirect: "manual",
      signal: controller?.signal ?? null,
    };
    const target = targetUrl(origin, request.url);
    const exchange = fetcher ? fetcher.fetch(target, init) : fetch(target, init);
    const response = await Promise.race([exchange, deadline(timeoutMs)]);
    if (response === null) {
      controller?.abort();
      // A late answer's body is released so it holds no connection meanwhile.
      exchange.then(
        (late) => late.body?.cancel(),
        () => undefined,
      );
      return { kind: "timeout", latencyMs: elapsed() };
    }
    if (!isRelayableStatus(response.status)) {
      // No protocol switch can be asked for (`upgrade` is never forwarded), so
      // a 1xx here is an origin fault: the client gets the router's 502.
      void response.body?.cancel();
      return {
        kind: "unreachable",
        latencyMs: elapsed(),
        message: `the origin answered ${response.status}, not a final status`,
      };
    }
    return { kind: "response", response, latencyMs: elapsed() };
  } catch (error) {
    return {
      kind: "unreachable",
      latencyMs: elapsed(),
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
