// GET /admin/api/flags/:key/series (the charts' data) and GET /whoami.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createFlag, json, mintToken } from "../admin/helpers";
import { page, seedOutcomes, signIn } from "./helpers";

const KEY = "dash-series";

beforeAll(async () => {
  await createFlag(KEY);
  const now = Date.now();
  // 20 blue requests in the current minute, latencies 1..20 ms, 2 errors.
  await seedOutcomes(
    KEY,
    Array.from({ length: 20 }, (_, i) => ({
      ts: now - 1_000,
      variant: "blue" as const,
      latencyMs: i + 1,
      error: i < 2,
    })),
  );
  // 4 green requests, 1 timeout; plus rows that must not count: a shadow pair, a feedback row, an OFREP decision-only row, a row outside the window.
  await seedOutcomes(KEY, [
    ...Array.from({ length: 4 }, (_, i) => ({
      ts: now - 1_000,
      variant: "green" as const,
      latencyMs: 100 * (i + 1),
      timeout: i === 0,
    })),
    { ts: now - 1_000, variant: "green", latencyMs: 9_999, error: true, kind: "shadow" },
    { ts: now - 1_000, variant: "green", latencyMs: 0, feedback: 1 },
    { ts: now - 1_000, variant: "green", latencyMs: 0, stage: "ofrep:25" },
    { ts: now - 3 * 3600_000, variant: "blue", latencyMs: 5 },
  ]);
});

describe("series", () => {
  it("buckets served requests per variant with rates and nearest-rank p95", async () => {
    const response = await call("GET", `/flags/${KEY}/series?hours=1&bucketMinutes=5`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.buckets).toHaveLength(12);
    expect(body.toMs - body.fromMs).toBe(3600_000);
    expect(body.toMs % body.bucketMs).toBe(0);
    expect(body.toMs).toBeGreaterThan(Date.now() - 1);
    // Every row was written with the same timestamp, so exactly one bucket holds them all.
    const index = body.series.blue.findIndex((b: { requests: number }) => b.requests > 0);
    expect(index).toBeGreaterThanOrEqual(body.buckets.length - 2);
    expect(body.series.blue[index]).toEqual({
      requests: 20,
      errors: 2,
      timeouts: 0,
      errorRate: 0.1,
      timeoutRate: 0,
      p95Ms: 19,
      costPer1kUsd: null,
    });
    expect(body.series.green[index]).toEqual({
      requests: 4,
      errors: 0,
      timeouts: 1,
      errorRate: 0,
      timeoutRate: 0.25,
      p95Ms: 400,
      costPer1kUsd: null,
    });
    const total = (variant: "blue" | "green") =>
      body.series[variant].reduce((n: number, b: { requests: number }) => n + b.requests, 0);
    expect([total("blue"), total("green")]).toEqual([20, 4]);
    expect(body.series.blue[0]).toEqual({
      requests: 0,
      errors: 0,
      timeouts: 0,
      errorRate: null,
      timeoutRate: null,
      p95Ms: null,
      costPer1kUsd: null,
    });
  });

  it("gives cost per 1 000 requests over those whose cost is known, and the flag page draws it", async () => {
    const key = "dash-series-cost";
    await createFlag(key);
    const now = Date.now();
    await seedOutcomes(key, [
      { ts: now - 1_000, variant: "blue", latencyMs: 10, costUsd: 0.001 },
      { ts: now - 1_000, variant: "blue", latencyMs: 10, costUsd: 0.003 },
      // Usage unknown: a request, but no cost (never counted as $0).
      { ts: now - 1_000, variant: "blue", latencyMs: 10 },
      { ts: now - 1_000, variant: "green", latencyMs: 10, costUsd: 0.006 },
    ]);
    const body = await json(await call("GET", `/flags/${key}/series?hours=1&bucketMinutes=5`));
    const last = (variant: "blue" | "green") => body.series[variant].find((b: { requests: number }) => b.requests > 0);
    expect(last("blue").requests).toBe(3);
    expect(last("blue").costPer1kUsd).toBeCloseTo(2, 12);
    expect(last("green").costPer1kUsd).toBeCloseTo(6, 12);
    const cookie = await signIn();
    const chart = '<figure class="chart" id="chart-cost">';
    expect(await (await page("GET", `/admin/flags/${key}`, { cookie })).text()).toContain(chart);
    expect(await (await page("GET", `/admin/flags/${KEY}`, { cookie })).text()).not.toContain(chart);
  });

  it("defaults to 6 h in 5-minute buckets and validates its query", async () => {
    expect((await json(await call("GET", `/flags/${KEY}/series`))).buckets).toHaveLength(72);
    expect((await call("GET", `/flags/${KEY}/series?hours=168&bucketMinutes=1`)).status).toBe(400);
    expect((await call("GET", `/flags/${KEY}/series?hours=0`)).status).toBe(400);
    expect((await call("GET", `/flags/${KEY}/series?unknown=1`)).status).toBe(400);
    expect((await call("GET", `/flags/${KEY}/series?hours=1&minutes=15`)).status).toBe(400);
    expect((await call("GET", `/flags/${KEY}/series?minutes=0`)).status).toBe(400);
    expect((await call("GET", "/flags/nope/series")).status).toBe(404);
  });

  it("takes a window under an hour in minutes (the dashboard's 15-minute chart)", async () => {
    const body = await json(await call("GET", `/flags/${KEY}/series?minutes=15&bucketMinutes=1`));
    expect(body.buckets).toHaveLength(15);
    expect(body.toMs - body.fromMs).toBe(15 * 60_000);
    expect(body.series.blue.reduce((n: number, b: { requests: number }) => n + b.requests, 0)).toBe(20);
  });

  it("needs only the read scope", async () => {
    expect(
      (await call("GET", `/flags/${KEY}/series`, { token: await mintToken("read", "series-reader") })).status,
    ).toBe(200);
    expect((await call("GET", `/flags/${KEY}/series`, { token: null })).status).toBe(401);
  });
});

describe("whoami", () => {
  it("names the actor and scope, never the secret", async () => {
    const token = await mintToken("operate", "whoami-op");
    const body = await json(await call("GET", "/whoami", { token }));
    expect(body.scope).toBe("operate");
    expect(body.actor).toMatch(/^tok_/);
    expect(JSON.stringify(body)).not.toContain(token);
  });
});
