// Stream integrity through the real Worker: the served outcome describes the
// whole response. Origins are streams the test drives chunk by chunk, so
// every assertion is about the order of events, never wall time.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { readOutcomeWindow } from "../../src/store/metrics-repo";
import type { OriginBehaviour } from "../helpers/fake-origins";
import { useFakeOrigins } from "../helpers/proxy-call";
import { outcomeRows, seedFlag, seedRollout } from "../helpers/seed";

const fakes = useFakeOrigins();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An origin body the test drives; every step lands in `events`. */
function drivenOrigin(events: string[]) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      cancel: () => {
        events.push("origin:cancelled");
      },
    },
    { highWaterMark: 0 },
  );
  return {
    behaviour: {
      kind: "respond",
      respond: () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
    } as OriginBehaviour,
    send(text: string) {
      events.push(`origin:${text}`);
      controller.enqueue(encoder.encode(text));
    },
    end() {
      events.push("origin:end");
      controller.close();
    },
    fail() {
      events.push("origin:broken");
      controller.error(new Error("connection reset mid-body"));
    },
  };
}

/** Opens a proxied request; the caller reads the body and then awaits `settled` (background work). */
async function open(path: string) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example${path}`, { method: "POST", body: "{}", headers: { "x-user-id": "u" } }),
    env,
    ctx,
  );
  return { response, reader: response.body!.getReader(), settled: () => waitOnExecutionContext(ctx) };
}

/** A flag whose every request is served by green (100 % stage), with optional flag settings. */
async function greenFlag(key: string, settings: object = {}) {
  await seedFlag(env.DB, { key, settings: JSON.stringify(settings) });
  await seedRollout(env.DB, key, `${key}-r`, 100);
}

const metricsOf = async (key: string) => {
  const groups = await readOutcomeWindow(env.DB, {
    flagKey: key,
    rolloutId: `${key}-r`,
    stage: null,
    fromMs: 0,
    toMs: Date.now() + 60_000,
  });
  return Object.fromEntries(groups.map((g) => [g.variant, { requests: g.metrics.requests, errors: g.metrics.errors }]));
};

describe("stream integrity", () => {
  it("passes a stream on chunk by chunk: the client reads chunk 1 before the origin may send chunk 2", async () => {
    await greenFlag("st-order");
    const events: string[] = [];
    const origin = drivenOrigin(events);
    fakes.current.set("green.test", origin.behaviour);
    const { response, reader, settled } = await open("/st-order/predict");
    expect(response.headers.get("content-type")).toBe("text/event-stream");

    let clientGotFirst!: () => void;
    const firstRead = new Promise<void>((resolve) => (clientGotFirst = resolve));
    // The origin sends chunk 2 once the client has chunk 1; the fallback only
    // makes a buffering router fail on the order below instead of hanging.
    const originDone = (async () => {
      origin.send("data: 1\n\n");
      await Promise.race([firstRead, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      origin.send("data: 2\n\n");
      origin.end();
    })();
    const received: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received.push(decoder.decode(value));
      events.push(`client:${decoder.decode(value)}`);
      if (received.length === 1) {
        expect(await outcomeRows(env.DB, "st-order")).toHaveLength(0); // not recorded while the body is open
        clientGotFirst();
      }
    }
    events.push("client:end");
    await originDone;
    await settled();

    expect(events).toEqual([
      "origin:data: 1\n\n",
      "client:data: 1\n\n",
      "origin:data: 2\n\n",
      "origin:end",
      "client:data: 2\n\n",
      "client:end",
    ]);
    const rows = await outcomeRows(env.DB, "st-order");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ variant: "green", status: 200, error: 0, errorClass: null });
    expect(rows[0]!.firstByteMs).not.toBeNull();
    expect(rows[0]!.firstByteMs!).toBeGreaterThanOrEqual(rows[0]!.latencyMs);
    expect(rows[0]!.durationMs!).toBeGreaterThanOrEqual(rows[0]!.firstByteMs!);
  });

  it("records a body that breaks after the headers as stream_broken, an error of the variant that sent it", async () => {
    await greenFlag("st-broken");
    const events: string[] = [];
    const origin = drivenOrigin(events);
    fakes.current.set("green.test", origin.behaviour);
    const { response, reader, settled } = await open("/st-broken/predict");
    expect(response.status).toBe(200);
    origin.send('{"label":');
    expect(decoder.decode((await reader.read()).value)).toBe('{"label":');
    origin.fail();
    await expect(reader.read()).rejects.toThrow();
    await settled();

    const rows = await outcomeRows(env.DB, "st-broken");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ variant: "green", status: 200, error: 1, timeout: 0, errorClass: "stream_broken" });
    expect(await metricsOf("st-broken")).toEqual({ green: { requests: 1, errors: 1 } });
  });

  it("records a client that goes away as client_aborted, cancels the origin, and counts it for neither variant", async () => {
    await greenFlag("st-abort");
    const events: string[] = [];
    const origin = drivenOrigin(events);
    fakes.current.set("green.test", origin.behaviour);
    const { reader, settled } = await open("/st-abort/predict");
    origin.send("data: 1\n\n");
    await reader.read();
    await reader.cancel("client went away");
    await settled();

    expect(events).toEqual(["origin:data: 1\n\n", "origin:cancelled"]);
    const rows = await outcomeRows(env.DB, "st-abort");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ variant: "green", status: 200, error: 0, errorClass: "client_aborted" });
    expect(await metricsOf("st-abort")).toEqual({});
  });

  it("ends a body that outlives its deadline as stream_broken, for the client and the origin", async () => {
    await greenFlag("st-deadline", { response: { bodyTimeoutMs: 50 } });
    const events: string[] = [];
    const origin = drivenOrigin(events);
    fakes.current.set("green.test", origin.behaviour);
    const { reader, settled } = await open("/st-deadline/predict");
    origin.send("data: 1\n\n");
    await reader.read();
    // The origin hangs mid-body: never another chunk, never an end.
    await expect(reader.read()).rejects.toThrow(/deadline/);
    await settled();

    expect(events).toEqual(["origin:data: 1\n\n", "origin:cancelled"]);
    const rows = await outcomeRows(env.DB, "st-deadline");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ variant: "green", error: 1, errorClass: "stream_broken" });
    expect(await metricsOf("st-deadline")).toEqual({ green: { requests: 1, errors: 1 } });
  });

  it("keeps an error the headers showed: a 5xx whose client goes away still counts against its variant", async () => {
    await greenFlag("st-5xx-abort");
    const body = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(encoder.encode("overloaded")) });
    fakes.current.set("green.test", { kind: "respond", respond: () => new Response(body, { status: 503 }) });
    const { reader, settled } = await open("/st-5xx-abort/predict");
    await reader.cancel();
    await settled();
    const rows = await outcomeRows(env.DB, "st-5xx-abort");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 503, error: 1, errorClass: "http_5xx" });
    expect(await metricsOf("st-5xx-abort")).toEqual({ green: { requests: 1, errors: 1 } });
  });

  it("records an answer without a body at once, with its duration equal to its time to headers", async () => {
    await greenFlag("st-204");
    fakes.current.set("green.test", { kind: "respond", respond: () => new Response(null, { status: 204 }) });
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://router.example/st-204/predict", { method: "POST", body: "{}" }),
      env,
      ctx,
    );
    expect(response.body).toBeNull();
    await waitOnExecutionContext(ctx); // nothing read: the outcome must not wait for a body
    const rows = await outcomeRows(env.DB, "st-204");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 204,
      error: 0,
      errorClass: null,
      firstByteMs: null,
      durationMs: rows[0]!.latencyMs,
    });
  });

  const CLASSES: [string, OriginBehaviour, number, string | null][] = [
    ["a whole 200", { kind: "json" }, 200, null],
    ["a 502 answer", { kind: "json", status: 502 }, 502, "http_5xx"],
    ["an unreachable origin", { kind: "throw" }, 502, "unreachable"],
    ["a hanging origin", { kind: "hang" }, 504, "timeout"],
  ];
  it.each(CLASSES)("keeps one outcome with an error class for %s", async (_, behaviour, served, errorClass) => {
    const key = `st-class-${served}-${errorClass ?? "ok"}`;
    await greenFlag(key);
    fakes.current.set("green.test", behaviour);
    const { response, reader, settled } = await open(`/${key}/predict`);
    expect(response.status).toBe(served);
    while (!(await reader.read()).done);
    await settled();
    const rows = await outcomeRows(env.DB, key);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      errorClass,
      error: errorClass === null ? 0 : 1,
      timeout: errorClass === "timeout" ? 1 : 0,
    });
  });
});
