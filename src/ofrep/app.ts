// OFREP (OpenFeature Remote Evaluation Protocol v0.3) sub-app at /ofrep/v1:
//   POST /evaluate/flags/{key}  one flag  → 200 | 400 | 404 | 500 (also when that flag cannot be evaluated)
//   POST /evaluate/flags        all flags → 200 with ETag | 304 | 400 | 500
// Both need a token (auth.ts). Evaluation is the proxy path's own — the same
// per-isolate services (flag cache: index, snapshots; outcome writer), handed
// in by the entry (index.ts), the same decision step, evaluator and bucketing
// — and every evaluation handed out records one Outcome (see evaluate.ts); a
// 304 hands nothing out and records nothing. The value and the variant are
// the variant name, "blue"/"green".
import { Hono } from "hono/tiny";
import { acceptedRequestId } from "../core/caller-request-id";
import type { FlagCache } from "../edge/flag-cache";
import type { OutcomeSink } from "../ports";
import { bulkFailure, flagFailure, OFREP_ERROR_STATUS, ofrepJson, type OfrepFailure } from "./errors";
import { parseEvaluationRequest } from "./context";
import { evaluateEntry, type RequestFacts } from "./evaluate";
import { requireToken, type OfrepEnv } from "./auth";
import { etagOfBody, matchesIfNoneMatch } from "./etag";

/** What OFREP needs of the isolate's services: the proxy path's own objects, never copies. */
export interface OfrepServices {
  cache: FlagCache;
  outcomes: OutcomeSink;
  coloOf: (request: Request) => string;
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

/** The OFREP sub-app over the isolate services `servicesOf` returns for an env. */
export function createOfrepApp(servicesOf: (env: OfrepEnv["Bindings"]) => OfrepServices) {
  const ofrepApp = new Hono<OfrepEnv>().basePath("/ofrep/v1");

  ofrepApp.use("*", requireToken());

  ofrepApp.post("/evaluate/flags/:key", async (c) => {
    const key = c.req.param("key");
    const parsed = parseEvaluationRequest(await c.req.text());
    if (!parsed.ok) return flagFailure(key, parsed.error);
    const services = servicesOf(c.env);
    const facts = factsOf(c.req.raw, services);
    const index = await services.cache.byKey();
    if (index === "unavailable") return flagFailure(key, UNAVAILABLE);
    const entry = index.get(key);
    if (!entry) return flagFailure(key, { code: "FLAG_NOT_FOUND", details: `flag "${key}" not found` });
    const { response, failed, outcome } = await evaluateEntry(entry, parsed.value, services.cache, facts);
    services.outcomes.record(outcome);
    keepFlushing(c.executionCtx, services.outcomes.flush());
    return ofrepJson(response, failed ? OFREP_ERROR_STATUS.GENERAL : 200, { "x-request-id": facts.requestId });
  });

  ofrepApp.post("/evaluate/flags", async (c) => {
    const parsed = parseEvaluationRequest(await c.req.text());
    if (!parsed.ok) return bulkFailure(parsed.error);
    const services = servicesOf(c.env);
    const facts = factsOf(c.req.raw, services);
    const index = await services.cache.byKey();
    if (index === "unavailable") return bulkFailure(UNAVAILABLE);
    const entries = [...index.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const evaluated = await Promise.all(
      entries.map((entry) => evaluateEntry(entry, parsed.value, services.cache, facts)),
    );
    const body = JSON.stringify({ flags: evaluated.map((item) => item.response) });
    // The ETag is a digest of the answer itself: it changes exactly when any
    // decision for this context changes (flag edits, kill switch, stage moves).
    const etag = await etagOfBody(body);
    if (matchesIfNoneMatch(c.req.header("if-none-match"), etag)) {
      return new Response(null, {
        status: 304,
        headers: { etag, "cache-control": "no-cache", "x-request-id": facts.requestId },
      });
    }
    for (const item of evaluated) services.outcomes.record(item.outcome);
    keepFlushing(c.executionCtx, services.outcomes.flush());
    return new Response(body, {
      status: 200,
      headers: {
        "content-type": "application/json; charset=utf-8",
        etag,
        "cache-control": "no-cache",
        "x-request-id": facts.requestId,
      },
    });
  });

  ofrepApp.notFound((c) =>
    c.json({ errorCode: "GENERAL", errorDetails: `No OFREP route ${c.req.method} ${c.req.path}` }, 404),
  );

  ofrepApp.onError((error) => {
    // Name and message only: request headers (tokens) are never logged.
    console.error("ofrep internal error", `${error.name}: ${error.message}`);
    return ofrepJson({ errorCode: "GENERAL", errorDetails: "internal error" }, 500);
  });

  return ofrepApp;
}
