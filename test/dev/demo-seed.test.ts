// The `npm run dev` seed (scripts/demo-seed.sql), applied to the test D1 as
// dev.mjs applies it: the README's shadow walkthrough (roll the seeded
// rollout back, start the default plan, send traffic) reports meaningful
// agreement out of the box, although the two demo models always answer
// different `model_version`s.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { adminEnv, call, flagEtag, json } from "../admin/helpers";
import { applyDemoSeed } from "../helpers/demo-seed";

/** The demo origins' answer shape (scripts/demo-origins.mjs): same label, different model_version. */
function installDemoOrigins() {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(new Request(input as RequestInfo, init).url);
    const version = url.port === "8701" ? "v1" : url.port === "8702" ? "v2" : null;
    if (url.hostname !== "127.0.0.1" || version === null) return realFetch(input as RequestInfo, init);
    return Response.json({ model: "sentiment", model_version: version, label: "positive", score: 2 });
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("demo seed", () => {
  it("compares the demo's predictions, not its model versions: shadow agreement is 100 % on identical labels", async () => {
    installDemoOrigins();
    await applyDemoSeed();
    const current = await call("GET", "/flags/demo-model/rollouts/current");
    expect(current.status).toBe(200);
    expect((await call("POST", "/flags/demo-model/rollouts/current/rollback", { ifMatch: current.headers.get("etag")! })).status).toBe(200);
    expect((await call("DELETE", "/flags/demo-model/kill", { body: { reason: "start over in shadow" } })).status).toBe(200);
    const started = await call("POST", "/flags/demo-model/rollouts", { body: {}, ifMatch: await flagEtag("demo-model") });
    expect(await json(started)).toMatchObject({ stage: { mode: "shadow" } });

    for (let i = 0; i < 12; i++) {
      const ctx = createExecutionContext();
      const response = await worker.fetch(new Request("https://router.example/demo/predict", {
        method: "POST", body: '{"text":"great service"}', headers: { "x-user-id": `u${i}`, "content-type": "application/json" },
      }), adminEnv, ctx);
      expect(response.headers.get("x-model-variant")).toBe("blue");
      await response.arrayBuffer();
      await waitOnExecutionContext(ctx);
    }
    const report = await json(await call("GET", "/flags/demo-model/shadow?examples=0"));
    expect(report.comparator).toEqual({ kind: "label", path: "$.label" });
    expect(report.agreement).toMatchObject({ n: 12, rate: 1 });
  });
});
