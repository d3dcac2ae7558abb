// The official OpenFeature client against the Worker: @openfeature/server-sdk
// with OFREPProvider from @openfeature/ofrep-provider. The provider accepts a
// `fetchImplementation`; ours hands its Request straight to the Worker's
// fetch handler (no network in the Workers test pool), so the SDK's own
// request building and response parsing are what is tested.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { OpenFeature, type Client } from "@openfeature/server-sdk";
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { adminEnv, call, mintToken } from "../admin/helpers";
import { seedFlag, seedRollout } from "../helpers/seed";

let client: Client;
let requests = 0;

beforeAll(async () => {
  await seedFlag(env.DB, { key: "sdk-demo" });
  await seedRollout(env.DB, "sdk-demo", "r-sdk", 50);
  await seedFlag(env.DB, { key: "sdk-killed" });
  await seedFlag(env.DB, { key: "sdk-broken", greenOrigin: JSON.stringify({ url: "not a url" }) });
  const token = await mintToken("read", "sdk-reader");
  const provider = new OFREPProvider({
    baseUrl: "https://router.example",
    headers: { authorization: `Bearer ${token}` },
    fetchImplementation: async (input: RequestInfo | URL, init?: RequestInit) => {
      requests++;
      const ctx = createExecutionContext();
      const response = await worker.fetch(new Request(input, init), adminEnv, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
  });
  await OpenFeature.setProviderAndWait("switchyard", provider);
  client = OpenFeature.getClient("switchyard");
});

afterAll(async () => {
  await OpenFeature.close();
});

describe("OpenFeature server SDK + OFREP provider", () => {
  it("evaluates a seeded flag for a sticky user: same variant every time, SPLIT, rollout metadata", async () => {
    const first = await client.getStringDetails("sdk-demo", "fallback", { targetingKey: "user-42" });
    expect(first.errorCode).toBeUndefined();
    expect(["blue", "green"]).toContain(first.value);
    expect(first).toMatchObject({ flagKey: "sdk-demo", variant: first.value, reason: "SPLIT" });
    expect(first.flagMetadata).toMatchObject({ rolloutId: "r-sdk", stage: "serve:50", switchyardReason: "SPLIT" });
    for (let i = 0; i < 5; i++)
      expect(await client.getStringValue("sdk-demo", "fallback", { targetingKey: "user-42" })).toBe(first.value);
    // And the same answer the admin explain endpoint gives for that unit.
    const explained = (await (await call("GET", "/flags/sdk-demo/evaluate?unit=user-42")).json()) as {
      variant: string;
    };
    expect(first.value).toBe(explained.variant);
  });

  it("a kill-switched flag is blue with reason DISABLED", async () => {
    const killed = await call("POST", "/flags/sdk-killed/kill", { body: { reason: "sdk test" } });
    expect(killed.status).toBe(200);
    const details = await client.getStringDetails("sdk-killed", "fallback", { targetingKey: "user-42" });
    expect(details).toMatchObject({ value: "blue", variant: "blue", reason: "DISABLED" });
    expect(details.flagMetadata).toMatchObject({ switchyardReason: "KILL_SWITCH" });
  });

  it("a missing flag yields the caller's default with FLAG_NOT_FOUND", async () => {
    const details = await client.getStringDetails("sdk-missing", "fallback", { targetingKey: "user-42" });
    expect(details).toMatchObject({ value: "fallback", reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
  });

  it("a flag that cannot be evaluated yields the caller's default with reason ERROR (GENERAL)", async () => {
    const details = await client.getStringDetails("sdk-broken", "fallback", { targetingKey: "user-42" });
    expect(details).toMatchObject({ value: "fallback", reason: "ERROR", errorCode: "GENERAL" });
  });

  it("a missing targeting key yields the default with TARGETING_KEY_MISSING", async () => {
    const details = await client.getStringDetails("sdk-demo", "fallback", {});
    expect(details).toMatchObject({ value: "fallback", errorCode: "TARGETING_KEY_MISSING" });
    expect(requests).toBeGreaterThan(0);
  });

  it("the provider reads the 429's Retry-After date as the window's end (not as seconds), and pauses until then", async () => {
    const guesser = new OFREPProvider({
      baseUrl: "https://router.example",
      headers: { authorization: "Bearer syk_wrong_guess", "cf-connecting-ip": "198.51.100.77" },
      fetchImplementation: async (input: RequestInfo | URL, init?: RequestInit) => {
        const ctx = createExecutionContext();
        const response = await worker.fetch(new Request(input, init), adminEnv, ctx);
        await waitOnExecutionContext(ctx);
        return response;
      },
    });
    const started = Date.now();
    for (let i = 0; i < 10; i++)
      await guesser.resolveStringEvaluation("sdk-demo", "fallback", { targetingKey: "u" }).catch(() => undefined);
    const limited = await guesser.resolveStringEvaluation("sdk-demo", "fallback", { targetingKey: "u" }).then(
      () => null,
      (error: Error) => error,
    );
    const paused = await guesser.resolveStringEvaluation("sdk-demo", "fallback", { targetingKey: "u" }).then(
      () => null,
      (error: Error) => error,
    );
    expect(limited).not.toBeNull();
    const until = Date.parse(/until (\S+)/.exec(paused?.message ?? "")?.[1] ?? "");
    expect(until - started).toBeGreaterThan(0);
    expect(until - started).toBeLessThanOrEqual(62_000);
  });
});
