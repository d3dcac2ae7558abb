import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
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

async function shadowFlag(key: string, shadow: object = {}) {
  await seedFlag(env.DB, {
    key,
    settings: JSON.stringify({ shadow: { comparator: { kind: "label", path: "$.label" }, ...shadow } }),
  });
  await seedRollout(env.DB, key, `${key}-r`, 0, "shadow");
}

async function send(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example${path}`, { method: "POST", ...init }),
    env,
    ctx,
  );
  const bodyText = await response.text();
  const eventsAtResponse = [...origins.events];
  await waitOnExecutionContext(ctx);
  return { response, bodyText, eventsAtResponse };
}

const rows = async (key: string, kind: "served" | "shadow") =>
  (await outcomeRows(env.DB, key)).filter((row) => row.kind === kind);

describe("shadow mirroring through the real Worker", () => {
  it("serves blue, mirrors the same request to green, and records an agreeing pair", async () => {
    await shadowFlag("sh-basic");
    origins.set("blue.test", { kind: "json", body: { label: "positive", model_version: "v1" } });
    origins.set("green.test", { kind: "json", body: { label: "positive", model_version: "v2" } });
    const { response, bodyText } = await send("/sh-basic/predict?q=1", {
      body: '{"text":"great"}',
      headers: { "x-user-id": "u1" },
    });
    expect(response.headers.get("x-model-variant")).toBe("blue");
    expect(JSON.parse(bodyText)).toEqual({ label: "positive", model_version: "v1" });
    const green = origins.seen.find((seen) => seen.host === "green.test");
    expect(green).toMatchObject({ method: "POST", path: "/sh-basic/predict?q=1", body: '{"text":"great"}' });
    expect(green?.headers.get("x-switchyard-shadow")).toBe("1");
    expect(await rows("sh-basic", "served")).toMatchObject([{ variant: "blue", reason: "DEFAULT", stage: "shadow" }]);
    expect(await rows("sh-basic", "shadow")).toMatchObject([
      {
        variant: "green",
        shadowAgreement: 1,
        similarity: 1,
        comparatorReason: "equal",
        status: 200,
        pairedStatus: 200,
      },
    ]);
  });

  it("records green's mirrored answer, never blue's: blue streams, green answers plain JSON, each inspected on its own", async () => {
    await seedFlag(env.DB, {
      key: "sh-own",
      settings: JSON.stringify({
        shadow: { comparator: { kind: "label", path: "$.label" } },
        response: { schema: { type: "object", required: ["label"] }, prediction: "$.label" },
      }),
    });
    await seedRollout(env.DB, "sh-own", "sh-own-r", 0, "shadow");
    // Blue streams a valid answer (a body without a declared length); green
    // answers plain JSON once blue's answer has been read and inspected, so a
    // row that copied blue's fields would show its verdict, not only its streaming.
    origins.set("blue.test", {
      kind: "respond",
      respond: () =>
        new Response(new Blob(['{"label":"positive"}']).stream(), { headers: { "content-type": "application/json" } }),
    });
    let releaseGreen!: () => void;
    const greenMayAnswer = new Promise<void>((resolve) => (releaseGreen = resolve));
    origins.set("green.test", {
      kind: "respond",
      respond: async () => {
        await greenMayAnswer;
        return Response.json({ label: "negative" });
      },
    });
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://router.example/sh-own/predict", {
        method: "POST",
        body: "{}",
        headers: { "x-user-id": "u1" },
      }),
      env,
      ctx,
    );
    expect(await response.text()).toBe('{"label":"positive"}');
    // Blue's inspection runs in a task queued when its body ended: this one comes after it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    releaseGreen();
    await waitOnExecutionContext(ctx);
    expect(await rows("sh-own", "served")).toMatchObject([
      { variant: "blue", streamed: 1, inspection: "valid", predictedLabel: "positive" },
    ]);
    expect(await rows("sh-own", "shadow")).toMatchObject([
      {
        variant: "green",
        status: 200,
        comparatorReason: "label_mismatch",
        // Mirrored answers are read whole, never timed to a first byte, and
        // inspected on their own: green's verdict and label, not blue's.
        streamed: 0,
        firstByteMs: null,
        durationMs: null,
        inspection: "valid",
        invalidReason: null,
        predictedLabel: "negative",
        predictedValue: null,
      },
    ]);
  });

  it("records a disagreement and keeps a redacted example", async () => {
    await shadowFlag("sh-disagree", { exampleRate: 1, redactPaths: ["$.user"] });
    origins.set("blue.test", { kind: "json", body: { label: "positive", user: "alice@example.com" } });
    origins.set("green.test", { kind: "json", body: { label: "negative", user: "alice@example.com" } });
    await send("/sh-disagree/predict", { body: "{}", headers: { "x-user-id": "u1" } });
    expect(await rows("sh-disagree", "shadow")).toMatchObject([
      { shadowAgreement: 0, comparatorReason: "label_mismatch" },
    ]);
    const examples = await env.DB.prepare(
      "SELECT reason, blue_body, green_body FROM shadow_examples WHERE flag_key = ?",
    )
      .bind("sh-disagree")
      .all();
    expect(examples.results).toEqual([
      {
        reason: "label_mismatch",
        blue_body: '{"label":"positive","user":"[redacted]"}',
        green_body: '{"label":"negative","user":"[redacted]"}',
      },
    ]);
  });

  it("never alters the served response, whatever blue and green answer", async () => {
    await shadowFlag("sh-prop", { timeoutMs: 50 });
    const answer = fc.record({
      status: fc.constantFrom(200, 201, 400, 404, 500, 503),
      body: fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      ),
    });
    const greenBehaviour = fc.oneof(
      answer.map((a) => ({ kind: "json" as const, ...a })),
      fc.constant({ kind: "throw" as const }),
      fc.constant({ kind: "hang" as const }),
    );
    await fc.assert(
      fc.asyncProperty(answer, greenBehaviour, async (blue, green) => {
        origins.set("blue.test", { kind: "json", ...blue });
        origins.set("green.test", green);
        const { response, bodyText } = await send("/sh-prop/predict", {
          body: "x",
          headers: { "x-user-id": "prop-user" },
        });
        expect(response.status).toBe(blue.status);
        expect(bodyText).toBe(typeof blue.body === "string" ? blue.body : JSON.stringify(blue.body));
        expect(response.headers.get("x-model-variant")).toBe("blue");
      }),
      { numRuns: 40 },
    );
  });

  it("answers before a hanging green gives up (ordering, not wall time)", async () => {
    await shadowFlag("sh-hang", { timeoutMs: 200 });
    origins.set("green.test", { kind: "hang" });
    const { response, eventsAtResponse } = await send("/sh-hang/predict", {
      body: "{}",
      headers: { "x-user-id": "u1" },
    });
    expect(response.status).toBe(200);
    expect(eventsAtResponse).toContain("blue.test:end");
    expect(eventsAtResponse).not.toContain("green.test:end");
    expect(origins.events).toContain("green.test:end"); // aborted later by its own timeout
    expect(await rows("sh-hang", "shadow")).toMatchObject([
      { timeout: 1, error: 1, shadowAgreement: 0, comparatorReason: "green_timeout" },
    ]);
  });

  it("tees a streaming request body so blue and green both get all of it", async () => {
    await shadowFlag("sh-stream");
    const chunks = ['{"text":', '"chunked ', 'body"}'];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    await send("/sh-stream/predict", { body: stream, headers: { "x-user-id": "u1" } });
    const bodies = origins.seen.map((seen) => [seen.host, seen.body]);
    expect(bodies).toEqual(
      expect.arrayContaining([
        ["blue.test", chunks.join("")],
        ["green.test", chunks.join("")],
      ]),
    );
  });

  it("does not mirror bodies over the cap, declared or streamed, and counts them", async () => {
    await shadowFlag("sh-cap", { maxBodyBytes: 16 });
    await send("/sh-cap/predict", { body: "x".repeat(100), headers: { "x-user-id": "u1" } });
    const streamed = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(40));
        c.close();
      },
    });
    const { response, bodyText } = await send("/sh-cap/predict", { body: streamed, headers: { "x-user-id": "u2" } });
    expect(response.status).toBe(200);
    expect(JSON.parse(bodyText).echo).toHaveLength(40);
    expect(origins.seen.filter((seen) => seen.host === "green.test")).toHaveLength(0);
    expect((await rows("sh-cap", "shadow")).map((row) => row.comparatorReason)).toEqual([
      "skipped_too_large",
      "skipped_too_large",
    ]);
  });

  it("samples per unit, stickily", async () => {
    await shadowFlag("sh-sample", { sampleRate: 50 });
    const users = Array.from({ length: 60 }, (_, i) => `sample-user-${i}`);
    const mirroredOnce = new Set<string>();
    for (const round of [1, 2]) {
      for (const user of users) {
        const before = origins.seen.length;
        await send("/sh-sample/predict", { body: "{}", headers: { "x-user-id": user } });
        const mirrored = origins.seen.slice(before).some((seen) => seen.host === "green.test");
        if (round === 1 && mirrored) mirroredOnce.add(user);
        if (round === 2) expect(mirrored).toBe(mirroredOnce.has(user));
      }
    }
    expect(mirroredOnce.size).toBeGreaterThan(15);
    expect(mirroredOnce.size).toBeLessThan(45);
  });

  it("never mirrors pinned or killed traffic", async () => {
    await shadowFlag("sh-kill");
    await env.DB.prepare("UPDATE flags SET kill_switch = 1, version = version + 1 WHERE key = 'sh-kill'").run();
    await send("/sh-kill/predict", { body: "{}", headers: { "x-user-id": "u1" } });
    expect(origins.seen.filter((seen) => seen.host === "green.test")).toHaveLength(0);
  });

  it("reports agreement, latency and a recommendation from the admin API", async () => {
    await shadowFlag("sh-report", { exampleRate: 1, thresholds: { minSamples: 4 } });
    origins.set("blue.test", { kind: "json", body: { label: "a" } });
    for (const [i, label] of ["a", "a", "a", "b", "a"].entries()) {
      origins.set("green.test", { kind: "json", body: { label } });
      await send("/sh-report/predict", { body: "{}", headers: { "x-user-id": `report-${i}` } });
    }
    const response = await adminCall("GET", "/flags/sh-report/shadow");
    expect(response.status).toBe(200);
    const report = await json(response);
    expect(report).toMatchObject({
      flag: "sh-report",
      rolloutId: "sh-report-r",
      samples: 5,
      recommendation: "INVESTIGATE_DISAGREEMENT",
    });
    expect(report.agreement.rate).toBeCloseTo(0.8, 9);
    expect(report.topDisagreements).toHaveLength(1);
    expect(report.topDisagreements[0]).toMatchObject({ reason: "label_mismatch" });
    expect((await adminCall("GET", "/flags/nope/shadow")).status).toBe(404);
    expect((await adminCall("GET", "/flags/sh-report/shadow", { token: null })).status).toBe(401);
  });
});
