// settings.response through the admin API: a body deadline within bounds is
// stored and published; anything else is a 400 that changes nothing.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEFAULT_RESPONSE } from "../../src/core/response-settings";
import { snapshotKvKey } from "../../src/store/snapshot-store";
import { call, dbFingerprint, flagBody, json } from "./helpers";

describe("settings.response.bodyTimeoutMs", () => {
  it("accepts a deadline within bounds", async () => {
    const created = await call("POST", "/flags", {
      body: flagBody("resp-ok", { settings: { response: { bodyTimeoutMs: 60_000 } } }),
    });
    expect(created.status).toBe(201);
    expect((await json(created)).settings).toEqual({ response: { bodyTimeoutMs: 60_000 } });
    const snapshot = await env.SNAPSHOTS.get<{ response: unknown }>(snapshotKvKey("resp-ok"), "json");
    expect(snapshot?.response).toEqual({ ...DEFAULT_RESPONSE, bodyTimeoutMs: 60_000 });
  });

  it.each([0, 3_600_001, 1.5, "60000", null])("refuses %j with 400 and changes nothing", async (bodyTimeoutMs) => {
    const before = await dbFingerprint();
    const refused = await call("POST", "/flags", {
      body: flagBody("resp-bad", { settings: { response: { bodyTimeoutMs } } }),
    });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.code).toBe("invalid_request");
    expect(await dbFingerprint()).toEqual(before);
  });

  it("refuses unknown response settings", async () => {
    const refused = await call("POST", "/flags", {
      body: flagBody("resp-unknown", { settings: { response: { bodyTimeout: 5 } } }),
    });
    expect(refused.status).toBe(400);
  });
});

describe("settings.response contract", () => {
  const CONTRACT = {
    schema: { type: "object", required: ["label"], properties: { label: { type: "string" } } },
    prediction: "$.label",
    sampleRate: 50,
  };

  it("stores and publishes a schema and a prediction path", async () => {
    const created = await call("POST", "/flags", {
      body: flagBody("resp-contract", { settings: { response: CONTRACT } }),
    });
    expect(created.status).toBe(201);
    const snapshot = await env.SNAPSHOTS.get<{ response: unknown }>(snapshotKvKey("resp-contract"), "json");
    expect(snapshot?.response).toEqual({ ...DEFAULT_RESPONSE, ...CONTRACT });
  });

  it.each([
    ["a misspelt type", { schema: { type: "strng" } }, "response.schema"],
    ["a dangling $ref", { schema: { $ref: "#/$defs/nope" } }, "response.schema"],
    ["a path without $", { prediction: "label" }, "response.prediction"],
    ["a wildcard path", { prediction: "$.labels[*]" }, "response.prediction"],
  ])("refuses %s with 422 naming %s, and changes nothing", async (_, response, path) => {
    const before = await dbFingerprint();
    const refused = await call("POST", "/flags", { body: flagBody("resp-contract-bad", { settings: { response } }) });
    expect(refused.status).toBe(422);
    const body = await json(refused);
    expect(body.error.code).toBe("invalid_ruleset");
    expect(body.error.message).toContain(path);
    expect(await dbFingerprint()).toEqual(before);
  });

  it.each([{ sampleRate: 101 }, { maxBodyBytes: 0 }, { schema: "object" }, { prediction: 5 }])(
    "refuses the shape %j with 400",
    async (response) => {
      const refused = await call("POST", "/flags", {
        body: flagBody("resp-contract-shape", { settings: { response } }),
      });
      expect(refused.status).toBe(400);
    },
  );
});
