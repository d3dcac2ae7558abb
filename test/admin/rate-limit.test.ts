// Repeated authentication failures: the admin API, the dashboard sign-in and
// OFREP share one in-isolate limiter keyed by CF-Connecting-IP. After 10
// presented-but-wrong secrets a client's further failed attempts get 429 +
// Retry-After in each surface's own error shape; a valid token from the same
// client is always accepted; other clients are unaffected.
// Every test uses its own client address, so tests cannot limit each other.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedFlag } from "../helpers/seed";
import { evaluate } from "../ofrep/helpers";
import { page } from "../dashboard/helpers";
import { BOOTSTRAP, call, json, mintToken } from "./helpers";

const from = (ip: string) => ({ "cf-connecting-ip": ip });

async function failTimes(n: number, ip: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const response = await call("GET", "/flags", { token: `syk_guess_${i}`, headers: from(ip) });
    expect(response.status).toBe(401);
  }
}

describe("admin API auth-failure limit", () => {
  it("answers 429 rate_limited with Retry-After to a wrong token after 10 wrong tokens; other clients unaffected", async () => {
    await failTimes(10, "198.51.100.20");
    const limited = await call("GET", "/flags", { token: "syk_guess_again", headers: from("198.51.100.20") });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await json(limited)).toEqual({
      error: {
        code: "rate_limited",
        message: "too many failed authentications; retry later",
        details: { retryAfterSeconds: retryAfter },
      },
    });
    expect(limited.headers.get("x-request-id")).toBeTruthy();
    expect((await call("GET", "/flags", { token: "syk_guess_elsewhere", headers: from("198.51.100.21") })).status).toBe(
      401,
    );
  });

  it("a valid token is always accepted, however many wrong ones came from the same address", async () => {
    const read = await mintToken("read", "rl-valid-read");
    await failTimes(10, "198.51.100.26");
    for (let i = 0; i < 3; i++) {
      expect((await call("GET", "/flags", { headers: from("198.51.100.26") })).status).toBe(200); // the bootstrap token
      expect((await call("GET", "/flags", { token: read, headers: from("198.51.100.26") })).status).toBe(200);
      expect(
        (await call("GET", "/flags", { token: `syk_still_wrong_${i}`, headers: from("198.51.100.26") })).status,
      ).toBe(429);
    }
  });

  it("nine failures are not enough; a mutation with a wrong token from a limited client writes nothing, with the right one it works", async () => {
    await failTimes(9, "198.51.100.22");
    expect((await call("GET", "/flags", { token: "syk_tenth", headers: from("198.51.100.22") })).status).toBe(401);
    const count = async () => (await env.DB.prepare("SELECT count(*) AS n FROM api_tokens").first<{ n: number }>())!.n;
    const before = await count();
    const refused = await call("POST", "/tokens", {
      token: "syk_eleventh",
      body: { name: "while-limited", scope: "read" },
      headers: from("198.51.100.22"),
    });
    expect(refused.status).toBe(429);
    expect(await count()).toBe(before);
    const created = await call("POST", "/tokens", {
      body: { name: "while-limited", scope: "read" },
      headers: from("198.51.100.22"),
    });
    expect(created.status).toBe(201);
    expect(await count()).toBe(before + 1);
  });

  it("requests without any token are refused with 401 but are not guesses: they never earn a 429", async () => {
    for (let i = 0; i < 15; i++)
      expect((await call("GET", "/flags", { token: null, headers: from("198.51.100.23") })).status).toBe(401);
    expect((await call("GET", "/flags", { headers: from("198.51.100.23") })).status).toBe(200);
  });

  it("a scope too low (403) is not an authentication failure", async () => {
    const read = await mintToken("read", "rl-read");
    for (let i = 0; i < 12; i++)
      expect(
        (
          await call("POST", "/tokens", {
            token: read,
            body: { name: "x", scope: "read" },
            headers: from("198.51.100.24"),
          })
        ).status,
      ).toBe(403);
    expect((await call("GET", "/flags", { token: read, headers: from("198.51.100.24") })).status).toBe(200);
  });

  it("is shared with OFREP: guesses there count against the same client in the admin API", async () => {
    await seedFlag(env.DB, { key: "rl-shared" });
    for (let i = 0; i < 10; i++)
      expect(
        (await evaluate("rl-shared", { targetingKey: "u" }, { token: "syk_guess", ip: "198.51.100.25" })).status,
      ).toBe(401);
    expect((await call("GET", "/flags", { token: "syk_guess", headers: from("198.51.100.25") })).status).toBe(429);
    expect((await call("GET", "/flags", { headers: from("198.51.100.25") })).status).toBe(200);
  });
});

describe("dashboard sign-in limit", () => {
  it("after 10 wrong tokens answers a wrong one 429 with Retry-After and no cookie; the right one still signs in", async () => {
    for (let i = 0; i < 10; i++) {
      const wrong = await page("POST", "/admin/login", {
        form: { token: `syk_wrong_${i}` },
        headers: from("198.51.100.30"),
      });
      expect(wrong.status).toBe(401);
    }
    const limited = await page("POST", "/admin/login", {
      form: { token: "syk_wrong_again" },
      headers: from("198.51.100.30"),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("set-cookie")).toBeNull();
    expect(await limited.text()).toContain("Too many failed sign-ins");
    const signedIn = await page("POST", "/admin/login", { form: { token: BOOTSTRAP }, headers: from("198.51.100.30") });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("set-cookie")).toMatch(/^sy_admin=/);
  });

  it("a limited client keeps using a valid session; a stale session cookie gets the 429 page, not a 500", async () => {
    const signedIn = await page("POST", "/admin/login", { form: { token: BOOTSTRAP }, headers: from("198.51.100.32") });
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    await failTimes(10, "198.51.100.32");
    expect((await page("GET", "/admin", { cookie, headers: from("198.51.100.32") })).status).toBe(200);
    const stale = await page("GET", "/admin", {
      cookie: "sy_admin=syk_revoked_long_ago",
      headers: from("198.51.100.32"),
    });
    expect(stale.status).toBe(429);
    expect(stale.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("OpenAPI", () => {
  it("documents 429 on protected routes", async () => {
    const doc = await json(await call("GET", "/openapi.json", { token: null }));
    expect(doc.paths["/admin/api/flags"].get.responses["429"]).toBeDefined();
  });
});
