// bench:router's answer scenarios: what the router's per-answer work costs
// beyond routing. Two of them:
// - Inspection: the bench flag given a response contract (schema + prediction
//   path) at sampleRate 100 (the default) and at 10; routers with and without
//   a contract are loaded at once on the shared core (lib/paired.mjs), so
//   their throughput ratio is the inverse of their CPU cost per request, and
//   the difference, over the share of answers sampled, is the CPU time of one
//   inspected response.
// - Streaming: a `text/event-stream` origin that sends several chunks apart;
//   the time to the client's FIRST chunk through the router against a bare
//   streaming Worker, one request at a time, alternating.
// Contract: everything started here is closed by the caller's cleanups; all
// traffic stays on 127.0.0.1 and is bounded by the counts given.
import http from "node:http";
import { median } from "./stats.mjs";
import { cpuMicros } from "./paired.mjs";

/** A contract every bench origin answer satisfies (lib/origin.mjs answers `{model, label, score}`). */
export function contractSettings(sampleRate) {
  return JSON.stringify({
    response: {
      schema: {
        type: "object",
        required: ["model", "label", "score"],
        properties: { model: { type: "string" }, label: { enum: ["positive", "negative"] }, score: { type: "number" } },
      },
      prediction: "$.label",
      sampleRate,
    },
  });
}

/** Gives the seeded bench flag (`key`) these settings; done before the router's first request reads them. */
export const withSettings = (key, settings) => (db) =>
  db.prepare("UPDATE flags SET settings = ?1 WHERE key = ?2").bind(settings, key).run();

export const STREAM_PATH = "/bench/stream";
export const STREAM_CHUNKS = 5;
export const STREAM_GAP_MS = 2;

/**
 * An origin answering every request with an event stream of STREAM_CHUNKS
 * events, STREAM_GAP_MS apart, shaped as an OpenAI chat completion: content
 * deltas, then the `include_usage` chunk (a flag reading `openai` usage finds it).
 */
export async function startStreamOrigin() {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const breaks = new URL(request.url, "http://origin").searchParams.get("break");
      if (breaks !== null) return breakAfterFirstPiece(response, breaks === "sized");
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      let sent = 0;
      const send = () => {
        const last = sent === STREAM_CHUNKS - 1;
        response.write(
          last
            ? `data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":${STREAM_CHUNKS - 1}}}\n\n`
            : `data: {"choices":[{"index":0,"delta":{"content":"token ${sent} "}}]}\n\n`,
        );
        if (++sent < STREAM_CHUNKS) setTimeout(send, STREAM_GAP_MS);
        else response.end();
      };
      send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `?break=sized|unsized`: headers (with a 100 000-byte length or none), one piece, then the connection drops. */
function breakAfterFirstPiece(response, sized) {
  const headers = { "content-type": sized ? "application/octet-stream" : "text/event-stream" };
  if (sized) headers["content-length"] = "100000";
  response.writeHead(200, headers);
  response.write(sized ? "x".repeat(1000) : 'data: {"token":0}\n\n');
  setTimeout(() => response.socket?.destroy(), 20);
}

/**
 * Whether a client sees a broken answer as incomplete (`?break=sized|unsized`):
 * Node's parser marks a message incomplete when its connection ends before
 * the declared length or the chunked terminator.
 */
export function clientSeesTruncation(base, kind) {
  const url = new URL(`${STREAM_PATH}?break=${kind}`, base);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "GET", agent: false }, (response) => {
      response.on("data", () => undefined);
      response.on("error", () => undefined); // "aborted": `complete` below says so
      response.on("close", () => resolve(!response.complete));
    });
    request.on("error", reject);
    request.end();
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One streamed request: ms to the first body chunk, the number of chunks and the whole text. */
export function streamOnce(base, headers = {}) {
  const url = new URL(STREAM_PATH, base);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(url, { method: "GET", agent, headers }, (response) => {
      let firstMs = null;
      let chunks = 0;
      let text = "";
      response.on("data", (chunk) => {
        firstMs ??= performance.now() - started;
        chunks++;
        text += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode, firstMs, chunks, text }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}

/** Asserts a streamed answer arrived whole and in more than one piece (nothing buffered it). */
export function assertStreamed(name, result) {
  const events = result.text.split("\n\n").filter(Boolean).length;
  if (result.status !== 200 || events !== STREAM_CHUNKS || result.chunks < 2)
    throw new Error(`${name}: streamed answer ${result.status}, ${events} events in ${result.chunks} chunks`);
}

/**
 * `count` requests to each target, alternating (a, b, a, b, …) so machine
 * noise hits both alike; returns first-chunk p50/p99 per target and the
 * median of the per-pair differences (first target minus second).
 */
export async function firstChunkRounds(targets, count) {
  const names = Object.keys(targets);
  const firsts = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < count; i++)
    for (const name of names) {
      const result = await streamOnce(targets[name], { "x-user-id": `stream-user-${i}` });
      assertStreamed(name, result);
      firsts[name].push(result.firstMs);
    }
  const p99 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)];
  const [a, b] = names;
  return {
    ...Object.fromEntries(
      names.map((name) => [name, { p50Ms: median(firsts[name]), p99Ms: p99(firsts[name]), samples: firsts[name] }]),
    ),
    // Each pair ran back to back: the median of their differences shrugs off stalls that hit one request.
    addedP50Ms: median(firsts[a].map((ms, i) => ms - firsts[b][i])),
  };
}

/** Inspected outcomes the embedded store holds for `key` (smoke: the contract is really applied). */
export async function inspectedCounts(db, key) {
  const { results } = await db
    .prepare("SELECT inspection, COUNT(*) AS n FROM outcomes WHERE flag_key = ?1 GROUP BY inspection")
    .bind(key)
    .all();
  return Object.fromEntries(results.map((row) => [row.inspection ?? "none", row.n]));
}

/** Points the seeded bench flag at the stream origin on GET STREAM_PATH. */
export const asStreamFlag = (key, port) => (db) => {
  const origin = JSON.stringify({ url: `http://127.0.0.1:${port}` });
  return db
    .prepare(
      "UPDATE flags SET route_method = 'GET', route_path = ?1, blue_origin = ?2, green_origin = ?2 WHERE key = ?3",
    )
    .bind(STREAM_PATH, origin, key)
    .run();
};

/** The same stream flag read as a chat completion: `openai` usage, both origins priced. */
export const asChatFlag = (key, port) => async (db) => {
  const origin = JSON.stringify({
    url: `http://127.0.0.1:${port}`,
    price: { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  });
  await db
    .prepare(
      "UPDATE flags SET route_method = 'GET', route_path = ?1, blue_origin = ?2, green_origin = ?2, settings = ?3 WHERE key = ?4",
    )
    .bind(STREAM_PATH, origin, JSON.stringify({ response: { usage: "openai" } }), key)
    .run();
};

/** Usage states the embedded store holds for `key` (smoke: usage is really read). */
export async function usageCounts(db, key) {
  const { results } = await db
    .prepare("SELECT usage, COUNT(*) AS n FROM outcomes WHERE flag_key = ?1 GROUP BY usage")
    .bind(key)
    .all();
  return Object.fromEntries(results.map((row) => [row.usage ?? "none", row.n]));
}

/**
 * CPU per streamed request of each target (µs, from /proc), `count` requests
 * each, alternating one at a time: streamed answers wait on their origin, so
 * throughput would measure the origin, while CPU per request measures the Worker.
 */
export async function streamCpuRounds(targets, pids, count) {
  const names = Object.keys(targets);
  const before = cpuMicros(names.map((name) => pids[name]));
  for (let i = 0; i < count; i++)
    for (const name of names) assertStreamed(name, await streamOnce(targets[name], { "x-user-id": `cpu-${i}` }));
  const after = cpuMicros(names.map((name) => pids[name]));
  if (!before || !after) return null;
  return Object.fromEntries(names.map((name, i) => [name, (after[i] - before[i]) / count]));
}

/**
 * The inspection figures from paired rounds of { plain, inspect100, inspect10 }
 * loaded at once on one core: their throughput ratio to the plain router, and
 * the CPU time of one inspected response — the difference in CPU per request
 * to the plain router (`cpu`: each process's CPU µs over the rounds), over the
 * share of answers sampled. Without `cpu`, CPU per request is estimated as
 * 1/N of the core over the throughput (exact only when every Worker is
 * CPU-bound).
 */
export function inspectionFigures(rounds, durationS, cpu = null) {
  const n = Object.keys(rounds[0].rps).length;
  const requests = (name) => rounds.reduce((sum, { rps }) => sum + rps[name] * durationS, 0);
  const usPerRequest = (name) =>
    cpu ? cpu[name] / requests(name) : median(rounds.map(({ rps }) => 1e6 / n / rps[name]));
  const perInspected = (name, sampled) => (usPerRequest(name) - usPerRequest("plain")) / sampled;
  const ratio = (name) => median(rounds.map(({ rps }) => rps[name] / rps.plain));
  return {
    inspect100PairedRatio: ratio("inspect100"),
    inspect100UsPerInspected: perInspected("inspect100", 1),
    inspect10PairedRatio: ratio("inspect10"),
    inspect10UsPerInspected: perInspected("inspect10", 0.1),
    plainUsPerRequest: usPerRequest("plain"),
  };
}
