import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { installFakeOrigins } from "../helpers/fake-origins";
import { outcomeRows, seedFlag, seedOverride, seedRollout } from "../helpers/seed";

async function call(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://router.example${path}`, { method: "POST", ...init }), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("routing through the real Worker", () => {
  let origins: ReturnType<typeof installFakeOrigins>;
  beforeEach(() => {
    origins = installFakeOrigins();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("forwards to blue by default with the routing headers and records one outcome", async () => {
    await seedFlag(env.DB, { key: "basic" });
    const response = await call("/basic/predict?x=1", { body: '{"text":"hi"}', headers: { "x-user-id": "u1" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-model-variant")).toBe("blue");
    expect(response.headers.get("x-flag-reason")).toBe("DEFAULT");
    expect(response.headers.get("x-request-id")).toMatch(/.+/);
    expect(await response.json()).toEqual({ model: "blue", echo: '{"text":"hi"}' });
    expect(origins.seen[0]).toMatchObject({ host: "blue.test", method: "POST", path: "/basic/predict?x=1" });
    const rows = await outcomeRows(env.DB, "basic");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ variant: "blue", reason: "DEFAULT", status: 200, error: 0, timeout: 0 });
  });
});
