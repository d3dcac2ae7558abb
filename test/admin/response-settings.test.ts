// settings.response through the admin API: a body deadline within bounds is
// stored and published; anything else is a 400 that changes nothing.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { snapshotKvKey } from "../../src/store/snapshot-store";
import { call, dbFingerprint, flagBody, json } from "./helpers";

describe("settings.response.bodyTimeoutMs", () => {
  it("accepts a deadline within bounds", async () => {
    const created = await call("POST", "/flags", { body: flagBody("resp-ok", { settings: { response: { bodyTimeoutMs: 60_000 } } }) });
    expect(created.status).toBe(201);
    expect((await json(created)).settings).toEqual({ response: { bodyTimeoutMs: 60_000 } });
    const snapshot = await env.SNAPSHOTS.get<{ response: unknown }>(snapshotKvKey("resp-ok"), "json");
    expect(snapshot?.response).toEqual({ bodyTimeoutMs: 60_000 });
  });

  it.each([0, 3_600_001, 1.5, "60000", null])("refuses %j with 400 and changes nothing", async (bodyTimeoutMs) => {
    const before = await dbFingerprint();
    const refused = await call("POST", "/flags", { body: flagBody("resp-bad", { settings: { response: { bodyTimeoutMs } } }) });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.code).toBe("invalid_request");
    expect(await dbFingerprint()).toEqual(before);
  });

  it("refuses unknown response settings", async () => {
    const refused = await call("POST", "/flags", { body: flagBody("resp-unknown", { settings: { response: { bodyTimeout: 5 } } }) });
    expect(refused.status).toBe(400);
  });
});
