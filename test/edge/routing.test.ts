import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { snapshotKvKey } from "../../src/store/snapshot-store";
import { callProxy, useFakeOrigins } from "../helpers/proxy-call";
import { bumpVersion, outcomeRows, seedFlag, seedOverride, seedRollout, seedSegmentRule } from "../helpers/seed";

const call = callProxy;
const fakes = useFakeOrigins();

describe("routing through the real Worker", () => {
  it("forwards to blue by default with the routing headers and records one outcome", async () => {
    await seedFlag(env.DB, { key: "basic" });
    const response = await call("/basic/predict?x=1", { body: '{"text":"hi"}', headers: { "x-user-id": "u1" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-model-variant")).toBe("blue");
    expect(response.headers.get("x-flag-reason")).toBe("DEFAULT");
    expect(response.headers.get("x-request-id")).toMatch(/^sy1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/); // signed, self-describing (src/edge/request-id.ts)
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.json()).toEqual({ model: "blue", echo: '{"text":"hi"}' });
    expect(fakes.current.seen[0]).toMatchObject({ host: "blue.test", method: "POST", path: "/basic/predict?x=1" });
    const rows = await outcomeRows(env.DB, "basic");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      variant: "blue",
      reason: "DEFAULT",
      status: 200,
      error: 0,
      timeout: 0,
      requestId: response.headers.get("x-request-id"),
    });
  });

  it("routes a pinned user to green and a 100 % rollout to green with SPLIT", async () => {
    await seedFlag(env.DB, { key: "pins" });
    await seedOverride(env.DB, "pins", "qa", "green");
    const pinned = await call("/pins/predict", { headers: { "x-user-id": "qa" } });
    expect(pinned.headers.get("x-model-variant")).toBe("green");
    expect(pinned.headers.get("x-flag-reason")).toBe("OVERRIDE");
    expect(((await pinned.json()) as { model: string }).model).toBe("green");
    await seedRollout(env.DB, "pins", "r-100", 100);
    const split = await call("/pins/predict", { headers: { "x-user-id": "someone" } });
    expect(split.headers.get("x-model-variant")).toBe("green");
    expect(split.headers.get("x-flag-reason")).toBe("SPLIT");
  });

  it("matches segments on headers, query and request.cf", async () => {
    await seedFlag(env.DB, { key: "seg" });
    await seedSegmentRule(env.DB, "seg", {
      id: "beta",
      position: 0,
      segmentKey: "beta-plan",
      constraints: [{ attribute: "query.plan", operator: "eq", values: ["beta"] }],
      variant: "green",
    });
    const beta = await call("/seg/predict?plan=beta", { headers: { "x-user-id": "u" } });
    expect(beta.headers.get("x-flag-reason")).toBe("SEGMENT_MATCH");
    expect(beta.headers.get("x-model-variant")).toBe("green");
    const other = await call("/seg/predict?plan=free", { headers: { "x-user-id": "u" } });
    expect(other.headers.get("x-flag-reason")).toBe("DEFAULT");
    const rows = await outcomeRows(env.DB, "seg");
    expect(rows.map((row) => row.ruleId)).toEqual(["beta", null]);
  });

  it("keeps a user on the same variant across requests at 50 %", async () => {
    await seedFlag(env.DB, { key: "sticky" });
    await seedRollout(env.DB, "sticky", "r-sticky", 50);
    for (const user of ["alice", "bob", "carol", "dave"]) {
      const variants = new Set<string | null>();
      for (let i = 0; i < 5; i++)
        variants.add(
          (await call("/sticky/predict", { headers: { "x-user-id": user } })).headers.get("x-model-variant"),
        );
      expect(variants.size).toBe(1);
    }
  });

  it("issues a first-party id cookie to anonymous users and honours it next time", async () => {
    await seedFlag(env.DB, { key: "anon" });
    await seedRollout(env.DB, "anon", "r-anon", 50);
    const first = await call("/anon/predict");
    const cookie = first.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^sy_uid=[0-9a-f-]{36}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/); // DEV_MODE=1: no Secure on http dev
    const id = cookie.split(";")[0]!;
    const again = await call("/anon/predict", { headers: { cookie: id } });
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(again.headers.get("x-model-variant")).toBe(first.headers.get("x-model-variant"));
  });

  it.each([
    ["GET", "/", "nr-root"],
    ["GET", "/nothing/here", "nr-deep"],
    ["POST", "/nr-prefix", "nr-prefix"],
  ])("answers %s %s with a 404 in the error shape that points to the dashboard and docs", async (method, path, key) => {
    await seedFlag(env.DB, { key });
    const before = (await outcomeRows(env.DB)).length;
    const response = await call(path, { method });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error).toEqual({
      code: "no_route",
      message: `No flag routes ${method} ${path}; flags and their routes are managed at /admin`,
      details: {
        requestId: response.headers.get("x-request-id"),
        dashboard: "/admin",
        adminApi: "/admin/api",
        docs: expect.stringContaining("README"),
      },
    });
    expect(await outcomeRows(env.DB)).toHaveLength(before);
  });

  it("lets a literal prefix win over parameters, whatever their count (/v1/* over /:a/:b/*)", async () => {
    await seedFlag(env.DB, { key: "prec-params", routePath: "/:a/:b/*", routeHost: "prec.example" });
    await seedFlag(env.DB, { key: "prec-literal", routePath: "/v1/*", routeHost: "prec.example" });
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://prec.example/v1/x/y", { method: "POST", headers: { "x-user-id": "u" } }),
      env,
      ctx,
    );
    // The outcome is recorded when the body has ended: read it, as a client would, before waiting.
    await response.arrayBuffer();
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect(await outcomeRows(env.DB, "prec-literal")).toHaveLength(1);
    expect(await outcomeRows(env.DB, "prec-params")).toHaveLength(0);
  });

  it("does not route a method the flag does not configure", async () => {
    await seedFlag(env.DB, { key: "method" });
    expect((await call("/method/predict", { method: "GET" })).status).toBe(404);
  });

  it("strips switchyard credentials, hop-by-hop and spoofed routing headers before forwarding", async () => {
    await seedFlag(env.DB, { key: "hygiene" });
    await call("/hygiene/predict", {
      headers: {
        authorization: "Bearer syk_secret",
        "x-api-key": "syk_other",
        "x-model-variant": "green",
        "x-flag-reason": "OVERRIDE",
        connection: "keep-alive, x-drop-me",
        "x-drop-me": "1",
        "x-keep": "1",
        cookie: "sy_admin=abc; theme=dark",
      },
    });
    const headers = fakes.current.seen[0]!.headers;
    for (const name of ["authorization", "x-api-key", "x-model-variant", "x-flag-reason", "x-drop-me"])
      expect(headers.get(name)).toBeNull();
    expect(headers.get("x-keep")).toBe("1");
    expect(headers.get("cookie")).toBe("theme=dark");
    expect(headers.get("x-request-id")).toMatch(/.+/);
  });

  it("keeps a user's own Authorization header that is not a switchyard token", async () => {
    await seedFlag(env.DB, { key: "userauth" });
    await call("/userauth/predict", { headers: { authorization: "Bearer user-jwt" } });
    expect(fakes.current.seen[0]!.headers.get("authorization")).toBe("Bearer user-jwt");
  });
});

describe("origin failures", () => {
  it("fails over from green to blue but records the green error", async () => {
    await seedFlag(env.DB, { key: "fo", failover: true });
    await seedOverride(env.DB, "fo", "u", "green");
    fakes.current.set("green.test", { kind: "json", status: 503 });
    const response = await call("/fo/predict", { body: "payload", headers: { "x-user-id": "u" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-model-variant")).toBe("blue");
    expect(response.headers.get("x-flag-failover")).toBe("green->blue");
    expect(await response.json()).toMatchObject({ model: "blue", echo: "payload" });
    expect(fakes.current.seen.map((seen) => [seen.host, seen.body])).toEqual([
      ["green.test", "payload"],
      ["blue.test", "payload"],
    ]);
    const [row] = await outcomeRows(env.DB, "fo");
    expect(row).toMatchObject({ variant: "green", status: 503, error: 1 });
  });

  it("passes green's 5xx through when failover is off, recorded as an error", async () => {
    await seedFlag(env.DB, { key: "nofo" });
    await seedOverride(env.DB, "nofo", "u", "green");
    fakes.current.set("green.test", { kind: "json", status: 500, body: { oops: true } });
    const response = await call("/nofo/predict", { headers: { "x-user-id": "u" } });
    expect(response.status).toBe(500);
    expect(response.headers.get("x-model-variant")).toBe("green");
    expect((await outcomeRows(env.DB, "nofo"))[0]).toMatchObject({ error: 1, status: 500 });
  });

  it("answers 502 origin_unavailable with the request id when the origin is unreachable", async () => {
    await seedFlag(env.DB, { key: "down" });
    fakes.current.set("blue.test", { kind: "throw" });
    const response = await call("/down/predict", { headers: { "x-request-id": "req-123" } });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      error: { code: "origin_unavailable", message: expect.any(String), details: { requestId: "req-123" } },
    });
    expect((await outcomeRows(env.DB, "down"))[0]).toMatchObject({ error: 1, status: 0, requestId: "req-123" });
  });

  it("answers 504 origin_timeout after the flag's timeout", async () => {
    await seedFlag(env.DB, { key: "slow", timeoutMs: 50 });
    fakes.current.set("blue.test", { kind: "hang" });
    const response = await call("/slow/predict");
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("origin_timeout");
    expect((await outcomeRows(env.DB, "slow"))[0]).toMatchObject({ error: 1, timeout: 1 });
  });

  it("aborts a timed-out green before failing over, so green stops working on it", async () => {
    await seedFlag(env.DB, { key: "fo-slow", failover: true, timeoutMs: 50 });
    await seedOverride(env.DB, "fo-slow", "u", "green");
    fakes.current.set("green.test", { kind: "hang" });
    const response = await call("/fo-slow/predict", { body: "payload", headers: { "x-user-id": "u" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-flag-failover")).toBe("green->blue");
    // Ordering, not wall time: green's exchange ended (aborted) before blue's began.
    expect(fakes.current.events).toEqual(["green.test:start", "green.test:end", "blue.test:start", "blue.test:end"]);
    expect((await outcomeRows(env.DB, "fo-slow"))[0]).toMatchObject({ variant: "green", timeout: 1, error: 1 });
  });
});

describe("flag state failures", () => {
  it("serves blue with ERROR when the snapshot is invalid and none was ever good", async () => {
    await seedFlag(env.DB, { key: "broken", greenOrigin: JSON.stringify({ url: "not a url" }) });
    const response = await call("/broken/predict", { headers: { "x-user-id": "u" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-model-variant")).toBe("blue");
    expect(response.headers.get("x-flag-reason")).toBe("ERROR");
    expect((await outcomeRows(env.DB, "broken"))[0]).toMatchObject({ reason: "ERROR", variant: "blue" });
  });

  it("keeps serving the last good snapshot when a newer version cannot be read", async () => {
    await seedFlag(env.DB, { key: "lastgood" });
    await seedOverride(env.DB, "lastgood", "u", "green");
    expect((await call("/lastgood/predict", { headers: { "x-user-id": "u" } })).headers.get("x-flag-reason")).toBe(
      "OVERRIDE",
    );
    // A newer version whose snapshot fails validation must not replace the good one.
    await bumpVersion(env.DB, "lastgood", { blueOrigin: JSON.stringify({ url: "nope" }) });
    await env.SNAPSHOTS.put(snapshotKvKey("lastgood"), "{garbage");
    const response = await call("/lastgood/predict", { headers: { "x-user-id": "u" } });
    expect(response.headers.get("x-flag-reason")).toBe("OVERRIDE");
    expect(response.headers.get("x-model-variant")).toBe("green");
  });

  it("honours a kill switch from the index even before a new snapshot is readable", async () => {
    await seedFlag(env.DB, { key: "killme" });
    await seedOverride(env.DB, "killme", "u", "green");
    expect((await call("/killme/predict", { headers: { "x-user-id": "u" } })).headers.get("x-model-variant")).toBe(
      "green",
    );
    await bumpVersion(env.DB, "killme", { killSwitch: true, blueOrigin: JSON.stringify({ url: "nope" }) });
    const response = await call("/killme/predict", { headers: { "x-user-id": "u" } });
    expect(response.headers.get("x-flag-reason")).toBe("KILL_SWITCH");
    expect(response.headers.get("x-model-variant")).toBe("blue");
  });
});

describe("outcome recording", () => {
  it("writes one Analytics Engine point per request with the documented layout", async () => {
    const write = vi.spyOn(env.OUTCOMES, "writeDataPoint");
    await seedFlag(env.DB, { key: "ae" });
    await call("/ae/predict", { headers: { "x-user-id": "u", "x-request-id": "rid-1" } });
    expect(write).toHaveBeenCalledTimes(1);
    const point = write.mock.calls[0]![0]!;
    expect(point.indexes).toEqual(["ae"]);
    expect(point.blobs?.slice(0, 8)).toEqual(["blue", "DEFAULT", "", "none", "", "2xx", "local", "rid-1"]);
    expect(point.doubles?.[1]).toBe(200);
    expect(point.doubles?.[2]).toBe(0);
  });

  it("still answers and counts the drop when the Analytics Engine write throws", async () => {
    vi.spyOn(env.OUTCOMES, "writeDataPoint").mockImplementation(() => {
      throw new Error("AE down");
    });
    await seedFlag(env.DB, { key: "aefail" });
    const response = await call("/aefail/predict");
    expect(response.status).toBe(200);
    const health = (await (
      await worker.fetch(new Request("https://router.example/_switchyard/healthz"), env, createExecutionContext())
    ).json()) as { outcomes: { dropped: number } };
    expect(health.outcomes.dropped).toBeGreaterThanOrEqual(1);
    expect(await outcomeRows(env.DB, "aefail")).toHaveLength(1);
  });
});
