// Webhook delivery: signature over timestamp.body, retries with backoff on
// 5xx/network errors, no retry on 4xx, and it never throws.
import { describe, expect, it } from "vitest";
import { sendWebhook, signWebhook, verifyWebhook } from "../../src/cron/webhook";

describe("sendWebhook", () => {
  it("signs, retries 5xx and network errors with backoff, then delivers", async () => {
    const sleeps: number[] = [];
    const calls: RequestInit[] = [];
    let n = 0;
    const fake = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      calls.push(init!);
      n++;
      if (n === 1) throw new TypeError("reset");
      return new Response("", { status: n === 2 ? 502 : 200 });
    }) as typeof fetch;
    const result = await sendWebhook({
      url: "https://hooks.example/x",
      secret: "s3",
      payload: { a: 1 },
      now: 1_700_000_000_000,
      fetch: fake,
      sleep: async (ms) => void sleeps.push(ms),
      backoffMs: 10,
    });
    expect(result).toEqual({ delivered: true, attempts: 3, status: 200, error: null });
    expect(sleeps).toEqual([10, 20]);
    const headers = new Headers(calls[2]!.headers);
    expect(headers.get("x-switchyard-timestamp")).toBe("1700000000");
    expect(headers.get("x-switchyard-signature")).toBe(await signWebhook("s3", 1_700_000_000, '{"a":1}'));
    expect(await verifyWebhook("s3", 1_700_000_000, '{"a":1}', headers.get("x-switchyard-signature")!)).toBe(true);
    expect(await verifyWebhook("s3", 1_700_000_001, '{"a":1}', headers.get("x-switchyard-signature")!)).toBe(false);
  });

  it("gives up at once on a 4xx and after the last attempt otherwise, without throwing", async () => {
    const gone = await sendWebhook({
      url: "https://hooks.example/x",
      secret: "s",
      payload: {},
      now: 0,
      fetch: (async () => new Response("", { status: 410 })) as typeof fetch,
      sleep: async () => undefined,
    });
    expect(gone).toMatchObject({ delivered: false, attempts: 1, status: 410 });
    const down = await sendWebhook({
      url: "https://hooks.example/x",
      secret: "s",
      payload: {},
      now: 0,
      attempts: 3,
      fetch: (async () => {
        throw new Error("down");
      }) as typeof fetch,
      sleep: async () => undefined,
    });
    expect(down).toMatchObject({ delivered: false, attempts: 3, error: "down" });
  });
});
