// OFREP (OpenFeature Remote Evaluation Protocol v0.3) at /ofrep/v1:
//   POST /evaluate/flags/{key}  one flag  → 200 | 400 | 404 | 500 (also when that flag cannot be evaluated)
//   POST /evaluate/flags        all flags → 200 with ETag | 304 | 400 | 500
// Every path under /ofrep/v1 needs a token first (auth.ts); any other path or
// method is a 404 in the protocol's error shape, and an unexpected failure a
// 500 (name and message logged, never a header). Evaluation is the proxy
// path's own — the same per-isolate services (flag cache: index, snapshots;
// outcome writer), handed in by the entry (index.ts), the same decision step,
// evaluator and bucketing — and every evaluation handed out records one
// Outcome (see evaluate.ts); a 304 hands nothing out and records nothing. The
// value and the variant are the variant name, "blue"/"green".
// Two routes need no router framework: this module is part of the router's
// script, which every new isolate compiles whole (docs/design/routing-hot-path.md).
import { acceptedRequestId } from "../core/caller-request-id";
import type { FlagCache } from "../edge/flag-cache";
import type { Env } from "../env";
import type { OutcomeSink } from "../ports";
import { bulkFailure, flagFailure, OFREP_ERROR_STATUS, ofrepJson, type OfrepFailure } from "./errors";
import { parseEvaluationRequest, type EvaluationInput } from "./context";
import { evaluateEntry, type RequestFacts } from "./evaluate";
import { tokenRefusal } from "./auth";
import { etagOfBody, matchesIfNoneMatch } from "./etag";

/** What OFREP needs of the isolate's services: the proxy path's own objects, never copies. */
export interface OfrepServices {
  cache: FlagCache;
  outcomes: OutcomeSink;
  coloOf: (request: Request) => string;
}

export const OFREP_BASE_PATH = "/ofrep/v1";
const BULK_PATH = "/evaluate/flags";
const ONE_FLAG_PATH = /^\/evaluate\/flags\/([^/]+)$/;

type OfrepRoute = { kind: "bulk" } | { kind: "flag"; key: string };

/** The percent-decoded path segment (as sent when it does not decode). */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The route a method and path (below the base path) name, or null for none. */
export function ofrepRoute(method: string, subPath: string): OfrepRoute | null {
  if (method !== "POST") return null;
  if (subPath === BULK_PATH) return { kind: "bulk" };
  const flag = ONE_FLAG_PATH.exec(subPath);
  return flag ? { kind: "flag", key: decodedSegment(flag[1]!) } : null;
}

function keepFlushing(ctx: ExecutionContext, flushing: Promise<void> | null): void {
  if (flushing) ctx.waitUntil(flushing);
}

const UNAVAILABLE: OfrepFailure = {
  code: "GENERAL",
  details: "flag configuration could not be loaded; use your default value",
};

function factsOf(request: Request, services: OfrepServices): RequestFacts {
  return {
    requestId: acceptedRequestId(request.headers.get("x-request-id")) ?? crypto.randomUUID(),
    nowMs: Date.now(),
    colo: services.coloOf(request),
  };
}

/** One evaluation request: its parsed context, the request's facts and the isolate's services. */
interface OfrepCall {
  context: EvaluationInput;
  facts: RequestFacts;
  request: Request;
  services: OfrepServices;
  ctx: ExecutionContext;
}

async function evaluateOne(key: string, call: OfrepCall): Promise<Response> {
  const { services, facts } = call;
  const index = await services.cache.byKey();
  if (index === "unavailable") return flagFailure(key, UNAVAILABLE);
  const entry = index.get(key);
  if (!entry) return flagFailure(key, { code: "FLAG_NOT_FOUND", details: `flag "${key}" not found` });
  const { response, failed, outcome } = await evaluateEntry(entry, call.context, services.cache, facts);
  services.outcomes.record(outcome);
  keepFlushing(call.ctx, services.outcomes.flush());
  return ofrepJson(response, failed ? OFREP_ERROR_STATUS.GENERAL : 200, { "x-request-id": facts.requestId });
}

async function evaluateAll(call: OfrepCall): Promise<Response> {
  const { services, facts } = call;
  const index = await services.cache.byKey();
  if (index === "unavailable") return bulkFailure(UNAVAILABLE);
  const entries = [...index.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const evaluated = await Promise.all(
    entries.map((entry) => evaluateEntry(entry, call.context, services.cache, facts)),
  );
  const body = JSON.stringify({ flags: evaluated.map((item) => item.response) });
  // The ETag is a digest of the answer itself: it changes exactly when any
  // decision for this context changes (flag edits, kill switch, stage moves).
  const etag = await etagOfBody(body);
  const headers = { etag, "cache-control": "no-cache", "x-request-id": facts.requestId };
  if (matchesIfNoneMatch(call.request.headers.get("if-none-match") ?? undefined, etag))
    return new Response(null, { status: 304, headers });
  for (const item of evaluated) services.outcomes.record(item.outcome);
  keepFlushing(call.ctx, services.outcomes.flush());
  return new Response(body, {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

async function answer(
  request: Request,
  path: string,
  env: Env,
  ctx: ExecutionContext,
  servicesOf: (env: Env) => OfrepServices,
): Promise<Response> {
  const notFound = () =>
    ofrepJson({ errorCode: "GENERAL", errorDetails: `No OFREP route ${request.method} ${path}` }, 404);
  const subPath = path.startsWith(OFREP_BASE_PATH) ? path.slice(OFREP_BASE_PATH.length) : null;
  if (subPath === null || (subPath !== "" && !subPath.startsWith("/"))) return notFound();
  const refused = await tokenRefusal(request, env);
  if (refused) return refused;
  const route = ofrepRoute(request.method, subPath);
  if (route === null) return notFound();
  const parsed = parseEvaluationRequest(await request.text());
  if (!parsed.ok) return route.kind === "flag" ? flagFailure(route.key, parsed.error) : bulkFailure(parsed.error);
  const services = servicesOf(env);
  const call = { context: parsed.value, facts: factsOf(request, services), request, services, ctx };
  return route.kind === "flag" ? evaluateOne(route.key, call) : evaluateAll(call);
}

/** OFREP's handler over the isolate services `servicesOf` returns for an env; `path` is the request's pathname. */
export function createOfrepHandler(servicesOf: (env: Env) => OfrepServices) {
  return async (request: Request, path: string, env: Env, ctx: ExecutionContext): Promise<Response> => {
    try {
      return await answer(request, path, env, ctx, servicesOf);
    } catch (error) {
      // Name and message only: request headers (tokens) are never logged.
      const failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      console.error("ofrep internal error", failure);
      return ofrepJson({ errorCode: "GENERAL", errorDetails: "internal error" }, 500);
    }
  };
}
