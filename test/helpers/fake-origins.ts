// Fake model origins for integration tests: intercepts global fetch (the
// Worker under test runs in this isolate) and answers per origin host.
import { vi } from "vitest";

export type OriginBehaviour =
  | { kind: "json"; status?: number; body?: unknown; delayMs?: number }
  | { kind: "throw"; message?: string }
  | { kind: "hang" }
  /** Answers with whatever `respond` builds (e.g. a stream the test drives chunk by chunk). */
  | { kind: "respond"; respond: (request: Request) => Response | Promise<Response> };

export interface SeenRequest {
  host: string;
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

export function installFakeOrigins(behaviours: Record<string, OriginBehaviour> = {}) {
  const seen: SeenRequest[] = [];
  /** "<host>:start" / "<host>:end" in the order they happened, to assert ordering without wall time. */
  const events: string[] = [];
  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input as RequestInfo, init);
    const url = new URL(request.url);
    if (!url.hostname.endsWith(".test")) return realFetch(input as RequestInfo, init);
    const body = request.body ? await request.text() : "";
    seen.push({ host: url.hostname, method: request.method, path: url.pathname + url.search, headers: request.headers, body });
    events.push(`${url.hostname}:start`);
    const behaviour = behaviours[url.hostname] ?? { kind: "json" };
    if (behaviour.kind === "throw") {
      events.push(`${url.hostname}:end`);
      throw new TypeError(behaviour.message ?? "connection reset");
    }
    if (behaviour.kind === "hang") {
      return new Promise<Response>((_, reject) => {
        request.signal.addEventListener("abort", () => {
          events.push(`${url.hostname}:end`);
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    }
    if (behaviour.kind === "respond") return behaviour.respond(request);
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    const answer = behaviour.body ?? { model: url.hostname.split(".")[0], echo: body };
    events.push(`${url.hostname}:end`);
    if (typeof answer === "string") return new Response(answer, { status: behaviour.status ?? 200 });
    return Response.json(answer, { status: behaviour.status ?? 200, headers: { "x-origin": url.hostname } });
  });
  return { seen, events, spy, set: (host: string, behaviour: OriginBehaviour) => { behaviours[host] = behaviour; } };
}
