// test:chaos — a short load run (default 15 s at 100 rps) through the built
// router under Miniflare with process-level faults for real: the blue origin
// process is SIGKILLed mid-run and restarted on the same port later, while
// green answers 503 to 1 in 5 requests and the cron handler ticks.
// Asserts: while blue is down its requests get the router's own
// `502 origin_unavailable` (JSON error shape, x-request-id) — never a 500,
// never a dropped connection; every request still records one outcome
// (unreachable ones with status 0); after the restart the router recovers
// (no router-made 5xx in the last seconds); a request with
// `Expect: 100-continue` (small and over 1 MiB, as curl sends it) is
// answered by an origin, never by a router-made 5xx. Writes bench/results/chaos.json.
//
//   node scripts/chaos.mjs [--seconds 15] [--rps 100] [--bundle dist/index.js]
//
// Contract: stops everything it starts, on success, failure or signal; load
// stays on 127.0.0.1, bounded by rps × seconds and 256 requests in flight.
import http from "node:http";
import { parseArgs } from "node:util";
import { decisions, reportChecks, ROUTE, runLoad, settleOutcomes, startOriginProcess, startRouter, tick } from "./lib/load-harness.mjs";

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "15" }, rps: { type: "string", default: "100" }, bundle: { type: "string" }, out: { type: "string", default: "bench/results/chaos.json" } } });
const seconds = Number(args.seconds);
const rps = Number(args.rps);
if (!(seconds >= 10 && rps > 0 && seconds * rps <= 20_000)) throw new Error("need seconds ≥ 10 and seconds × rps ≤ 20 000");
// Fault schedule as fractions of the run: kill at 30 %, restart at 55 %, judge recovery over the last 25 %.
const KILL_AT = 0.3, RESTART_AT = 0.55, RECOVERED_FROM = 0.75;

const cleanups = [];
const cleanup = async () => { while (cleanups.length > 0) await cleanups.pop()().catch((e) => console.error("cleanup:", e.message)); };
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => cleanup().finally(() => process.exit(130)));

/**
 * One POST with `Expect: 100-continue` through node:http (fetch refuses the
 * header). Like curl, the body goes after `100 Continue` or after 1 s without
 * it. Resolves to the status and whether an origin made it (`x-origin`).
 */
function postExpectingContinue(base, bytes) {
  return new Promise((resolve) => {
    const body = Buffer.alloc(bytes, 120);
    const request = http.request(new URL(ROUTE, base), { method: "POST", headers: { expect: "100-continue", "content-length": bytes, "x-user-id": "expect-continue" } });
    let sent = false;
    const send = () => { if (!sent) { sent = true; request.end(body); } };
    const fallback = setTimeout(send, 1000);
    request.on("continue", send);
    request.on("response", (response) => {
      clearTimeout(fallback);
      send();
      response.resume();
      response.on("end", () => resolve({ bytes, status: response.statusCode, byOrigin: response.headers["x-origin"] !== undefined }));
    });
    request.on("error", (error) => { clearTimeout(fallback); resolve({ bytes, status: 0, error: error.message }); });
  });
}

async function main() {
  let blue = await startOriginProcess("blue");
  cleanups.push(() => blue.stop());
  const green = await startOriginProcess("green", { failEvery: 5 });
  cleanups.push(green.stop);
  // A stage that cannot complete in this run: the health loop holds, so routing stays at 25 % throughout.
  const { mf, base, db } = await startRouter({ blue: blue.port, green: green.port, minSamples: 1_000_000, bundle: args.bundle }, cleanups);
  await tick(mf);
  const log = [];
  const at = (fraction) => Math.round(seconds * 1000 * fraction);
  const events = [
    { atMs: at(KILL_AT), run: async () => { await blue.kill(); log.push({ atMs: at(KILL_AT), event: `blue origin pid ${blue.pid} SIGKILLed` }); } },
    { atMs: at(0.45), run: async () => { await tick(mf); log.push({ atMs: at(0.45), event: "cron tick during the outage" }); } },
    { atMs: at(RESTART_AT), run: async () => {
      blue = await startOriginProcess("blue", { port: blue.port });
      log.push({ atMs: at(RESTART_AT), event: `blue origin restarted on :${blue.port} (pid ${blue.pid})` });
    } },
    { atMs: at(0.85), run: async () => { await tick(mf); log.push({ atMs: at(0.85), event: "cron tick after recovery" }); } },
  ];
  const load = await runLoad({ base, rps, seconds, events });
  const outcomes = await settleOutcomes(base, db, load.answered);
  // After the outcome count, so these extra requests cannot disturb it.
  const expectContinue = [await postExpectingContinue(base, 16), await postExpectingContinue(base, 2 * 1024 * 1024)];
  const perSecond = load.perSecond.map((s, i) => ({ second: i, ...s }));
  const before = perSecond.filter((s) => s.second < Math.floor((seconds * KILL_AT)));
  const recovered = perSecond.filter((s) => s.second >= Math.ceil(seconds * RECOVERED_FROM));
  const unavailable = load.router5xxByCode["502 origin_unavailable"] ?? 0;

  const checks = {
    outageSeen: unavailable > 0,
    onlyOriginUnavailable: Object.keys(load.router5xxByCode).every((code) => code === "502 origin_unavailable"),
    routerErrorsCarryRequestId: load.router5xxWithoutRequestId === 0,
    // A body that breaks after headers is the killed origin's answer streamed through, not the router failing.
    noClientFailures: load.networkErrors === 0 && load.skipped === 0,
    everyRequestCounted: outcomes.served === load.answered && outcomes.counters.dropped === 0,
    unreachableRecordedAsStatusZero: outcomes.servedStatusZero === unavailable,
    healthyBeforeKill: before.every((s) => s.router5xx === 0),
    recovered: recovered.length > 0 && recovered.every((s) => s.router5xx === 0 && s.ok > 0),
    expectContinueServed: expectContinue.every((r) => r.status > 0 && (r.status < 500 || r.byOrigin)),
  };
  const result = {
    at: new Date().toISOString(), seconds, targetRps: rps, faults: log,
    requests: { sent: load.sent, answered: load.answered, skipped: load.skipped, networkErrors: load.networkErrors, bodyBrokenAfterHeaders: load.bodyBroken, byStatus: load.byStatus, byVariant: load.byVariant },
    fiveXx: { originMade: load.origin5xx, routerMade: load.router5xx, routerMadeByCode: load.router5xxByCode },
    outcomes: { servedRows: outcomes.served, statusZeroRows: outcomes.servedStatusZero, dropped: outcomes.counters.dropped },
    expectContinue, perSecond, healthLoop: (await decisions(db)).map((d) => `${d.action}:${d.reason}`),
    checks, passed: Object.values(checks).every(Boolean),
  };
  reportChecks("chaos", result, checks, args.out);
}

main().then(cleanup, async (error) => {
  console.error(error.stack ?? String(error));
  await cleanup();
  process.exitCode = 1;
});
