// The hot path: request → flag → context → evaluation → origin → response,
// with exactly one outcome recorded per routed request. It never throws
// because of flag state: any doubt serves blue with reason ERROR.
import { errorEvaluation, evaluateFlag } from "../core/evaluate";
import type { Outcome } from "../core/outcome";
import type { CompiledFlag, Evaluation, OriginSpec } from "../core/types";
import { buildContext, unitCookie, type RequestContext } from "./context";
import type { FlagCache } from "./flag-cache";
import { forwardToOrigin, type ForwardRequest, type OriginResult } from "./forward";
import type { Clock, FlagIndexEntry, OriginFetchers, OutcomeSink, ShadowExampleSink } from "./ports";
import { openMirror, shouldMirror } from "./shadow-mirror";
import { errorResponse, noRouteResponse, withRoutingHeaders } from "./responses";
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

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const KILLED: Evaluation = { variant: "blue", reason: "KILL_SWITCH", ruleId: null, segmentKey: null, errorCode: null };

function stageLabel(flag: CompiledFlag | null): string {
  const rollout = flag?.snapshot.rollout;
  if (!rollout) return "none";
  return rollout.stageMode === "shadow" ? "shadow" : `serve:${rollout.percent}`;
}

function isFailure(result: OriginResult): boolean {
  return result.kind !== "response" || result.response.status >= 500;
}

interface Decision {
  evaluation: Evaluation;
  flag: CompiledFlag | null;
  context: RequestContext | null;
}

async function decide(request: Request, url: URL, entry: FlagIndexEntry, deps: RouterDeps): Promise<Decision> {
  const lookup = await deps.cache.flag(entry);
  if (!lookup.ok) return { evaluation: entry.killSwitch ? KILLED : errorEvaluation(lookup.errorCode), flag: null, context: null };
  const flag = lookup.flag;
  try {
    const context = buildContext(request, url, flag.snapshot.unitKey, deps.newId);
    // The index is fresher than a snapshot that KV has not caught up with yet.
    const evaluation = entry.killSwitch ? KILLED : evaluateFlag(flag, context);
    return { evaluation, flag, context };
  } catch {
    return { evaluation: errorEvaluation("context_failed"), flag, context: null };
  }
}

/**
 * Routes a request that matched a flag; `null` entry means no route. `url`
 * is the request's URL, already parsed by the dispatcher (parsed once).
 */
export async function routeRequest(request: Request, deps: RouterDeps, url: URL = new URL(request.url)): Promise<Response> {
  const incomingId = request.headers.get("x-request-id");
  const providedId = incomingId && REQUEST_ID.test(incomingId) ? incomingId : null;
  const entry = await deps.cache.match(request.method, url.hostname, url.pathname, deps.waitUntil);
  if (entry === "unavailable") return errorResponse(503, "store_unavailable", "Flag configuration could not be loaded", providedId ?? deps.newId());
  if (entry === null) return noRouteResponse(request.method, url.pathname, providedId ?? deps.newId());

  const { evaluation, flag, context } = await decide(request, url, entry, deps);
  // One id per request: the caller's, else a signed one (feedback attribution), else a plain UUID.
  const requestId = providedId ?? (deps.mintRequestId
    ? await deps.mintRequestId({ flagKey: entry.key, variant: evaluation.variant, rolloutId: flag?.snapshot.rollout?.id ?? null, stage: stageLabel(flag), ruleId: evaluation.ruleId, reason: evaluation.reason, issuedAtMs: deps.clock.now() })
    : deps.newId());
  const origins: Record<"blue" | "green", OriginSpec> = flag?.snapshot.origins ?? { blue: entry.blue, green: entry.blue };
  const timeoutMs = flag?.snapshot.timeoutMs ?? entry.timeoutMs;
  const failover = evaluation.variant === "green" && flag?.snapshot.failover === true;

  let body = request.body;
  let spare: ReadableStream<Uint8Array> | null = null;
  if (failover && body) [body, spare] = body.tee();
  const mirror = shouldMirror(flag, evaluation, context?.unitKey ?? null) ? openMirror(flag, request.headers, body) : null;
  if (mirror) body = mirror.bodyForBlue;
  const forward: ForwardRequest = { method: request.method, url, headers: request.headers, body, requestId };
  let result = await forwardToOrigin(forward, origins[evaluation.variant], timeoutMs, deps.fetchers, deps.clock, failover);
  const first = result;
  let servedBy = evaluation.variant;
  if (failover && isFailure(result)) {
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
    rolloutId: flag?.snapshot.rollout?.id ?? null,
    variant: evaluation.variant,
    reason: evaluation.reason,
    ruleId: evaluation.ruleId,
    stage: stageLabel(flag),
    // Failover must not hide green's failure: the outcome describes the first answer.
    status: first.kind === "response" ? first.response.status : 0,
    latencyMs: first.latencyMs,
    error: isFailure(first),
    timeout: first.kind === "timeout",
    shadowAgreement: null,
    feedbackValue: null,
    colo: deps.coloOf(request),
    unitKeyGenerated: context?.generated ?? false,
    failedOver: servedBy !== evaluation.variant,
  };
  deps.outcomes.record(outcome);
  if (mirror) {
    result = mirror.takeBlue(result);
    deps.waitUntil(mirror.run(outcome, forward, deps).then(() => deps.outcomes.flush()));
  }
  const flushing = deps.outcomes.flush();
  if (flushing) deps.waitUntil(flushing);

  const cookie = context?.generated ? unitCookie(context.unitKey, deps.secureCookies) : null;
  if (result.kind === "timeout") return errorResponse(504, "origin_timeout", `The ${servedBy} origin did not answer within ${timeoutMs} ms`, requestId, servedBy, evaluation, cookie);
  if (result.kind === "unreachable") return errorResponse(502, "origin_unavailable", `The ${servedBy} origin could not be reached`, requestId, servedBy, evaluation, cookie);
  return withRoutingHeaders(result.response, { requestId, servedBy, evaluation, cookie, failedOver: outcome.failedOver });
}
