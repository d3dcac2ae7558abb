// The floor Worker for bench:router: only the work SPEC requires of every
// routed request, with no flag lookup or evaluation — origin-header hygiene as
// src/edge/forward.ts does it, a request id, the per-flag timeout to response
// headers (a timer that is never cleared, as the router's), one outcome point
// of the real layout (src/telemetry/outcome-layout.ts: every blob and double,
// a test holds the counts to it), and the routing
// headers. The outcome describes the whole answer, so it is written once the
// body has ended: a small answer with a declared length (all the bench's
// answers) is read whole with one native read under the body deadline, the
// cheapest way measured for a Worker to see a body end (a native pipe or a
// JS stream cost more per request); other answers pass through unwatched.
// No router can cost less than this, so floor / bare bounds what the
// router's own logic may cost if router / bare is to reach its target.
// Keep it in step with the hot path when SPEC's per-request work changes.
/** The floor's script, with the per-request origin timeout of `timeoutMs` (the bench flag's: 2 000 ms). */
export const floorScript = (
  timeoutMs = 2000,
) => `const DROPPED = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
  "transfer-encoding", "upgrade", "host", "x-model-variant", "x-flag-reason", "x-flag-rule"];
const credential = (value) => value !== null && value.replace(/^Bearer\\s+/i, "").startsWith("syk_");
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const requestId = crypto.randomUUID();
    const headers = new Headers(request.headers);
    const listed = request.headers.get("connection");
    if (listed) for (const name of listed.split(",")) headers.delete(name.trim());
    for (const name of DROPPED) headers.delete(name);
    if (credential(request.headers.get("authorization"))) headers.delete("authorization");
    if (credential(request.headers.get("x-api-key"))) headers.delete("x-api-key");
    request.headers.get("cookie"); // the router reads it for an admin session cookie to strip
    headers.set("x-request-id", requestId);
    const started = Date.now();
    const exchange = fetch(env.ORIGIN + url.pathname + url.search, { method: request.method, headers, body: request.body, redirect: "manual" });
    const response = await Promise.race([exchange, new Promise((resolve) => setTimeout(resolve, ${timeoutMs}, null))]);
    if (response === null) return new Response("timeout", { status: 504 });
    const latency = Date.now() - started;
    // The outcome describes the whole answer: a small sized one is read whole, natively, under the body deadline.
    let body = response.body;
    const declared = response.headers.get("content-length");
    if (declared !== null && Number(declared) <= 65536 && !(response.headers.get("content-type") ?? "").includes("event-stream")) {
      body = await Promise.race([response.arrayBuffer(), new Promise((resolve) => setTimeout(resolve, 300000, null))]).catch(() => null);
      if (body === null) return new Response("broken", { status: 502 });
    }
    const duration = Date.now() - started;
    env.OUTCOMES.writeDataPoint({
      indexes: ["bench-model"],
      blobs: ["blue", "SPLIT", "", "serve:25", "bench-r1", "2xx", "local", requestId, "provided", "served", "", "", "", "", "", "", ""],
      doubles: [latency, response.status, 0, 0, -1, -1, 0, -1, -1, -1, duration, duration, 0, 0, 0, -1, -1, -1, -1, -1],
    });
    const routed = new Response(body, response);
    routed.headers.set("x-model-variant", "blue");
    routed.headers.set("x-flag-reason", "SPLIT");
    routed.headers.set("x-request-id", requestId);
    return routed;
  },
};`;

export const FLOOR_SCRIPT = floorScript();
