// The A/B report route over outcomes written straight into the embedded
// store, with hand-checkable counts.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Outcome } from "../../src/core/outcome";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { seedFlag, seedRollout } from "../helpers/seed";
import { call, json } from "./helpers";

function outcomes(
  key: string,
  variant: "blue" | "green",
  colo: string,
  count: number,
  errors: number,
  latencyMs: (i: number) => number,
): Outcome[] {
  return Array.from({ length: count }, (_, i) => ({
    timestampMs: 1_000 + i,
    requestId: `${key}-${variant}-${colo}-${i}`,
    flagKey: key,
    rolloutId: `${key}-r`,
    variant,
    reason: "SPLIT",
    ruleId: null,
    stage: "serve:50",
    status: i < errors ? 500 : 200,
    latencyMs: latencyMs(i),
    error: i < errors,
    timeout: false,
    shadowAgreement: null,
    feedbackValue: null,
    colo,
    unitKeyGenerated: false,
    failedOver: false,
  }));
}

describe("GET /admin/api/flags/:key/experiment", () => {
  it("reports rates, effects, SRM and a per-colo breakdown for the current serving stage", async () => {
    await seedFlag(env.DB, { key: "exp" });
    await seedRollout(env.DB, "exp", "exp-r", 50);
    const store = createEmbeddedOutcomeStore(env.DB);
    await store.insertBatch([
      ...outcomes("exp", "blue", "FRA", 500, 10, (i) => 100 + (i % 10)),
      ...outcomes("exp", "blue", "IAD", 500, 10, (i) => 100 + (i % 10)),
      ...outcomes("exp", "green", "FRA", 500, 40, (i) => 120 + (i % 10)),
      ...outcomes("exp", "green", "IAD", 500, 40, (i) => 120 + (i % 10)),
      // Not part of the experiment: a shadow pair and an OFREP decision.
      { ...outcomes("exp", "green", "FRA", 1, 1, () => 1)[0]!, requestId: "shadow-1", kind: "shadow" },
      { ...outcomes("exp", "green", "FRA", 1, 0, () => 0)[0]!, requestId: "ofrep-1", stage: "ofrep:serve:50" },
    ]);
    const response = await call("GET", "/flags/exp/experiment");
    expect(response.status).toBe(200);
    const report = await json(response);
    expect(report.stage).toBe("serve:50");
    expect(report.arms.blue).toMatchObject({ requests: 1000, errors: 20, latencyMeanMs: 104.5, latencyP95Ms: 109 });
    expect(report.arms.green).toMatchObject({ requests: 1000, errors: 80, latencyMeanMs: 124.5, latencyP95Ms: 129 });
    expect(report.srm.mismatch).toBe(false);
    const errorRate = report.metrics.errorRate;
    expect(errorRate.absoluteEffect).toBeCloseTo(0.06, 12); // 8 % − 2 %
    expect(errorRate.relativeEffect).toBeCloseTo(3, 12);
    expect(errorRate.fixedHorizon.pValue).toBeLessThan(1e-6);
    expect(errorRate.sequential.low).toBeGreaterThan(0); // always-valid interval excludes "no difference"
    expect(JSON.stringify(report.segments.errorRate)).toContain("colo:FRA");
    expect(JSON.stringify(report.segments.errorRate)).toContain("colo:IAD");
  });

  it("answers 409 in a shadow stage and 404 without a rollout", async () => {
    await seedFlag(env.DB, { key: "exp-shadow" });
    expect((await call("GET", "/flags/exp-shadow/experiment")).status).toBe(404);
    await seedRollout(env.DB, "exp-shadow", "exp-shadow-r", 0, "shadow");
    const response = await call("GET", "/flags/exp-shadow/experiment");
    expect(response.status).toBe(409);
    expect((await json(response)).error.details.reason).toBe("no_split_traffic");
    expect((await call("GET", "/flags/exp-shadow/experiment?stage=bogus")).status).toBe(400);
  });
});

describe("experiment usage figures (a flag that reads usage)", () => {
  it("per variant: tokens and cost over known usage only, cost per 1 000 requests, time to first token", async () => {
    await seedFlag(env.DB, { key: "exp-llm" });
    await seedRollout(env.DB, "exp-llm", "exp-llm-r", 50);
    const llm = (variant: "blue" | "green", i: number, fields: Partial<Outcome>): Outcome => ({
      ...outcomes("exp-llm", variant, "FRA", 1, 0, () => 100)[0]!,
      requestId: `exp-llm-${variant}-${i}`,
      ...fields,
    });
    await createEmbeddedOutcomeStore(env.DB).insertBatch([
      ...Array.from({ length: 20 }, (_, i) =>
        llm("blue", i, { usage: "known", inputTokens: 10, outputTokens: 100 + i, costUsd: 0.001, ttftMs: 50 + i }),
      ),
      ...Array.from({ length: 20 }, (_, i) =>
        llm("green", i, { usage: "known", inputTokens: 10, outputTokens: 200 + i, costUsd: 0.002, ttftMs: 80 + i }),
      ),
      // Unknown usage: a request, never a zero.
      llm("green", 99, { usage: "unknown", errorClass: "stream_broken", error: true, ttftMs: 90 }),
    ]);
    const report = await json(await call("GET", "/flags/exp-llm/experiment"));
    expect(report.usage.blue).toMatchObject({
      requests: 20,
      usageKnown: 20,
      inputTokens: { n: 20, mean: 10, p50: 10, p95: 10 },
      outputTokens: { n: 20, mean: 109.5, p50: 109, p95: 118 },
      ttftMs: { n: 20, p50: 59, p95: 68 },
    });
    expect(report.usage.blue.costPerRequest.mean).toBeCloseTo(0.001, 12);
    expect(report.usage.blue.costPerRequest.per1000Requests).toBeCloseTo(1, 9);
    expect(report.usage.green).toMatchObject({ requests: 21, usageKnown: 20, outputTokens: { n: 20, mean: 209.5 } });
    expect(report.usage.green.costPerRequest.per1000Requests).toBeCloseTo(2, 9);
    expect(report.usage.green.ttftMs.n).toBe(21);
  });

  it("is null for a flag that reads no usage", async () => {
    await seedFlag(env.DB, { key: "exp-nollm" });
    await seedRollout(env.DB, "exp-nollm", "exp-nollm-r", 50);
    await createEmbeddedOutcomeStore(env.DB).insertBatch(outcomes("exp-nollm", "blue", "FRA", 3, 0, () => 100));
    expect((await json(await call("GET", "/flags/exp-nollm/experiment"))).usage).toBeNull();
  });
});
