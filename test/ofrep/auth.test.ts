// OFREP auth: Bearer or X-API-Key with the admin API's tokens; 401 / 403;
// 429 with Retry-After after repeated failures from one client.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, mintToken, adminEnv } from "../admin/helpers";
import { seedFlag } from "../helpers/seed";
import { tokenRefusal } from "../../src/ofrep/auth";
import { AuthFailureLimiter } from "../../src/core/auth-failure-limiter";
import { evaluate } from "./helpers";

describe("OFREP auth matrix", () => {
  it("401 without a token, with an unknown token and with a revoked token; WWW-Authenticate is set", async () => {
    await seedFlag(env.DB, { key: "of-auth" });
    const read = await mintToken("read", "ofrep-revoked");
    const tokens = (await (await call("GET", "/tokens")).json()) as { items: { id: string; name: string }[] };
    await call("DELETE", `/tokens/${tokens.items.find((t) => t.name === "ofrep-revoked")!.id}`);
    for (const options of [
      { token: null },
      { token: "syk_not_a_real_token" },
      { token: read },
      { token: null, apiKey: "syk_wrong" },
    ]) {
      const response = await evaluate("of-auth", { targetingKey: "u" }, { ...options, ip: "203.0.113.1" });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      expect(((await response.json()) as { errorCode: string }).errorCode).toBe("GENERAL");
    }
  });

  it("every scope (read, operate, admin) may evaluate, by Bearer or by X-API-Key", async () => {
    await seedFlag(env.DB, { key: "of-auth-ok" });
    for (const scope of ["read", "operate", "admin"] as const) {
      const token = await mintToken(scope, `ofrep-${scope}`);
      expect((await evaluate("of-auth-ok", { targetingKey: "u" }, { token, ip: "203.0.113.2" })).status).toBe(200);
      expect(
        (await evaluate("of-auth-ok", { targetingKey: "u" }, { token: null, apiKey: token, ip: "203.0.113.2" })).status,
      ).toBe(200);
    }
  });

  it("403 when a token's scope is below what the check needs", async () => {
    // OFREP needs only `read`, the lowest scope, so through the real Worker 403 cannot happen;
    // the same check asked for `admin` shows the mapping.
    const read = await mintToken("read", "ofrep-403");
    const request = new Request("https://router.example/x", {
      method: "POST",
      headers: { authorization: `Bearer ${read}` },
    });
    expect(await tokenRefusal(request, adminEnv, { scope: "read" })).toBeNull();
    const response = await tokenRefusal(request, adminEnv, { scope: "admin" });
    expect(response?.status).toBe(403);
    expect(await response?.json()).toEqual({ errorCode: "GENERAL", errorDetails: 'this API needs the "admin" scope' });
  });
});

describe("repeated auth failures", () => {
  it("the real app answers a wrong token 429 with Retry-After after 10 failures from one client; a valid one still evaluates", async () => {
    await seedFlag(env.DB, { key: "of-429" });
    for (let i = 0; i < 10; i++)
      expect((await evaluate("of-429", { targetingKey: "u" }, { token: "syk_guess", ip: "198.51.100.7" })).status).toBe(
        401,
      );
    expect((await evaluate("of-429", { targetingKey: "u" }, { ip: "198.51.100.7" })).status).toBe(200); // the valid token is never limited
    const limited = await evaluate("of-429", { targetingKey: "u" }, { token: "syk_guess", ip: "198.51.100.7" });
    expect(limited.status).toBe(429);
    // A date, as the OFREP document gives Retry-After, in HTTP's IMF-fixdate form.
    const retryAfter = limited.headers.get("retry-after")!;
    expect(retryAfter).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const waitMs = Date.parse(retryAfter) - Date.now();
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(61_000);
    expect((await evaluate("of-429", { targetingKey: "u" }, { token: "syk_guess", ip: "198.51.100.8" })).status).toBe(
      401,
    );
  });

  it("the window ends: Retry-After names the window's end and the client may try again", async () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter({ maxFailures: 2, windowMs: 30_000, maxClients: 10 });
    const send = async (token: string) => {
      const request = new Request("https://router.example/x", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "cf-connecting-ip": "192.0.2.9" },
      });
      const refused = await tokenRefusal(request, adminEnv, { limiter, now: () => now });
      if (refused === null) throw new Error("a wrong token was accepted");
      return refused;
    };
    expect((await send("syk_a")).status).toBe(401);
    expect((await send("syk_b")).status).toBe(401);
    // Never before the window's end, at most a second after it (whole seconds, rounded up).
    const retryAt = async () => Date.parse((await send("syk_c")).headers.get("retry-after")!) - (1_000_000 + 30_000);
    expect(await retryAt()).toBe(0);
    now += 20_500;
    expect(await retryAt()).toBeGreaterThanOrEqual(0);
    expect(await retryAt()).toBeLessThanOrEqual(1000);
    now += 10_000;
    expect((await send("syk_c")).status).toBe(401);
  });

  it("the limiter's memory is bounded", () => {
    const limiter = new AuthFailureLimiter({ maxFailures: 1, windowMs: 1000, maxClients: 3 });
    for (const client of ["a", "b", "c", "d"]) limiter.recordFailure(client, 0);
    expect(limiter.retryAfterSeconds("a", 10)).toBe(0); // evicted as the oldest
    expect(limiter.retryAfterSeconds("d", 10)).toBe(1);
  });
});
