// POST /feedback through the real Worker: signed request ids attribute
// ground truth to the variant/rollout/stage/rule that served the request;
// forged, expired and unknown ids are refused with the error shape; the
// embedded reader then counts the feedback for the health loop.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { mintRequestId, readRequestId, requestIdKey } from "../../src/edge/request-id";
import { DEV_REQUEST_ID_SECRET } from "../../src/feedback/ids";
import { createEmbeddedReader } from "../../src/store/embedded-metrics-reader";
import { drive, seedHealthFlag, stage, startRollout } from "../cron/helpers";
import { installModels } from "../helpers/fake-origins";
import { outcomeRows } from "../helpers/seed";

afterEach(() => {
  vi.restoreAllMocks();
});

async function feedback(body: unknown) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request("https://router.example/feedback", {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: response.status, body: (await response.json()) as any };
}

const base = {
  flagKey: "fb",
  variant: "green" as const,
  rolloutId: "r-fb",
  stage: "serve:50",
  ruleId: null,
  reason: "SPLIT",
};

describe("signed request ids", () => {
  it("round-trip, and any edit breaks the signature", async () => {
    const key = await requestIdKey("k1");
    const id = await mintRequestId(key, { ...base, issuedAtMs: 1000 }, "n1");
    expect(await readRequestId(key, id, 2000, 10_000)).toEqual({ ok: true, value: { ...base, issuedAtMs: 1000 } });
    const [v, payload, mac] = id.split(".");
    const edited = `${v}.${payload!.slice(0, -2)}${payload!.slice(-2) === "AA" ? "BB" : "AA"}.${mac}`;
    expect(await readRequestId(key, edited, 2000, 10_000)).toMatchObject({ ok: false });
    expect(await readRequestId(await requestIdKey("other"), id, 2000, 10_000)).toEqual({
      ok: false,
      error: "bad_signature",
    });
    expect(await readRequestId(key, id, 50_000, 10_000)).toEqual({ ok: false, error: "expired" });
    expect(await readRequestId(key, "550e8400-e29b-41d4-a716-446655440000", 2000, 10_000)).toEqual({
      ok: false,
      error: "malformed",
    });
  });
});

describe("POST /feedback", () => {
  it("records feedback attributed to the request's variant, rollout and stage, and the reader counts it", async () => {
    installModels({});
    await seedHealthFlag("fb");
    await startRollout("fb", "r-fb", [stage("serve", 50, 10), stage("serve", 100, 10)]);
    const served = await drive("fb", 20);
    const ids = served.map((r) => ({ id: r.headers.get("x-request-id")!, variant: r.headers.get("x-model-variant")! }));
    expect(ids.every(({ id }) => id.startsWith("sy1."))).toBe(true);
    for (const [i, { id }] of ids.entries())
      expect((await feedback({ requestId: id, success: i % 4 !== 0 })).status).toBe(202);
    const rows = (await outcomeRows(env.DB, "fb")).filter((row) => row.feedbackValue !== null);
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      const original = ids.find(({ id }) => id === row.requestId)!;
      expect(row).toMatchObject({ variant: original.variant, rolloutId: "r-fb", stage: "serve:50", reason: "SPLIT" });
    }
    const groups = await createEmbeddedReader(env.DB).readWindow({
      flagKey: "fb",
      rolloutId: "r-fb",
      stage: "serve:50",
      fromMs: 0,
      toMs: Date.now() + 1,
    });
    const total = groups.reduce((sum, g) => sum + g.metrics.feedbackTotal, 0);
    const successes = groups.reduce((sum, g) => sum + g.metrics.feedbackSuccesses, 0);
    const requests = groups.reduce((sum, g) => sum + g.metrics.requests, 0);
    expect({ total, successes, requests }).toEqual({ total: 20, successes: 15, requests: 20 });
  });

  it("refuses forged, expired and unknown ids and bodies without a metric", async () => {
    const key = await requestIdKey(DEV_REQUEST_ID_SECRET);
    const forged = await mintRequestId(await requestIdKey("not-the-secret"), { ...base, issuedAtMs: Date.now() }, "x");
    expect(await feedback({ requestId: forged, success: true })).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_request_id" } },
    });
    const old = await mintRequestId(key, { ...base, issuedAtMs: Date.now() - 30 * 24 * 3600 * 1000 }, "x");
    expect(await feedback({ requestId: old, success: true })).toMatchObject({
      status: 400,
      body: { error: { code: "expired_request_id" } },
    });
    const ghost = await mintRequestId(key, { ...base, flagKey: "ghost-flag", issuedAtMs: Date.now() }, "x");
    expect(await feedback({ requestId: ghost, success: true })).toMatchObject({
      status: 404,
      body: { error: { code: "not_found" } },
    });
    const fresh = await mintRequestId(
      key,
      { ...base, flagKey: "fb", rolloutId: "no-such-rollout", issuedAtMs: Date.now() },
      "x",
    );
    expect(await feedback({ requestId: fresh, success: true })).toMatchObject({ status: 404 });
    expect(await feedback({ requestId: forged, label: "positive" })).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_request" } },
    });
    expect(await feedback({ requestId: forged, value: -1 })).toMatchObject({ status: 400 });
  });
});
