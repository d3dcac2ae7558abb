// test:fuzz — the proxy path under hostile HTTP, through real sockets: the
// built router under Miniflare (workerd) on 127.0.0.1, one flag routing any
// method on /fuzz/* to an in-process origin (scripts/lib/fuzz-origin.mjs)
// that answers normally or oddly, and a seeded generator of unusual
// requests (scripts/lib/fuzz-cases.mjs). Judged, per answer: never a
// router-made 5xx other than 502/503/504 with the JSON error shape; an
// origin's body relayed byte-identical; no switchyard credential and no
// Connection-listed header reaching the origin; exactly one outcome row per
// proxied answer (by its x-request-id). Reported: answers by status, the
// connections workerd refused or left hanging (malformed requests).
//
//   node scripts/proxy-fuzz.mjs [--requests 10000] [--seed 1] [--concurrency 32] [--only i] [--origin-1xx]
//                               [--build-dir dist]
//
// Contract: stops everything it starts; traffic stays on 127.0.0.1 and is
// bounded by --requests × one case each and --concurrency in flight.
import http from "node:http";
import { parseArgs } from "node:util";
import { BODY_MODES, caseFor, originBody, RUNTIME_DROPS_CHUNKED, STANDARD_METHODS } from "./lib/fuzz-cases.mjs";
import { startFuzzOrigin } from "./lib/fuzz-origin.mjs";
import { sendHttp, sendRaw } from "./lib/fuzz-send.mjs";
import { FLAG, startRouter } from "./lib/load-harness.mjs";
import { reportChecks } from "./lib/load-report.mjs";
import { cleanupStack } from "./lib/cleanups.mjs";

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    concurrency: { type: "string", default: "32" },
    only: { type: "string" },
    "origin-1xx": { type: "boolean", default: false },
    "build-dir": { type: "string" },
    out: { type: "string", default: "bench/results/proxy-fuzz.json" },
  },
});
const total = Number(args.requests);
const concurrency = Number(args.concurrency);
if (!(total >= 1 && total <= 1_000_000 && concurrency >= 1 && concurrency <= 128))
  throw new Error("need 1 ≤ --requests ≤ 1 000 000 and 1 ≤ --concurrency ≤ 128");
/** The router's own failures, as docs/design/failure-matrix.md lists them. */
const DOCUMENTED_ROUTER_5XX = new Set(["502 origin_unavailable", "503 store_unavailable", "504 origin_timeout"]);

const { cleanups, cleanup } = cleanupStack();

function routerCode(answer) {
  try {
    return JSON.parse(answer.body.toString("utf8")).error?.code ?? null;
  } catch {
    return null;
  }
}

async function main() {
  const origin = await startFuzzOrigin();
  cleanups.push(origin.stop);
  const { base, db } = await startRouter(
    { blue: origin.port, green: origin.port, buildDir: args["build-dir"] },
    cleanups,
  );
  // Any method, any path under /fuzz/: the flag of the load harness, rerouted.
  await db
    .prepare("UPDATE flags SET route_method = '*', route_path = '/fuzz/*', version = version + 1 WHERE key = ?1")
    .bind(FLAG)
    .run();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  cleanups.push(async () => agent.destroy());

  const indexes = args.only !== undefined ? [Number(args.only)] : Array.from({ length: total }, (_, i) => i);
  const tally = {
    byStatus: {},
    connectionErrors: {},
    rawTimeouts: 0,
    clientSkipped: {},
    aborted: 0,
    runtime5xx: {},
    requestBodyDroppedByRuntime: 0,
  };
  const violations = [];
  const proxiedIds = new Map();
  const bump = (map, key) => (map[key] = (map[key] ?? 0) + 1);
  const started = Date.now();
  const timeBy = {};
  let next = 0;

  function judge(c, result) {
    if (result.skipped) return bump(tally.clientSkipped, result.skipped);
    if (result.aborted) return tally.aborted++;
    if (result.timedOut) tally.rawTimeouts++;
    if (result.error) bump(tally.connectionErrors, `${c.kind}:${result.error}`);
    for (const answer of result.answers) {
      bump(tally.byStatus, answer.status);
      const fromOrigin = answer.headers["x-origin"] === "fuzz";
      const requestId = answer.headers["x-request-id"];
      const headOnly = c.kind === "http" && c.method.toUpperCase() === "HEAD";
      if (answer.status >= 500 && !fromOrigin) {
        if (requestId) {
          // The router's own answer: documented status and code (a HEAD answer has no body to read the code from).
          const code = headOnly ? "(head)" : routerCode(answer);
          const documented = headOnly
            ? [502, 503, 504].includes(answer.status) && /json/.test(answer.headers["content-type"] ?? "")
            : DOCUMENTED_ROUTER_5XX.has(`${answer.status} ${code}`);
          if (!documented) violations.push({ id: c.id, check: "router5xx", status: answer.status, code });
        } else {
          // No request id: the runtime answered. workerd's HTTP layer answers malformed requests and
          // unknown methods (501, some 500s) before the Worker runs, and 501 to the leftover bytes of a
          // body it left unread on a kept-alive connection; reported. A 500 to a well-formed request with
          // a standard method is a Worker that threw: judged.
          bump(tally.runtime5xx, `${answer.status} ${c.kind === "raw" ? `raw#${c.variant}` : c.method}`);
          if (c.kind === "http" && answer.status !== 501 && STANDARD_METHODS.has(c.method.toUpperCase()))
            violations.push({ id: c.id, check: "router5xx", status: answer.status, code: null });
        }
      }
      if (answer.headers["x-model-variant"] && requestId) {
        if (proxiedIds.has(requestId)) violations.push({ id: c.id, check: "requestIdReused", requestId });
        proxiedIds.set(requestId, c.id);
      }
      if (
        c.kind === "http" &&
        fromOrigin &&
        BODY_MODES.has(c.mode) &&
        !headOnly &&
        [200, 503].includes(answer.status)
      ) {
        // The relayed body is what the origin sent (it names the request body it received).
        const seen = String(answer.headers["x-body-sha256"]);
        if (!answer.body.equals(Buffer.from(originBody(c.mode, c.id, seen))))
          violations.push({ id: c.id, check: "bodyRelayed", mode: c.mode, got: answer.body.toString("latin1", 0, 90) });
        const runtimeDrops = c.body.type === "chunked" && RUNTIME_DROPS_CHUNKED.has(c.method.toUpperCase());
        if (seen !== result.sentHash) {
          if (runtimeDrops) tally.requestBodyDroppedByRuntime++;
          else violations.push({ id: c.id, check: "requestBodyForwarded", method: c.method, body: c.body.type });
        }
      }
    }
  }

  async function worker() {
    while (next < indexes.length) {
      const c = caseFor(args.seed, indexes[next++], { origin1xx: args["origin-1xx"] });
      const sentAt = Date.now();
      const result = c.kind === "raw" ? await sendRaw(base, c) : await sendHttp(base, agent, c);
      const ms = Date.now() - sentAt;
      const label = c.kind === "raw" ? `raw#${c.variant}` : `${c.mode}/${c.body.type}`;
      timeBy[label] = (timeBy[label] ?? 0) + ms;
      // Replaying one case shows what it sent and got.
      if (args.only !== undefined)
        console.log(
          c,
          result.answers.map((a) => ({ ...a, body: a.body.toString("latin1", 0, 600) })),
        );
      judge(c, result);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, indexes.length) }, worker));
  const elapsedSeconds = Number(((Date.now() - started) / 1000).toFixed(1));

  // Outcomes are written after the answer (waitUntil): wait until the count stops moving.
  const count = async () =>
    (await db.prepare("SELECT count(*) AS n FROM outcomes WHERE flag_key = ?1").bind(FLAG).first()).n;
  let rows = await count();
  for (let quiet = 0, waited = 0; quiet < 3 && waited < 60; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await count();
    quiet = now === rows ? quiet + 1 : 0;
    rows = now;
  }
  const perId = new Map(
    (
      await db
        .prepare(
          "SELECT request_id AS id, count(*) AS n FROM outcomes WHERE flag_key = ?1 AND kind = 'served' GROUP BY request_id",
        )
        .bind(FLAG)
        .all()
    ).results.map((row) => [row.id, row.n]),
  );
  const outcomes = { proxiedAnswers: proxiedIds.size, rows, unanswered: 0 };
  for (const [id, caseId] of proxiedIds) {
    const n = perId.get(id) ?? 0;
    if (n === 0) violations.push({ id: caseId, check: "outcomeMissing", requestId: id });
    if (n > 1) violations.push({ id: caseId, check: "outcomeDuplicated", requestId: id });
  }
  // Rows of requests the fuzzer never saw answered (aborted bodies, dropped connections) may exist; no more than those.
  outcomes.unanswered = [...perId.keys()].filter((id) => !proxiedIds.has(id)).length;

  const checks = {
    noUndocumentedRouter5xx: !violations.some((v) => v.check === "router5xx"),
    bodiesRelayedIntact: !violations.some((v) => v.check === "bodyRelayed"),
    requestBodiesForwardedIntact: !violations.some((v) => v.check === "requestBodyForwarded"),
    noCredentialOrHopHeaderForwarded: origin.leaks.length === 0,
    oneOutcomePerProxiedAnswer: !violations.some((v) => v.check.startsWith("outcome")),
    requestIdsUnique: !violations.some((v) => v.check === "requestIdReused"),
    extraRowsOnlyForUnansweredRequests: outcomes.unanswered <= indexes.length - proxiedIds.size,
  };
  const result = {
    at: new Date().toISOString(),
    seed: args.seed,
    requests: indexes.length,
    concurrency,
    elapsedSeconds,
    originRequests: origin.requests(),
    tally,
    // Where the time went (sum of case durations by mode/body or raw variant, top 8): reported, not judged.
    slowest: Object.entries(timeBy)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8),
    outcomes,
    leaks: origin.leaks.slice(0, 20),
    violations: violations.slice(0, 50),
    violationCount: violations.length,
    checks,
    passed: Object.values(checks).every(Boolean),
  };
  reportChecks("proxy-fuzz", result, checks, args.out);
  console.log(
    `proxy-fuzz: ${indexes.length} cases (seed ${args.seed}) in ${elapsedSeconds} s; replay one with --seed ${args.seed} --only <i>`,
  );
}

main().then(cleanup, async (error) => {
  console.error(error.stack ?? String(error));
  await cleanup();
  process.exitCode = 1;
});
