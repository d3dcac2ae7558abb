// The fixed-rate load generator of scripts/soak.mjs and scripts/chaos.mjs:
// POSTs to the load flag's route at a fixed rate, bounded in flight, and
// sorts every request by who decided its fate: the origin (its own 5xx,
// `x-origin`), the router (its JSON error shape), the connection (refused,
// reset, a body broken after headers), or the client itself (it gave up:
// on a starved machine that is the machine, not the router).
// Contract: traffic only to `base` (127.0.0.1); at most rate × seconds
// requests, `maxInFlight` at a time, each bounded by CLIENT_TIMEOUT_MS.
import { ROUTE } from "./load-harness.mjs";

/** How long the load generator waits for one whole answer before it gives up (a client-side timeout). */
const CLIENT_TIMEOUT_MS = 30_000;

/**
 * One connection per request (`connection: close`). workerd closes an idle
 * keep-alive connection after 5 s, the client pools it for 4 s: on a starved
 * machine the client's timer runs late and it sends on a connection the
 * server has already closed ("other side closed", ECONNRESET — the request
 * never reaches the Worker and records no outcome). That race belongs to the
 * client; with a fresh connection each time, a reset is the server's doing.
 */
const REQUEST_HEADERS = { "content-type": "application/json", connection: "close" };

/** The client gave up (its own deadline, or undici's connect/headers/body timeout): a starved machine, not the router. */
function isClientTimeout(error) {
  const tags = [error?.name, error?.code, error?.cause?.name, error?.cause?.code];
  return tags.some(
    (tag) =>
      tag === "TimeoutError" || tag === "AbortError" || /^UND_ERR_(CONNECT|HEADERS|BODY)_TIMEOUT$/.test(tag ?? ""),
  );
}

/** Who made an answer: the origin (it sets x-origin), or the router (its JSON error shape). */
async function classify(response, signal) {
  let text;
  try {
    text = await response.text();
  } catch {
    // Our own deadline cut the body short: the client gave up, the router did not fail.
    if (signal.aborted) return { kind: "client_timeout" };
    // Headers arrived, then the body broke: an origin dying mid-answer, streamed through as it happened.
    return { kind: "body_broken" };
  }
  if (response.status < 500) return { kind: "ok" };
  if (response.headers.get("x-origin")) return { kind: "origin_5xx" };
  let code = "unparsed";
  try {
    code = JSON.parse(text).error?.code ?? "no_code";
  } catch {
    // A router 5xx without the JSON shape is itself a finding: counted as "unparsed".
  }
  return { kind: "router_5xx", code, hasRequestId: response.headers.has("x-request-id") };
}

/** A run on a machine that cannot keep the rate goes on for at most this multiple of its seconds. */
const MAX_STRETCH = 4;

/**
 * Load at a fixed rate: `rps` requests per second for `seconds`, a fresh
 * user per request from a pool of `users`; `events` run once at their `atMs`
 * offset (each gets `elapsedMs()`, the run's clock). At most `maxInFlight`
 * are in flight; a request due while that many are is sent as soon as one
 * returns (`deferred` when more than a second late), so every planned
 * request is sent and a busy machine makes the run longer, not thinner —
 * up to MAX_STRETCH × seconds, after which the rest are `notSent`. Requests
 * the client gave up on are `clientTimeouts`. Each router 5xx keeps when it was sent and answered
 * (`router5xxTimes`, ms into the run). Every answer's `x-request-id` is kept in `answers` with
 * whether the router answered `origin_unavailable` (see `matchOutcomes`).
 */
export async function runLoad({ base, rps, seconds, maxInFlight = 256, users = 5000, events = [] }) {
  const url = new URL(ROUTE, base);
  const stats = {
    sent: 0,
    answered: 0,
    deferred: 0,
    maxLagMs: 0,
    notSent: 0,
    clientTimeouts: 0,
    networkErrors: 0,
    networkErrorsByCause: {},
    bodyBroken: 0,
    answeredWithoutRequestId: 0,
    byStatus: {},
    byVariant: {},
    origin5xx: 0,
    router5xx: 0,
    router5xxByCode: {},
    router5xxWithoutRequestId: 0,
    router5xxTimes: [],
    perSecond: [],
    latenciesMs: [],
    answers: new Map(),
  };
  const second = (i) => (stats.perSecond[i] ??= { sent: 0, ok: 0, origin5xx: 0, router5xx: 0 });
  const inFlight = new Set();
  const started = performance.now();
  const elapsedMs = () => performance.now() - started;
  const pending = [...events].sort((a, b) => a.atMs - b.atMs);
  const eventRuns = [];
  const one = async (n, bucket) => {
    const signal = AbortSignal.timeout(CLIENT_TIMEOUT_MS);
    const t0 = performance.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { ...REQUEST_HEADERS, "x-user-id": `user-${n % users}` },
        body: '{"text":"soak"}',
        signal,
      });
      const variant = response.headers.get("x-model-variant") ?? "none";
      const verdict = await classify(response, signal);
      if (verdict.kind === "client_timeout") {
        stats.clientTimeouts++;
        return;
      }
      stats.answered++;
      stats.latenciesMs.push(performance.now() - t0);
      const requestId = response.headers.get("x-request-id");
      if (requestId)
        stats.answers.set(requestId, {
          unreachable: verdict.kind === "router_5xx" && verdict.code === "origin_unavailable",
        });
      else stats.answeredWithoutRequestId++;
      stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
      stats.byVariant[variant] = (stats.byVariant[variant] ?? 0) + 1;
      if (verdict.kind === "ok") bucket.ok++;
      else if (verdict.kind === "body_broken") stats.bodyBroken++;
      else if (verdict.kind === "origin_5xx") {
        stats.origin5xx++;
        bucket.origin5xx++;
      } else {
        stats.router5xx++;
        bucket.router5xx++;
        stats.router5xxByCode[`${response.status} ${verdict.code}`] =
          (stats.router5xxByCode[`${response.status} ${verdict.code}`] ?? 0) + 1;
        stats.router5xxTimes.push({ sentMs: t0 - started, answeredMs: elapsedMs(), code: verdict.code });
        if (!verdict.hasRequestId) stats.router5xxWithoutRequestId++;
      }
    } catch (error) {
      // No response: the client's own deadline on a starved machine, or the connection refused/reset by the router (a failure).
      if (isClientTimeout(error)) stats.clientTimeouts++;
      else {
        stats.networkErrors++;
        const cause = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
        stats.networkErrorsByCause[cause] = (stats.networkErrorsByCause[cause] ?? 0) + 1;
      }
    }
  };
  const total = Math.round(rps * seconds);
  while (stats.sent < total && elapsedMs() < seconds * 1000 * MAX_STRETCH) {
    const elapsed = elapsedMs();
    while (pending.length > 0 && pending[0].atMs <= elapsed) eventRuns.push(pending.shift().run({ elapsedMs }));
    const due = Math.min(total, Math.floor((elapsed / 1000) * rps)) - stats.sent;
    for (let i = 0; i < due && inFlight.size < maxInFlight; i++) {
      const lagMs = elapsed - (stats.sent / rps) * 1000;
      if (lagMs > 1000) stats.deferred++;
      stats.maxLagMs = Math.max(stats.maxLagMs, Math.round(lagMs));
      const bucket = second(Math.floor(elapsed / 1000));
      bucket.sent++;
      const request = one(stats.sent++, bucket).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  stats.notSent = total - stats.sent;
  await Promise.all(inFlight);
  await Promise.all(eventRuns);
  stats.elapsedSeconds = Number(((performance.now() - started) / 1000).toFixed(2));
  return stats;
}
