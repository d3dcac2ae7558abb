// The `npm run dev` seed (scripts/demo-seed.sql), applied to the test D1 as
// dev.mjs applies it: the README's shadow walkthrough (roll the seeded
// rollout back, start the default plan, send traffic) reports meaningful
// agreement out of the box, although the two demo models always answer
// different `model_version`s; and its response contract compiles as the admin
// API and the hot path compile it, and tells the demo's faults apart.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { adminEnv, call, flagBody, flagEtag, json } from "../admin/helpers";
import { applyDemoSeed } from "../helpers/demo-seed";
import { createFaults, planAnswer, sentimentAnswer, type SentimentAnswer } from "../../scripts/lib/demo-faults.mjs";
import { inspectAnswer } from "../../src/core/answer-inspection";
import { compileSnapshot } from "../../src/core/snapshot";
import { buildValidSnapshot } from "../../src/store/snapshot-builder";

/** The demo origins' answer shape (scripts/demo-origins.mjs): same label, different model_version. */
function installDemoOrigins() {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(new Request(input as RequestInfo, init).url);
    const version = url.port === "8701" ? "v1" : url.port === "8702" ? "v2" : null;
    if (url.hostname !== "127.0.0.1" || version === null) return realFetch(input as RequestInfo, init);
    return Response.json({ model: "sentiment", model_version: version, label: "positive", score: 0.881 });
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
    expect(
      (await call("POST", "/flags/demo-model/rollouts/current/rollback", { ifMatch: current.headers.get("etag")! }))
        .status,
    ).toBe(200);
    expect((await call("DELETE", "/flags/demo-model/kill", { body: { reason: "start over in shadow" } })).status).toBe(
      200,
    );
    const started = await call("POST", "/flags/demo-model/rollouts", {
      body: {},
      ifMatch: await flagEtag("demo-model"),
    });
    expect(await json(started)).toMatchObject({ stage: { mode: "shadow" } });

    for (let i = 0; i < 12; i++) {
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request("https://router.example/demo/predict", {
          method: "POST",
          body: '{"text":"great service"}',
          headers: { "x-user-id": `u${i}`, "content-type": "application/json" },
        }),
        adminEnv,
        ctx,
      );
      expect(response.headers.get("x-model-variant")).toBe("blue");
      await response.arrayBuffer();
      await waitOnExecutionContext(ctx);
    }
    const report = await json(await call("GET", "/flags/demo-model/shadow?examples=0"));
    expect(report.comparator).toEqual({ kind: "label", path: "$.label" });
    expect(report.agreement).toMatchObject({ n: 12, rate: 1 });
  });

  it("seeds a response contract that compiles and judges the demo origins' answers and faults", async () => {
    await applyDemoSeed();
    const built = await buildValidSnapshot(env.DB, "demo-model");
    if (!built.ok) throw new Error(`seeded snapshot refused: ${JSON.stringify(built.error)}`);
    expect(built.value.shadow).toMatchObject({ comparator: { kind: "label", path: "$.label" }, exampleRate: 1 });
    const compiled = compileSnapshot(built.value);
    if (!compiled.ok) throw new Error(`seeded snapshot does not compile: ${JSON.stringify(compiled.error)}`);
    const contract = compiled.value.response.contract;
    expect(contract?.check).not.toBeNull();
    expect(contract?.prediction).not.toBeNull();

    const judge = (answer: SentimentAnswer | Record<string, unknown>) =>
      inspectAnswer(contract!, JSON.stringify(answer));
    const only = (key: "invalidRate" | "labelShift") => ({ ...createFaults(), [key]: 1 });
    const answer = sentimentAnswer("v2", 2);
    expect(judge(answer)).toMatchObject({ state: "valid", label: "positive" });
    expect(judge(sentimentAnswer("v1", -3))).toMatchObject({ state: "valid", label: "negative" });
    expect(judge(sentimentAnswer("v1", 0))).toMatchObject({ state: "valid", label: "neutral" });
    expect(judge(planAnswer(only("invalidRate"), answer, { streamed: false }).body)).toMatchObject({
      state: "invalid",
    });
    expect(judge(planAnswer(only("labelShift"), answer, { streamed: false }).body)).toMatchObject({
      state: "valid",
      label: "negative",
    });

    // The admin API accepts the same settings on a flag of its own (it refuses a contract that does not compile with 422).
    const row = await env.DB.prepare("SELECT settings FROM flags WHERE key = 'demo-model'").first<{
      settings: string;
    }>();
    const created = await call("POST", "/flags", {
      body: flagBody("demo-copy", { settings: JSON.parse(row!.settings) }),
    });
    expect(created.status).toBe(201);
  });
});
