// Repeated authentication failures: the admin API, the dashboard sign-in and
// OFREP share one in-isolate limiter keyed by CF-Connecting-IP. After 10
// presented-but-wrong secrets a client gets 429 + Retry-After (valid token
// or not) in each surface's own error shape; other clients are unaffected.
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
  it("answers 429 rate_limited with Retry-After after 10 wrong tokens, even to a valid token; other clients unaffected", async () => {
    await failTimes(10, "198.51.100.20");
    const limited = await call("GET", "/flags", { headers: from("198.51.100.20") }); // the bootstrap token, valid
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await json(limited)).toEqual({
      error: { code: "rate_limited", message: "too many failed authentications; retry later", details: { retryAfterSeconds: retryAfter } },
    });
    expect(limited.headers.get("x-request-id")).toBeTruthy();
    expect((await call("GET", "/flags", { headers: from("198.51.100.21") })).status).toBe(200);
  });

  it("nine failures are not enough, and a mutation from a limited client writes nothing", async () => {
    await failTimes(9, "198.51.100.22");
    expect((await call("GET", "/flags", { headers: from("198.51.100.22") })).status).toBe(200);
    await failTimes(1, "198.51.100.22");
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM api_tokens").first<{ n: number }>())!.n;
    const create = await call("POST", "/tokens", { body: { name: "while-limited", scope: "read" }, headers: from("198.51.100.22") });
    expect(create.status).toBe(429);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM api_tokens").first<{ n: number }>())!.n).toBe(before);
  });

  it("requests without any token are refused with 401 but are not guesses: they never earn a 429", async () => {
    for (let i = 0; i < 15; i++) expect((await call("GET", "/flags", { token: null, headers: from("198.51.100.23") })).status).toBe(401);
    expect((await call("GET", "/flags", { headers: from("198.51.100.23") })).status).toBe(200);
  });

  it("a scope too low (403) is not an authentication failure", async () => {
    const read = await mintToken("read", "rl-read");
    for (let i = 0; i < 12; i++) expect((await call("POST", "/tokens", { token: read, body: { name: "x", scope: "read" }, headers: from("198.51.100.24") })).status).toBe(403);
    expect((await call("GET", "/flags", { token: read, headers: from("198.51.100.24") })).status).toBe(200);
  });

  it("is shared with OFREP: guesses there lock the same client out of the admin API", async () => {
    await seedFlag(env.DB, { key: "rl-shared" });
    for (let i = 0; i < 10; i++) expect((await evaluate("rl-shared", { targetingKey: "u" }, { token: "syk_guess", ip: "198.51.100.25" })).status).toBe(401);
    expect((await call("GET", "/flags", { headers: from("198.51.100.25") })).status).toBe(429);
  });
});

describe("dashboard sign-in limit", () => {
  it("answers 429 with Retry-After and sets no cookie after 10 wrong tokens, even for the right one", async () => {
    for (let i = 0; i < 10; i++) {
      const wrong = await page("POST", "/admin/login", { form: { token: `syk_wrong_${i}` }, headers: from("198.51.100.30") });
      expect(wrong.status).toBe(401);
    }
    const limited = await page("POST", "/admin/login", { form: { token: BOOTSTRAP }, headers: from("198.51.100.30") });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("set-cookie")).toBeNull();
    expect(await limited.text()).toContain("Too many failed sign-ins");
    // Another address signs in normally.
    expect((await page("POST", "/admin/login", { form: { token: BOOTSTRAP }, headers: from("198.51.100.31") })).status).toBe(303);
  });

  it("a limited client with a session cookie gets the 429 page, not a 500", async () => {
    const signedIn = await page("POST", "/admin/login", { form: { token: BOOTSTRAP }, headers: from("198.51.100.32") });
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    await failTimes(10, "198.51.100.32");
    const response = await page("GET", "/admin", { cookie, headers: from("198.51.100.32") });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("OpenAPI", () => {
  it("documents 429 on protected routes", async () => {
    const doc = await json(await call("GET", "/openapi.json", { token: null }));
    expect(doc.paths["/admin/api/flags"].get.responses["429"]).toBeDefined();
  });
});
