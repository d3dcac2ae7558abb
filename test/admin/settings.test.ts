// Flag settings: `shadow` (hot path) and `health` (loop) are validated when
// they are written, so a typo is a 422 with its path instead of a silent
// fallback to defaults; URLs the cron will call pass the SSRF guard.
import { describe, expect, it } from "vitest";
import { call, createFlag, dbFingerprint, flagBody, json } from "./helpers";

describe("flag settings validation", () => {
  it("accepts valid health and shadow settings and stores them", async () => {
    const settings = {
      health: {
        guards: { errorRateRatio: 3, maxP99Ms: 500 },
        webhook: { url: "https://hooks.example.com/switchyard" },
        blueHealthUrl: "https://blue.example.com/healthz",
      },
      shadow: { sampleRate: 20, comparator: { kind: "numeric", path: "$.score", absTolerance: 0.01 } },
    };
    const response = await call("POST", "/flags", { body: flagBody("set-ok", { settings }) });
    expect(response.status).toBe(201);
    expect((await json(response)).settings).toEqual(settings);
  });

  it.each([
    [{ health: { guards: { errorRateRatio: 0.5 } } }, "settings.health.guards.errorRateRatio"],
    [{ health: { guards: { errorRatio: 2 } } }, "unknown setting"],
    [{ health: { alpha: 0.9 } }, "settings.health.alpha"],
    [{ health: { webhook: { url: "https://10.0.0.8/hook" } } }, "settings.health.webhook.url"],
    [{ health: { blueHealthUrl: "http://169.254.169.254/latest/meta-data" } }, "settings.health.blueHealthUrl"],
    [{ shadow: { comparator: { kind: "label", path: "label" } } }, "must be a JSON path"],
    [{ shadow: { sampleRate: 150 } }, "sampleRate"],
  ])("refuses %j with 422 or 400 and writes nothing", async (settings, message) => {
    const before = await dbFingerprint();
    const response = await call("POST", "/flags", {
      body: flagBody(`set-bad-${Math.random().toString(36).slice(2, 8)}`, { settings }),
    });
    expect([400, 422]).toContain(response.status);
    expect(JSON.stringify(await json(response))).toContain(message);
    expect(await dbFingerprint()).toEqual(before);
  });

  it("checks settings on PATCH too", async () => {
    const etag = await createFlag("set-patch");
    const response = await call("PATCH", "/flags/set-patch", {
      ifMatch: etag,
      body: { settings: { health: { guards: { latencyP95Ratio: "fast" } } } },
    });
    expect(response.status).toBe(422);
    expect((await json(response)).error.details.path).toBe("settings.health");
  });
});

describe("rollback-target readiness at rollout start", () => {
  it("refuses to start a rollout while blue's health URL fails, and starts once it answers", async () => {
    const { vi } = await import("vitest");
    let healthy = false;
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      expect(String(input instanceof Request ? input.url : input)).toBe("https://blue-health.test/healthz");
      return new Response("", { status: healthy ? 200 : 503 });
    });
    const etag = await createFlag("ready-gate", {
      settings: { health: { blueHealthUrl: "https://blue-health.test/healthz" } },
    });
    const refused = await call("POST", "/flags/ready-gate/rollouts", { body: {}, ifMatch: etag });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.details.reason).toBe("blue_not_ready");
    healthy = true;
    expect((await call("POST", "/flags/ready-gate/rollouts", { body: {}, ifMatch: etag })).status).toBe(201);
    spy.mockRestore();
  });
});
