// Small fixed-length answers are read whole before they are served (one
// native read instead of a JS stream per request): the client gets the same
// bytes, the outcome the same fields, and a body that breaks becomes the
// router's 502 instead of a truncated answer.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readsWhole, WHOLE_BODY_MAX_BYTES } from "../../src/edge/whole-body";
import { callProxy, useFakeOrigins } from "../helpers/proxy-call";
import { outcomeRows, seedFlag, seedRollout } from "../helpers/seed";

const fakes = useFakeOrigins();
const encoder = new TextEncoder();

/** An answer with a declared length whose body is `text`, or breaks after its first half. */
function sized(text: string, { breaks = false, type = "application/json" } = {}) {
  const bytes = encoder.encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice(0, Math.ceil(bytes.length / 2)));
      if (breaks) controller.error(new Error("connection reset mid-body"));
      else {
        controller.enqueue(bytes.slice(Math.ceil(bytes.length / 2)));
        controller.close();
      }
    },
  });
  const headers = { "content-type": type, "content-length": String(bytes.length) };
  return { kind: "respond" as const, respond: () => new Response(body, { headers }) };
}

async function greenFlag(key: string, settings: object = {}) {
  await seedFlag(env.DB, { key, settings: JSON.stringify(settings) });
  await seedRollout(env.DB, key, `${key}-r`, 100);
}

describe("small fixed-length answers", () => {
  it.each([
    ["a small JSON answer", { "content-length": "120", "content-type": "application/json" }, true],
    ["no declared length", { "content-type": "application/json" }, false],
    ["over the limit", { "content-length": String(WHOLE_BODY_MAX_BYTES + 1) }, false],
    ["an event stream with a length", { "content-length": "10", "content-type": "text/event-stream" }, false],
    ["a malformed length", { "content-length": "12abc" }, false],
  ])("%s → read whole: %s", (_, headers, expected) => {
    expect(readsWhole(new Response(null, { headers }))).toBe(expected);
  });

  it("serves the same bytes and records one complete outcome with first-byte and total time", async () => {
    await greenFlag("wb-ok");
    fakes.current.set("green.test", sized('{"label":"positive","score":0.9}'));
    const response = await callProxy("/wb-ok/predict", { body: "{}", headers: { "x-user-id": "u" } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"label":"positive","score":0.9}');
    expect(response.headers.get("x-model-variant")).toBe("green");
    const rows = await outcomeRows(env.DB, "wb-ok");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ error: 0, errorClass: null });
    expect(rows[0]!.firstByteMs).not.toBeNull();
    expect(rows[0]!.durationMs).toBeGreaterThanOrEqual(rows[0]!.latencyMs);
  });

  it("a body that breaks is the router's 502 and green's stream_broken error, recorded once", async () => {
    await greenFlag("wb-broken");
    fakes.current.set("green.test", sized('{"label":"positive","score":0.9}', { breaks: true }));
    const response = await callProxy("/wb-broken/predict", { body: "{}", headers: { "x-user-id": "u" } });
    expect(response.status).toBe(502);
    expect((await response.json<{ error: { code: string } }>()).error.code).toBe("origin_unavailable");
    expect(await outcomeRows(env.DB, "wb-broken")).toMatchObject([
      { variant: "green", error: 1, errorClass: "stream_broken" },
    ]);
  });

  it("is inspected against the response contract like a streamed answer", async () => {
    await greenFlag("wb-contract", {
      response: { schema: { type: "object", required: ["label"] }, prediction: "$.label" },
    });
    fakes.current.set("green.test", sized('{"score":0.9}'));
    await callProxy("/wb-contract/predict", { body: "{}", headers: { "x-user-id": "u" } });
    fakes.current.set("green.test", sized('{"label":"negative"}'));
    await callProxy("/wb-contract/predict", { body: "{}", headers: { "x-user-id": "u" } });
    const rows = await outcomeRows(env.DB, "wb-contract");
    expect(rows.map((row) => [row.inspection, row.invalidReason, row.predictedLabel])).toEqual([
      ["invalid", "required at #", null],
      ["valid", null, "negative"],
    ]);
  });
});
