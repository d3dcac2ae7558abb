// Hostile and malformed input on the proxy path, and dependency faults the
// routing tests do not cover: the router keeps answering, never with a 500 of
// its own, and records what happened.
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { FlagCache } from "../../src/edge/flag-cache";
import { isRelayableStatus } from "../../src/edge/responses";
import { reconcileSnapshots } from "../../src/store/snapshot-publish";
import { createSnapshotStore } from "../../src/store/snapshot-store";
import { callProxy, useFakeOrigins } from "../helpers/proxy-call";
import { outcomeRows, seedFlag, seedOverride } from "../helpers/seed";

const call = callProxy;
const fakes = useFakeOrigins();

describe("hostile input on the proxy path", () => {
  it("streams a large request body to the origin without buffering it whole", async () => {
    await seedFlag(env.DB, { key: "big-body" });
    const chunk = new Uint8Array(64 * 1024).fill(97);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled++ === 64)
          controller.close(); // 4 MiB in 64 KiB chunks
        else controller.enqueue(chunk);
      },
    });
    const response = await call("/big-body/predict", { body, headers: { "x-user-id": "u" } });
    expect(response.status).toBe(200);
    expect(fakes.current.seen[0]!.body.length).toBe(64 * 64 * 1024);
  });

  it("survives huge and numerous headers", async () => {
    await seedFlag(env.DB, { key: "big-headers" });
    const headers: Record<string, string> = { "x-user-id": "u", "x-huge": "h".repeat(32 * 1024) };
    for (let i = 0; i < 100; i++) headers[`x-h-${i}`] = String(i);
    const response = await call("/big-headers/predict", { headers });
    expect(response.status).toBe(200);
    expect(fakes.current.seen[0]!.headers.get("x-huge")?.length).toBe(32 * 1024);
  });

  it.each([
    ["garbage", ';;==;%%%; sy_uid=; =; "";'],
    ["bad escapes", "sy_uid=%E0%A4%A; a=%"],
    ["script in the id cookie", "sy_uid=<script>alert(1)</script>"],
    ["very long", `sy_uid=${"x".repeat(8000)}`],
  ])("ignores an invalid cookie header (%s) and issues a clean id", async (_name, cookie) => {
    await seedFlag(env.DB, { key: `cookie-${_name.replace(/\W/g, "")}` });
    const response = await call(`/cookie-${_name.replace(/\W/g, "")}/predict`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toMatch(/^sy_uid=[0-9a-f-]{36};/);
  });

  it("ignores spoofed routing headers for the decision", async () => {
    await seedFlag(env.DB, { key: "spoof" });
    const response = await call("/spoof/predict", {
      headers: { "x-user-id": "u", "x-model-variant": "green", "x-flag-reason": "OVERRIDE" },
    });
    expect(response.headers.get("x-model-variant")).toBe("blue");
    expect(response.headers.get("x-flag-reason")).toBe("DEFAULT");
    expect(fakes.current.seen[0]!.host).toBe("blue.test");
  });

  it("does not let dot segments escape a route into another surface", async () => {
    await seedFlag(env.DB, { key: "trav", routePath: "/trav/:model/predict" });
    // The URL parser resolves dot segments first, so this is a request for /admin/api/flags.
    const escaped = await call("/trav/../../admin/api/flags", { method: "GET" });
    expect(escaped.status).toBe(401);
    const encoded = await call("/trav/..%2F..%2Fadmin/predict", { headers: { "x-user-id": "u" } });
    expect(encoded.status).toBe(200); // one opaque segment, forwarded verbatim
    expect(fakes.current.seen.at(-1)!.path).toBe("/trav/..%2F..%2Fadmin/predict");
    expect((await call("/trav/a/b/predict")).status).toBe(404);
  });

  it("rejects a request id that is not safe to echo and mints its own", async () => {
    await seedFlag(env.DB, { key: "rid" });
    const response = await call("/rid/predict", { headers: { "x-request-id": "bad id <script>" } });
    expect(response.headers.get("x-request-id")).not.toBe("bad id <script>");
    expect(response.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});

describe("Expect: 100-continue and interim origin statuses", () => {
  const streamOf = (bytes: number) => {
    const chunk = new Uint8Array(64 * 1024).fill(98);
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes) return controller.close();
        const part = chunk.subarray(0, Math.min(chunk.byteLength, bytes - sent));
        sent += part.byteLength;
        controller.enqueue(part);
      },
    });
  };

  it.each([
    ["a small body", 12],
    ["a body over 1 MiB (what curl sends it with)", 2 * 1024 * 1024],
  ])("serves %s sent with Expect: 100-continue and never forwards the expectation", async (_name, bytes) => {
    const key = `expect-${bytes}`;
    await seedFlag(env.DB, { key });
    const response = await call(`/${key}/predict`, {
      body: streamOf(bytes),
      headers: { "x-user-id": "u", expect: "100-continue" },
    });
    expect(response.status).toBe(200);
    expect(fakes.current.seen[0]!.headers.has("expect")).toBe(false);
    expect(fakes.current.seen[0]!.body.length).toBe(bytes);
    expect(await outcomeRows(env.DB, key)).toMatchObject([{ status: 200, error: 0 }]);
  });

  it.each([100, 101, 102, 103])(
    "an origin answering %i is the router's 502 origin_unavailable with one error outcome",
    async (status) => {
      const key = `interim-${status}`;
      await seedFlag(env.DB, { key });
      // workerd cannot construct such a Response, so the fake hands back its shape.
      vi.mocked(globalThis.fetch).mockImplementationOnce(
        async () => ({ status, statusText: "", headers: new Headers(), body: null }) as unknown as Response,
      );
      const response = await call(`/${key}/predict`, {
        body: "{}",
        headers: { "x-user-id": "u", expect: "100-continue" },
      });
      expect(response.status).toBe(502);
      expect(response.headers.get("x-model-variant")).toBe("blue");
      expect(await response.json()).toMatchObject({ error: { code: "origin_unavailable" } });
      expect(await outcomeRows(env.DB, key)).toMatchObject([{ variant: "blue", status: 0, error: 1, timeout: 0 }]);
    },
  );

  it.each([
    [99, false],
    [100, false],
    [101, false],
    [199, false],
    [200, true],
    [204, true],
    [304, true],
    [599, true],
    [600, false],
  ])("isRelayableStatus(%i) is %s", (status, expected) => {
    expect(isRelayableStatus(status)).toBe(expected);
  });
});

describe("dependency faults", () => {
  it("streams a slow origin body through (the timeout bounds time to headers)", async () => {
    await seedFlag(env.DB, { key: "slow-body", timeoutMs: 100 });
    vi.mocked(globalThis.fetch).mockImplementationOnce(async () => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 60));
          if (sent++ === 3) controller.close();
          else controller.enqueue(new TextEncoder().encode(`part${sent};`));
        },
      });
      return new Response(body, { status: 200 });
    });
    const response = await call("/slow-body/predict", { headers: { "x-user-id": "u" } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("part1;part2;part3;");
  });

  it("passes a truncated origin body on as an error to the client, and still records the outcome", async () => {
    await seedFlag(env.DB, { key: "truncated" });
    vi.mocked(globalThis.fetch).mockImplementationOnce(async () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"partial":'));
          controller.error(new Error("connection reset mid-body"));
        },
      });
      return new Response(body, { status: 200 });
    });
    const response = await call("/truncated/predict", { headers: { "x-user-id": "u" } });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(await outcomeRows(env.DB, "truncated")).toHaveLength(1);
  });

  it("a cold isolate serves from KV when D1 is unavailable (hybrid mode)", async () => {
    await seedFlag(env.DB, { key: "d1-down" });
    await seedOverride(env.DB, "d1-down", "pinned", "green");
    await reconcileSnapshots(env.DB, env.SNAPSHOTS);
    const brokenD1 = {
      prepare: () => {
        throw new Error("D1_ERROR: no such table: flags");
      },
      batch: () => {
        throw new Error("D1 down");
      },
    } as unknown as D1Database;
    const cache = new FlagCache(
      createSnapshotStore(brokenD1, env.SNAPSHOTS, "hybrid"),
      { now: () => 0 },
      { probeIntervalMs: 5000 },
    );
    const entry = await cache.match("POST", "router.example", "/d1-down/predict");
    expect(entry).toMatchObject({ key: "d1-down" });
    const lookup = await cache.flag(entry as never);
    expect(lookup.ok && lookup.flag.overrides.get("pinned")).toBe("green");
  });

  it("a cold isolate with D1 and KV both down answers 503 store_unavailable, never 500", async () => {
    const brokenD1 = {
      prepare: () => {
        throw new Error("D1 down");
      },
    } as unknown as D1Database;
    const brokenKv = {
      get: async () => {
        throw new Error("KV down");
      },
    } as unknown as KVNamespace;
    const cache = new FlagCache(
      createSnapshotStore(brokenD1, brokenKv, "hybrid"),
      { now: () => 0 },
      { probeIntervalMs: 5000 },
    );
    expect(await cache.match("POST", "h", "/x")).toBe("unavailable");
  });

  it("garbage in KV falls back to D1 for the snapshot", async () => {
    await seedFlag(env.DB, { key: "kv-garbage" });
    await seedOverride(env.DB, "kv-garbage", "pinned", "green");
    await env.SNAPSHOTS.put("flag:v1:kv-garbage", "\u0000not json");
    const response = await call("/kv-garbage/predict", { headers: { "x-user-id": "pinned" } });
    expect(response.headers.get("x-flag-reason")).toBe("OVERRIDE");
  });

  it("an embedded-store write failure drops outcomes with a count instead of failing requests", async () => {
    await seedFlag(env.DB, { key: "outcomes-down" });
    const batch = vi.spyOn(env.DB, "batch").mockRejectedValue(new Error("D1 write failed"));
    const response = await call("/outcomes-down/predict", { headers: { "x-user-id": "u" } });
    expect(response.status).toBe(200);
    batch.mockRestore();
    const health = (await (await call("/_switchyard/healthz", { method: "GET" })).json()) as {
      outcomes: { dropped: number };
    };
    expect(health.outcomes.dropped).toBeGreaterThanOrEqual(1);
  });
});
