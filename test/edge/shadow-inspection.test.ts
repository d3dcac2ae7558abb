// Green's mirrored answers judged against the flag's response contract
// through the real Worker: the mirror row carries green's own verdict and
// prediction, at the contract's sample rate and byte cap, while the client
// still gets blue's answer untouched.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { call as adminCall, json } from "../admin/helpers";
import { installFakeOrigins } from "../helpers/fake-origins";
import { outcomeRows, seedFlag, seedRollout } from "../helpers/seed";

let origins: ReturnType<typeof installFakeOrigins>;
beforeEach(() => {
  origins = installFakeOrigins();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const CONTRACT = {
  schema: {
    type: "object",
    required: ["label"],
    properties: { label: { enum: ["positive", "negative"] } },
  },
  prediction: "$.label",
};

async function shadowFlag(key: string, response: object = CONTRACT) {
  await seedFlag(env.DB, {
    key,
    settings: JSON.stringify({ shadow: { comparator: { kind: "label", path: "$.label" } }, response }),
  });
  await seedRollout(env.DB, key, `${key}-r`, 0, "shadow");
}

async function send(key: string) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example/${key}/predict`, {
      method: "POST",
      body: "{}",
      headers: { "x-user-id": "u1" },
    }),
    env,
    ctx,
  );
  const bodyText = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, bodyText };
}

const rowsOf = async (key: string) => {
  const rows = await outcomeRows(env.DB, key);
  return { served: rows.filter((row) => row.kind === "served"), mirrored: rows.filter((row) => row.kind === "shadow") };
};

describe("inspecting green's mirrored answers", () => {
  it("an answer that breaks the schema is invalid, with the reason; the client still gets blue's", async () => {
    await shadowFlag("si-invalid");
    origins.set("blue.test", { kind: "json", body: { label: "positive" } });
    origins.set("green.test", { kind: "json", body: { label: "maybe" } });
    const { response, bodyText } = await send("si-invalid");
    expect(response.headers.get("x-model-variant")).toBe("blue");
    expect(JSON.parse(bodyText)).toEqual({ label: "positive" });
    const { served, mirrored } = await rowsOf("si-invalid");
    expect(served).toMatchObject([{ variant: "blue", inspection: "valid", predictedLabel: "positive" }]);
    expect(mirrored).toMatchObject([
      {
        variant: "green",
        inspection: "invalid",
        invalidReason: expect.stringMatching(/label/),
        predictedLabel: "maybe",
      },
    ]);
  });

  it("an answer that is not JSON is invalid: not_json", async () => {
    await shadowFlag("si-text");
    origins.set("green.test", { kind: "json", body: "<html>oops</html>" });
    await send("si-text");
    expect((await rowsOf("si-text")).mirrored).toMatchObject([{ inspection: "invalid", invalidReason: "not_json" }]);
  });

  it("a valid answer is valid and its predicted label recorded", async () => {
    await shadowFlag("si-valid");
    origins.set("blue.test", { kind: "json", body: { label: "positive" } });
    origins.set("green.test", { kind: "json", body: { label: "negative" } });
    await send("si-valid");
    expect((await rowsOf("si-valid")).mirrored).toMatchObject([
      { inspection: "valid", invalidReason: null, predictedLabel: "negative", predictedValue: null },
    ]);
  });

  it("a numeric prediction is recorded as a value", async () => {
    await shadowFlag("si-value", { prediction: "$.score" });
    origins.set("green.test", { kind: "json", body: { score: 0.25 } });
    await send("si-value");
    expect((await rowsOf("si-value")).mirrored).toMatchObject([
      { inspection: "valid", predictedValue: 0.25, predictedLabel: null },
    ]);
  });

  it("honours the sample rate: at 0 % nothing is inspected, the row is still recorded", async () => {
    await shadowFlag("si-unsampled", { ...CONTRACT, sampleRate: 0 });
    origins.set("blue.test", { kind: "json", body: { label: "positive" } });
    origins.set("green.test", { kind: "json", body: { label: "maybe" } });
    await send("si-unsampled");
    expect((await rowsOf("si-unsampled")).mirrored).toMatchObject([
      { comparatorReason: "label_mismatch", inspection: "not_inspected", invalidReason: null, predictedLabel: null },
    ]);
  });

  it("honours the contract's byte cap: a larger answer is not inspected, never invalid", async () => {
    await shadowFlag("si-large", { ...CONTRACT, maxBodyBytes: 64 });
    origins.set("green.test", { kind: "json", body: { label: "maybe", padding: "x".repeat(200) } });
    await send("si-large");
    expect((await rowsOf("si-large")).mirrored).toMatchObject([{ inspection: "not_inspected", invalidReason: null }]);
  });

  it("a failed green answer is not inspected", async () => {
    await shadowFlag("si-error");
    origins.set("green.test", { kind: "json", status: 503, body: { label: "maybe" } });
    await send("si-error");
    expect((await rowsOf("si-error")).mirrored).toMatchObject([
      { status: 503, comparatorReason: "green_error", inspection: "not_inspected" },
    ]);
  });

  it("a flag without a contract records no inspection", async () => {
    await shadowFlag("si-none", {});
    await send("si-none");
    expect((await rowsOf("si-none")).mirrored).toMatchObject([{ inspection: null, predictedLabel: null }]);
  });

  it("the shadow report shows green's inspected figures next to blue's", async () => {
    await shadowFlag("si-report");
    origins.set("blue.test", { kind: "json", body: { label: "positive" } });
    for (const label of ["positive", "positive", "maybe", "negative"]) {
      origins.set("green.test", { kind: "json", body: { label } });
      await send("si-report");
    }
    const { answers } = await json(await adminCall("GET", "/flags/si-report/shadow?examples=0"));
    expect(answers.blue).toMatchObject({ requests: 4, inspected: 4, invalid: 0 });
    expect(answers.green).toMatchObject({ requests: 4, inspected: 4, invalid: 1, invalidRate: 0.25 });
    expect(answers.drift).toMatchObject({ kind: "labels" });
  });
});
