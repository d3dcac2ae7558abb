// OFREP's two routes without a framework: which method and path reach which
// evaluation, that the token is checked before any route is looked up, and
// that anything else is the protocol's 404, through the real Worker.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { ofrepRoute } from "../../src/ofrep/app";
import { adminEnv, BOOTSTRAP } from "../admin/helpers";
import { seedFlag } from "../helpers/seed";

async function send(method: string, path: string, token: string | null = BOOTSTRAP): Promise<Response> {
  const headers = new Headers({ "content-type": "application/json", "cf-connecting-ip": "203.0.113.90" });
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  const body = method === "GET" || method === "HEAD" ? null : JSON.stringify({ context: { targetingKey: "u" } });
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example${path}`, { method, headers, body }),
    adminEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

describe("ofrepRoute", () => {
  it.each([
    ["POST", "/evaluate/flags", { kind: "bulk" }],
    ["POST", "/evaluate/flags/checkout-model", { kind: "flag", key: "checkout-model" }],
    ["POST", "/evaluate/flags/of%2Dpct", { kind: "flag", key: "of-pct" }],
    ["POST", "/evaluate/flags/bad%E0%A4%A", { kind: "flag", key: "bad%E0%A4%A" }],
    ["GET", "/evaluate/flags", null],
    ["PUT", "/evaluate/flags/a", null],
    ["POST", "/evaluate/flags/", null],
    ["POST", "/evaluate/flags/a/b", null],
    ["POST", "/evaluate/flag", null],
    ["POST", "", null],
    ["POST", "/configuration", null],
  ])("%s %s → %j", (method, subPath, route) => {
    expect(ofrepRoute(method, subPath)).toEqual(route);
  });
});

describe("OFREP routing through the Worker", () => {
  it("a percent-encoded key is evaluated as the decoded key", async () => {
    await seedFlag(env.DB, { key: "of-pct" });
    const response = await send("POST", "/ofrep/v1/evaluate/flags/of%2Dpct");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { key: string }).key).toBe("of-pct");
  });

  it.each([
    ["GET", "/ofrep/v1/evaluate/flags"],
    ["POST", "/ofrep/v1/evaluate/flags/"],
    ["POST", "/ofrep/v1"],
    ["POST", "/ofrep/v2/evaluate/flags"],
    ["POST", "/ofrep/v1x/evaluate/flags"],
  ])("%s %s is the protocol's 404, naming the method and path", async (method, path) => {
    const response = await send(method, path);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errorCode: "GENERAL", errorDetails: `No OFREP route ${method} ${path}` });
  });

  it("under /ofrep/v1 the token comes first, for unknown routes too; outside it nothing asks for one", async () => {
    expect((await send("POST", "/ofrep/v1/configuration", null)).status).toBe(401);
    expect((await send("GET", "/ofrep/v1/evaluate/flags", null)).status).toBe(401);
    expect((await send("POST", "/ofrep/v2/evaluate/flags", null)).status).toBe(404);
  });

  it("a store that throws is the protocol's 500, without the error's text", async () => {
    const failing = () => {
      throw new Error("D1_ERROR: secret-ish detail");
    };
    const broken = { ...adminEnv, DB: { prepare: failing, batch: failing, exec: failing } as unknown as D1Database };
    const ctx = createExecutionContext();
    const request = new Request("https://router.example/ofrep/v1/evaluate/flags", {
      method: "POST",
      headers: { authorization: "Bearer syk_anything", "content-type": "application/json" },
      body: "{}",
    });
    const response = await worker.fetch(request, broken, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ errorCode: "GENERAL", errorDetails: "internal error" });
    expect((await send("POST", "/ofrep/v1/evaluate/flags")).status).toBe(200);
  });
});
