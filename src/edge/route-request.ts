// The hot path: request → flag → context → evaluation → origin → response,
// with exactly one outcome recorded per routed request. It never throws
// because of flag state: any doubt serves blue with reason ERROR.
import { acceptedRequestId } from "../core/caller-request-id";
import { decide } from "../core/evaluate";
import { answerErrorClass, isStreamedAnswer, type Outcome } from "../core/outcome";
import { DEFAULT_BODY_TIMEOUT_MS } from "../core/response-settings";
import { rolloutStageLabel } from "../core/stage-label";
import type { OriginSpec } from "../core/types";
import { buildContext, unitCookie } from "./context";
import type { FlagCache } from "./flag-cache";
import { forwardToOrigin, type ForwardRequest } from "./forward";
import type { Clock, OriginFetchers, OutcomeSink, ShadowExampleSink } from "../ports";
import { openMirror, shouldMirror } from "./shadow-mirror";
import { recordOutcome, recordWhenBodyEnds } from "./body-watch";
import { readsWhole, readWholeBody, withDeclaredLength } from "./whole-body";
import { errorResponse, noRouteResponse, withRoutingHeaders } from "./responses";
import { watchUsage } from "./usage-watch";
import type { RequestAttribution } from "./request-id";

export interface RouterDeps {
  cache: FlagCache;
  outcomes: OutcomeSink;
  fetchers: OriginFetchers;
  clock: Clock;
  newId: () => string;
  secureCookies: boolean;
  waitUntil: (promise: Promise<unknown>) => void;
  examples: ShadowExampleSink;
  random: () => number;
  /** The data centre of this isolate (read once: request.cf is costly to parse). */
  coloOf: (request: Request) => string;
  /** Mints a self-describing signed request id (feedback attribution); absent = plain `newId()`. Never throws. */
  mintRequestId?: (attribution: RequestAttribution) => Promise<string>;
}

/**
 * Routes one proxied request: 404 `no_route` when no flag routes it, 503
 * when the flag index cannot be loaded. `url` is the request's URL, already
 * parsed by the dispatcher (parsed once).
 */
export async function routeRequest(
  request: Request,
  deps: RouterDeps,
  url: URL = new URL(request.url),
): Promise<Response> {
  // Each read of a Request or Response property is a call into the runtime: read once.
  const method = request.method;
  const requestHeaders = request.headers;
  const providedId = acceptedRequestId(requestHeaders.get("x-request-id"));
  const matched = deps.cache.match(method, url.hostname, url.pathname, deps.waitUntil);
  const entry = matched instanceof Promise ? await matched : matched;
  if (entry === "unavailable")
    return errorResponse(
      503,
      "store_unavailable",
      "Flag configuration could not be loaded",
      providedId ?? deps.newId(),
    );
  if (entry === null) return noRouteResponse(method, url.pathname, providedId ?? deps.newId());

  const found = deps.cache.flag(entry);
  const lookup = found instanceof Promise ? await found : found;
  const { evaluation, flag, context } = decide(entry.killSwitch, lookup, (found) =>
    buildContext(request, url, found.snapshot.unitKey, deps.newId),
  );
  const rolloutId = flag?.snapshot.rollout?.id ?? null;
  const stage = rolloutStageLabel(flag?.snapshot.rollout);
  // One id per request: the caller's, else a signed one (feedback attribution), else a plain UUID.
  const requestId =
    providedId ??
    (deps.mintRequestId
      ? await deps.mintRequestId({
          flagKey: entry.key,
          variant: evaluation.variant,
          rolloutId,
          stage,
          ruleId: evaluation.ruleId,
          reason: evaluation.reason,
          issuedAtMs: deps.clock.now(),
        })
      : deps.newId());
  const origins: Record<"blue" | "green", OriginSpec> = flag?.snapshot.origins ?? {
    blue: entry.blue,
    green: entry.blue,
  };
  const timeoutMs = flag?.snapshot.timeoutMs ?? entry.timeoutMs;
  const failover = evaluation.variant === "green" && flag?.snapshot.failover === true;

  let body = request.body;
  let spare: ReadableStream<Uint8Array> | null = null;
  if (failover && body) [body, spare] = body.tee();
  const mirror = shouldMirror(flag, evaluation, context?.unitKey ?? null)
    ? openMirror(flag, requestHeaders, body)
    : null;
  if (mirror) body = mirror.bodyForBlue;
  const forward: ForwardRequest = { method, url, headers: requestHeaders, body, requestId };
  let result = await forwardToOrigin(
    forward,
    origins[evaluation.variant],
    timeoutMs,
    deps.fetchers,
    deps.clock,
    failover,
  );
  const first = result;
  const firstStatus = first.kind === "response" ? first.response.status : 0;
  const firstErrorClass = answerErrorClass(first.kind, firstStatus);
  let servedBy = evaluation.variant;
  if (failover && firstErrorClass !== null) {
    if (result.kind === "response") void result.response.body?.cancel();
    result = await forwardToOrigin({ ...forward, body: spare }, origins.blue, timeoutMs, deps.fetchers, deps.clock);
    servedBy = "blue";
  } else {
    void spare?.cancel();
  }

  const outcome: Outcome = {
    timestampMs: deps.clock.now(),
    requestId,
    flagKey: entry.key,
    rolloutId,
    variant: evaluation.variant,
    reason: evaluation.reason,
    ruleId: evaluation.ruleId,
    stage,
    // Failover must not hide green's failure: the outcome describes the first answer.
    status: firstStatus,
    latencyMs: first.latencyMs,
    error: firstErrorClass !== null,
    timeout: first.kind === "timeout",
    errorClass: firstErrorClass,
    firstByteMs: null,
    durationMs: first.latencyMs,
    shadowAgreement: null,
    feedbackValue: null,
    colo: deps.coloOf(request),
    unitKeyGenerated: context?.generated ?? false,
    failedOver: servedBy !== evaluation.variant,
  };
  if (mirror) {
    result = mirror.takeBlue(result);
    deps.waitUntil(mirror.run(outcome, forward, deps).then(() => deps.outcomes.flush()));
  }
  // The outcome covers the body too (recorded when it ends), except after a
  // failover: it then describes green's failed attempt, complete at its headers.
  let served: ReadableStream | ArrayBuffer | null = result.kind === "response" ? result.response.body : null;
  const bodyTimeoutMs = flag?.response.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const answer = result.kind === "response" ? result.response : null;
  const usage = watchUsage(outcome, flag?.response.usage, answer, origins[servedBy].price);
  if (served && !outcome.failedOver && result.kind === "response" && readsWhole(result.response)) {
    served = await readWholeBody(outcome, result.response, bodyTimeoutMs, deps, flag?.response.contract ?? null, usage);
    if (served === null) {
      const cookie = context?.generated ? unitCookie(context.unitKey, deps.secureCookies) : null;
      const message = `The ${servedBy} origin's answer broke off before its end`;
      return errorResponse(502, "origin_unavailable", message, requestId, servedBy, evaluation, cookie);
    }
  } else if (served instanceof ReadableStream && !outcome.failedOver && result.kind === "response") {
    const headers = result.response.headers;
    outcome.streamed = isStreamedAnswer(headers.get("content-type"), headers.get("content-length"));
    const watched = recordWhenBodyEnds(outcome, served, bodyTimeoutMs, deps, flag?.response.contract ?? null, usage);
    served = withDeclaredLength(watched, result.response);
  } else recordOutcome(outcome, deps);

  const cookie = context?.generated ? unitCookie(context.unitKey, deps.secureCookies) : null;
  if (result.kind === "timeout")
    return errorResponse(
      504,
      "origin_timeout",
      `The ${servedBy} origin did not answer within ${timeoutMs} ms`,
      requestId,
      servedBy,
      evaluation,
      cookie,
    );
  if (result.kind === "unreachable")
    return errorResponse(
      502,
      "origin_unavailable",
      `The ${servedBy} origin could not be reached`,
      requestId,
      servedBy,
      evaluation,
      cookie,
    );
  return withRoutingHeaders(
    result.response,
    { requestId, servedBy, evaluation, cookie, failedOver: outcome.failedOver },
    served,
  );
}
