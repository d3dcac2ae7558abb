// Answer inspection on the proxy path, through the real Worker: a flag's
// response contract is checked on a copy of the served body after it has
// ended, and never changes what the client receives.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callProxy, useFakeOrigins } from "../helpers/proxy-call";
import { outcomeRows, seedFlag, seedRollout } from "../helpers/seed";

const fakes = useFakeOrigins();

const CONTRACT = {
  schema: {
    type: "object",
    required: ["label"],
    properties: { label: { enum: ["positive", "negative"] }, score: { type: "number" } },
  },
  prediction: "$.label",
};

/** Every request goes to green (100 % stage). */
async function greenFlag(key: string, response: object) {
  await seedFlag(env.DB, { key, settings: JSON.stringify({ response }) });
  await seedRollout(env.DB, key, `${key}-r`, 100);
}

const lastRow = async (key: string) => (await outcomeRows(env.DB, key)).at(-1)!;

describe("answer inspection", () => {
  it.each([
    [
      "a valid label",
      200,
      { label: "positive", score: 0.8 },
      { inspection: "valid", invalidReason: null, predictedLabel: "positive" },
    ],
    [
      "a null label (what a broken model sends)",
      200,
      { label: null, score: "NaN" },
      { inspection: "invalid", predictedLabel: null },
    ],
    [
      "a label outside the contract",
      200,
      { label: "happy" },
      { inspection: "invalid", invalidReason: "enum at #/label", predictedLabel: "happy" },
    ],
    ["text that is not JSON", 200, "<html>oops</html>", { inspection: "invalid", invalidReason: "not_json" }],
    ["an error status (judged by error_rate, not the contract)", 500, { label: null }, { inspection: "not_inspected" }],
    ["a 4xx answer", 404, { label: null }, { inspection: "not_inspected" }],
  ] as const)("%s → %o", async (_, status, body, expected) => {
    const key = `ai-${status}-${typeof body === "string" ? "text" : String((body as { label: unknown }).label)}`;
    await greenFlag(key, CONTRACT);
    fakes.current.set("green.test", { kind: "json", status, body });
    const response = await callProxy(`/${key}/predict`, { body: "{}", headers: { "x-user-id": "u" } });
    expect(response.status).toBe(status);
    expect(await lastRow(key)).toMatchObject(expected);
  });

  it("a numeric prediction is stored as a number", async () => {
    await greenFlag("ai-number", { prediction: "$.price" });
    fakes.current.set("green.test", { kind: "json", body: { price: -1 } });
    await callProxy("/ai-number/predict", { body: "{}", headers: { "x-user-id": "u" } });
    expect(await lastRow("ai-number")).toMatchObject({ inspection: "valid", predictedValue: -1, predictedLabel: null });
  });

  it("a body over the byte cap is not inspected, never invalid", async () => {
    await greenFlag("ai-large", { ...CONTRACT, maxBodyBytes: 64 });
    fakes.current.set("green.test", { kind: "json", body: { label: "positive", padding: "x".repeat(200) } });
    await callProxy("/ai-large/predict", { body: "{}", headers: { "x-user-id": "u" } });
    expect(await lastRow("ai-large")).toMatchObject({ inspection: "not_inspected", invalidReason: null });
  });

  it("an unsampled answer is not inspected (sample rate 0)", async () => {
    await greenFlag("ai-unsampled", { ...CONTRACT, sampleRate: 0 });
    fakes.current.set("green.test", { kind: "json", body: { label: null } });
    await callProxy("/ai-unsampled/predict", { body: "{}", headers: { "x-user-id": "u" } });
    expect(await lastRow("ai-unsampled")).toMatchObject({ inspection: "not_inspected" });
  });

  it("a body that is not UTF-8 is not JSON, and the next answer is judged on its own", async () => {
    await greenFlag("ai-utf8", CONTRACT);
    const sized = (bytes: Uint8Array) => ({
      kind: "respond" as const,
      respond: () => new Response(bytes, { headers: { "content-type": "application/json" } }),
    });
    fakes.current.set("green.test", sized(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])));
    await callProxy("/ai-utf8/predict", { body: "{}", headers: { "x-user-id": "u" } });
    fakes.current.set("green.test", sized(new TextEncoder().encode('{"label":"negative"}')));
    await callProxy("/ai-utf8/predict", { body: "{}", headers: { "x-user-id": "u" } });
    const rows = await outcomeRows(env.DB, "ai-utf8");
    expect(rows.map((row) => [row.inspection, row.invalidReason, row.predictedLabel])).toEqual([
      ["invalid", "not_json", null],
      ["valid", null, "negative"],
    ]);
  });

  it("a flag without a contract records no inspection at all", async () => {
    await greenFlag("ai-none", {});
    fakes.current.set("green.test", { kind: "json", body: { label: null } });
    await callProxy("/ai-none/predict", { body: "{}", headers: { "x-user-id": "u" } });
    expect(await lastRow("ai-none")).toMatchObject({ inspection: null });
  });

  it("never changes the served bytes, status or headers, whatever the origin answers (property)", async () => {
    await greenFlag("ai-prop", { ...CONTRACT, maxBodyBytes: 128 });
    await greenFlag("ai-prop-plain", {});
    const answer = fc.record({
      status: fc.constantFrom(200, 201, 400, 500),
      body: fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(answer, async ({ status, body }) => {
        fakes.current.set("green.test", { kind: "json", status, body });
        const checked = await callProxy("/ai-prop/predict", { body: "{}", headers: { "x-user-id": "u" } });
        const plain = await callProxy("/ai-prop-plain/predict", { body: "{}", headers: { "x-user-id": "u" } });
        expect(checked.status).toBe(plain.status);
        expect(await checked.text()).toBe(await plain.text());
        const headers = (r: Response) => [...r.headers].filter(([name]) => name !== "x-request-id");
        expect(headers(checked)).toEqual(headers(plain));
      }),
      { numRuns: 40 },
    );
    // Every request was recorded once, inspected or not.
    expect(await outcomeRows(env.DB, "ai-prop")).toHaveLength(40);
  });
});
