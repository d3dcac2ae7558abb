// A streamed answer with a declared length keeps that length on the way to
// the client: workerd ends a chunked response cleanly even when its body
// broke, so only a declared length lets a client see a truncated answer. The
// watch's guarantees (one outcome, stream_broken, client_aborted, chunk by
// chunk) hold through the fixed-length stream as for any streamed answer.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { withDeclaredLength, WHOLE_BODY_MAX_BYTES } from "../../src/edge/whole-body";
import worker from "../../src/index";
import { useFakeOrigins } from "../helpers/proxy-call";
import { outcomeRows, seedFlag, seedRollout } from "../helpers/seed";

const fakes = useFakeOrigins();
const LENGTH = WHOLE_BODY_MAX_BYTES + 1;
const HALF = new Uint8Array(Math.ceil(LENGTH / 2)).fill(0x61);
const REST = new Uint8Array(LENGTH - HALF.length).fill(0x62);

/** A large answer with a declared length whose body the test drives. */
function sizedOrigin() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>(
    { start: (c) => void (controller = c), cancel: () => void (cancelled = true) },
    { highWaterMark: 0 },
  );
  const headers = { "content-type": "application/octet-stream", "content-length": String(LENGTH) };
  fakes.current.set("green.test", { kind: "respond", respond: () => new Response(body, { headers }) });
  return { controller: () => controller, cancelled: () => cancelled };
}

async function open(key: string) {
  await seedFlag(env.DB, { key });
  await seedRollout(env.DB, key, `${key}-r`, 100);
  const ctx = createExecutionContext();
  const request = new Request(`https://router.example/${key}/predict`, { method: "POST", body: "{}" });
  const response = await worker.fetch(request, env, ctx);
  return { response, reader: response.body!.getReader(), settled: () => waitOnExecutionContext(ctx) };
}

describe("a streamed answer with a declared length", () => {
  it.each([
    ["a large declared length", { "content-length": String(LENGTH) }, true],
    ["no declared length", {}, false],
    ["a malformed length", { "content-length": "12abc" }, false],
    // fetch hands the Worker the decoded body with the encoded length: that length is not the body's.
    ["a compressed answer's length", { "content-length": String(LENGTH), "content-encoding": "gzip" }, false],
    ["an identity encoding", { "content-length": String(LENGTH), "content-encoding": "identity" }, true],
  ])("%s → the served stream has a fixed length: %s", (_, headers, fixed) => {
    const body = new ReadableStream<Uint8Array>();
    expect(withDeclaredLength(body, new Response(null, { headers })) !== body).toBe(fixed);
  });

  it("reaches the client whole, piece by piece, and records one complete outcome", async () => {
    const origin = sizedOrigin();
    const { response, reader, settled } = await open("dl-ok");
    expect(response.headers.get("content-length")).toBe(String(LENGTH));
    origin.controller().enqueue(HALF);
    let received = 0;
    const first = await reader.read();
    received += first.value!.byteLength;
    expect(await outcomeRows(env.DB, "dl-ok")).toHaveLength(0); // the body is still open
    origin.controller().enqueue(REST);
    origin.controller().close();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += chunk.value.byteLength;
    await settled();
    expect(received).toBe(LENGTH);
    expect(await outcomeRows(env.DB, "dl-ok")).toMatchObject([{ variant: "green", error: 0, errorClass: null }]);
  });

  it("a compressed answer whose decoded body outgrows its declared length reaches the client whole", async () => {
    // What fetch returns for a gzip answer: the decoded bytes, with the encoded length still in the headers.
    const decoded = new Uint8Array(LENGTH * 3).fill(0x63);
    const headers = {
      "content-type": "application/json",
      "content-encoding": "gzip",
      "content-length": String(LENGTH),
    };
    fakes.current.set("green.test", { kind: "respond", respond: () => new Response(decoded, { headers }) });
    const { reader, settled } = await open("dl-gzip");
    let received = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += chunk.value.byteLength;
    await settled();
    expect(received).toBe(decoded.byteLength);
    expect(await outcomeRows(env.DB, "dl-gzip")).toMatchObject([{ variant: "green", error: 0, errorClass: null }]);
  });

  it("a body that breaks fails for the client and is green's stream_broken error", async () => {
    const origin = sizedOrigin();
    const { reader, settled } = await open("dl-broken");
    origin.controller().enqueue(HALF);
    await reader.read();
    origin.controller().error(new Error("connection reset mid-body"));
    const drain = async () => {
      while (!(await reader.read()).done);
    };
    await expect(drain()).rejects.toThrow();
    await settled();
    expect(await outcomeRows(env.DB, "dl-broken")).toMatchObject([{ error: 1, errorClass: "stream_broken" }]);
  });

  it("a client that goes away is client_aborted and cancels the origin", async () => {
    const origin = sizedOrigin();
    const { reader, settled } = await open("dl-abort");
    origin.controller().enqueue(HALF);
    await reader.read();
    await reader.cancel("client went away");
    await settled();
    expect(origin.cancelled()).toBe(true);
    expect(await outcomeRows(env.DB, "dl-abort")).toMatchObject([{ error: 0, errorClass: "client_aborted" }]);
  });
});
