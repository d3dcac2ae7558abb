// The one fake for everything a test's Worker fetches: intercepts global
// fetch (the Worker under test runs in this isolate) and answers every host
// ending in ".test" from a behaviour chosen per host; other hosts go to the
// real fetch. `hooks.test` is the health-loop webhook receiver. Two
// vocabularies share it: proxy-path tests script an origin's answer
// (`json`, `throw`, `hang`), health-loop scenarios describe a model that
// fails deterministically (`installModels`: every k-th request, or when a
// predicate holds). Every request is recorded in arrival order.
import { vi } from "vitest";

export type OriginBehaviour =
  | { kind: "json"; status?: number; body?: unknown; delayMs?: number }
  | { kind: "throw"; message?: string }
  | { kind: "hang" }
  /** Answers with whatever `respond` builds (e.g. a stream the test drives chunk by chunk). */
  | { kind: "respond"; respond: (request: Request) => Response | Promise<Response> }
  | ({ kind: "model" } & ModelBehaviour);

/** A model origin: answers `{label, model: <host>}`, 500 when told to fail. */
export interface ModelBehaviour {
  /** Every k-th request to this host answers 500 (deterministic error rate 1/k). */
  errorEvery?: number;
  delayMs?: number;
  /** Answers 500 whenever this holds for the forwarded request. */
  failWhen?: (request: Request) => boolean;
  /** Every k-th request to this host answers 200 with a body that breaks the sentiment contract. */
  invalidEvery?: number;
  /** Every k-th request to this host streams a 200 whose body breaks after its first chunk. */
  breakStreamEvery?: number;
  /** The label of this host's n-th answer (1-based); default "positive". */
  labelOf?: (n: number) => string;
  /** A score for this host's n-th answer (added as `score` when given). */
  scoreOf?: (n: number) => number;
  /** Answers as an event stream: headers at once, the first event after this delay, then the end. */
  streamFirstEventAfterMs?: number;
}

/** What a model that answers wrong sends: a 200 whose label is null and whose score is a string. */
export const INVALID_ANSWER = { label: null, score: "NaN" };

export interface SeenRequest {
  host: string;
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** One delivery to the webhook receiver at hooks.test. */
export interface Hook {
  headers: Headers;
  body: string;
}

/** How hooks.test answers (after the delivery is recorded); default: 200 "ok". */
export type HookHandler = (request: Request) => Promise<Response>;

export const HOOKS_HOST = "hooks.test";

export interface FakeOriginOptions {
  /** Behaviour of hosts not named (default: `json`, which echoes the request body). */
  fallback?: OriginBehaviour;
  hook?: HookHandler;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function installFakeOrigins(behaviours: Record<string, OriginBehaviour> = {}, options: FakeOriginOptions = {}) {
  const seen: SeenRequest[] = [];
  /** "<host>:start" / "<host>:end" in the order they happened, to assert ordering without wall time. */
  const events: string[] = [];
  /** Requests per host so far (the k in `errorEvery`). */
  const counts = new Map<string, number>();
  const hooks: Hook[] = [];
  const fallback = options.fallback ?? { kind: "json" };
  const hook = options.hook ?? (async () => new Response("ok"));
  const realFetch = globalThis.fetch;

  const answer = async (request: Request, host: string, body: string): Promise<Response> => {
    const behaviour = behaviours[host] ?? fallback;
    const n = (counts.get(host) ?? 0) + 1;
    counts.set(host, n);
    if (behaviour.kind === "throw") {
      events.push(`${host}:end`);
      throw new TypeError(behaviour.message ?? "connection reset");
    }
    if (behaviour.kind === "hang") {
      return new Promise<Response>((_, reject) => {
        request.signal.addEventListener("abort", () => {
          events.push(`${host}:end`);
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    }
    if (behaviour.kind === "respond") return behaviour.respond(request);
    if (behaviour.delayMs) await sleep(behaviour.delayMs);
    events.push(`${host}:end`);
    if (behaviour.kind === "model") {
      const failing =
        (behaviour.errorEvery !== undefined && n % behaviour.errorEvery === 0) ||
        behaviour.failWhen?.(request) === true;
      if (!failing && behaviour.invalidEvery !== undefined && n % behaviour.invalidEvery === 0)
        return Response.json({ ...INVALID_ANSWER, model: host });
      if (!failing && behaviour.breakStreamEvery !== undefined && n % behaviour.breakStreamEvery === 0) {
        const broken = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('data: {"label":'));
            controller.error(new Error("connection reset mid-stream"));
          },
        });
        return new Response(broken, { headers: { "content-type": "text/event-stream" } });
      }
      const prediction = {
        label: behaviour.labelOf?.(n) ?? "positive",
        model: host,
        ...(behaviour.scoreOf ? { score: behaviour.scoreOf(n) } : {}),
      };
      if (!failing && behaviour.streamFirstEventAfterMs !== undefined) {
        const delay = behaviour.streamFirstEventAfterMs;
        const events = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await sleep(delay);
            controller.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(prediction)}\n\n`));
            controller.close();
          },
        });
        return new Response(events, { headers: { "content-type": "text/event-stream" } });
      }
      return Response.json(prediction, { status: failing ? 500 : 200 });
    }
    const payload = behaviour.body ?? { model: host.split(".")[0], echo: body };
    if (typeof payload === "string") return new Response(payload, { status: behaviour.status ?? 200 });
    return Response.json(payload, { status: behaviour.status ?? 200, headers: { "x-origin": host } });
  };

  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input as RequestInfo, init);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".test")) return realFetch(input as RequestInfo, init);
    if (url.hostname === HOOKS_HOST) {
      hooks.push({ headers: request.headers, body: await request.clone().text() });
      return hook(request);
    }
    const body = request.body ? await request.text() : "";
    seen.push({
      host: url.hostname,
      method: request.method,
      path: url.pathname + url.search,
      headers: request.headers,
      body,
    });
    events.push(`${url.hostname}:start`);
    return answer(request, url.hostname, body);
  });
  return {
    seen,
    events,
    counts,
    hooks,
    spy,
    set: (host: string, behaviour: OriginBehaviour) => {
      behaviours[host] = behaviour;
    },
  };
}

/** Health-loop scenarios: every ".test" host is a model (unnamed ones never fail); webhooks land at hooks.test. */
export function installModels(models: Record<string, ModelBehaviour>, hook?: HookHandler) {
  const behaviours = Object.fromEntries(
    Object.entries(models).map(([host, model]) => [host, { kind: "model" as const, ...model }]),
  );
  const installed = installFakeOrigins(behaviours, { fallback: { kind: "model" }, ...(hook ? { hook } : {}) });
  return {
    ...installed,
    setModel: (host: string, model: ModelBehaviour) => installed.set(host, { kind: "model", ...model }),
  };
}
