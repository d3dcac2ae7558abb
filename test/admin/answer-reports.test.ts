// What blue and green answered, as the experiment report, the shadow report
// and the answers route give it: invalid rate, time-to-first-byte p95 and
// prediction drift, over outcomes written straight into the embedded store
// and checked against hand-computed figures (PSI with the 1e-4 floor,
// chi-square p and KS from scipy: chi2_contingency(correction=False),
// kolmogorov(√(nm/(n+m))·D)).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Outcome } from "../../src/core/outcome";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { servedOutcome } from "../helpers/outcome";
import { seedFlag, seedRollout } from "../helpers/seed";
import type { Env } from "../../src/env";
import { adminEnv, call, json } from "./helpers";

const SCHEMA = { type: "object", required: ["label"] };

async function seedAnswers(key: string, settings: unknown, mode: "serve" | "shadow", rows: Outcome[]) {
  await seedFlag(env.DB, { key, settings: JSON.stringify(settings) });
  await seedRollout(env.DB, key, `${key}-r`, mode === "serve" ? 50 : 0, mode);
  await createEmbeddedOutcomeStore(env.DB).insertBatch(rows);
}

/** `count` answers of one variant; `each(i)` sets what answer i was. */
function answers(key: string, variant: "blue" | "green", count: number, each: (i: number) => Partial<Outcome>) {
  return Array.from({ length: count }, (_, i) =>
    servedOutcome({
      requestId: `${key}-${variant}-${i}`,
      flagKey: key,
      rolloutId: `${key}-r`,
      variant,
      stage: "serve:50",
      timestampMs: 1_000 + i,
      inspection: "valid",
      ...each(i),
    }),
  );
}

/** Values as [value, how many] runs, in order. */
const runs = (spec: [number, number][]) => spec.flatMap(([value, n]) => new Array<number>(n).fill(value));

describe("experiment report: answers", () => {
  it("gives each arm's invalid rate and TTFB p95, and label drift with PSI and chi-square", async () => {
    const key = "ans-exp";
    const rows = [
      // Blue: 2 of 100 invalid, 60 cat / 40 dog; 20 streamed with first bytes 10…200 ms.
      ...answers(key, "blue", 100, (i) => ({
        inspection: i < 2 ? "invalid" : "valid",
        predictedLabel: i < 60 ? "cat" : "dog",
        ...(i < 20 ? { streamed: true, firstByteMs: (i + 1) * 10 } : {}),
      })),
      // Green: 10 of 100 invalid, 40 cat / 60 dog; first bytes 20…400 ms.
      ...answers(key, "green", 100, (i) => ({
        inspection: i < 10 ? "invalid" : "valid",
        predictedLabel: i < 40 ? "cat" : "dog",
        ...(i < 20 ? { streamed: true, firstByteMs: (i + 1) * 20 } : {}),
      })),
      // Not inspected (over the byte cap): neither valid nor invalid.
      ...answers(key, "green", 5, () => ({ inspection: "not_inspected", requestId: `${key}-big-${Math.random()}` })),
    ];
    await seedAnswers(key, { response: { schema: SCHEMA, prediction: "$.label" } }, "serve", rows);
    const response = await call("GET", `/flags/${key}/experiment`);
    expect(response.status).toBe(200);
    const { answers: a } = await json(response);
    expect(a.contract).toEqual({ schema: true, prediction: "$.label" });
    expect(a.blue).toMatchObject({ requests: 100, inspected: 100, invalid: 2, invalidRate: 0.02, streamed: 20 });
    expect(a.green).toMatchObject({ requests: 105, inspected: 100, invalid: 10, invalidRate: 0.1, streamed: 20 });
    // Nearest rank: the 19th of 20 first bytes.
    expect(a.blue.ttfbP95Ms).toBe(190);
    expect(a.green.ttfbP95Ms).toBe(380);
    expect(a.blue.labels).toEqual([
      { label: "cat", count: 60 },
      { label: "dog", count: 40 },
    ]);
    expect(a.drift).toMatchObject({ kind: "labels", categories: ["cat", "dog"], blue: [60, 40], green: [40, 60] });
    expect(a.drift.psi).toBeCloseTo(0.1621860432432657, 12); // 2 · 0.2 · ln 1.5
    expect(a.drift.chiSquare.statistic).toBeCloseTo(8, 12);
    expect(a.drift.chiSquare.degreesOfFreedom).toBe(1);
    expect(a.drift.chiSquare.pValue).toBeCloseTo(0.004677734981047276, 9);
    expect(a.drift.ks).toBeNull();
    expect(a.histogram).toBeNull();
  });

  it("says what does not apply: no contract, nothing streamed, no predictions", async () => {
    const key = "ans-exp-none";
    const plain = (i: number) => ({ inspection: null, requestId: `${key}-${i}-${Math.random()}` });
    await seedAnswers(key, {}, "serve", [...answers(key, "blue", 10, plain), ...answers(key, "green", 10, plain)]);
    const { answers: a } = await json(await call("GET", `/flags/${key}/experiment`));
    expect(a.contract).toEqual({ schema: false, prediction: null });
    expect(a.green).toMatchObject({ requests: 10, inspected: 0, invalidRate: null, streamed: 0, ttfbP95Ms: null });
    expect(a.drift).toBeNull();
  });
});

describe("shadow report: answers", () => {
  it("compares blue's served numbers with green's mirrored ones: PSI, chi-square and KS over blue's decile bins", async () => {
    const key = "ans-shadow";
    // Blue deciles (nearest rank) 1,2,2,3,3,4,4,5,5 → bins ≤1, (1,2], (2,3], (3,4], (4,5], >5.
    const blueValues = runs([
      [1, 15],
      [2, 20],
      [3, 20],
      [4, 20],
      [5, 25],
    ]);
    const greenValues = runs([
      [1, 5],
      [2, 20],
      [3, 20],
      [4, 20],
      [5, 20],
      [6, 15],
    ]);
    const shadowStage = { stage: "shadow", reason: "DEFAULT" } as const;
    // The mirror inspects green's mirrored answers as the hot path inspects blue's served ones: 3 of them broke the
    // schema (a verdict the mirror row carries next to the prediction it read).
    await seedAnswers(key, { response: { schema: SCHEMA, prediction: "$.score" } }, "shadow", [
      ...answers(key, "blue", 100, (i) => ({ ...shadowStage, predictedValue: blueValues[i]! })),
      ...answers(key, "green", 100, (i) => ({
        ...shadowStage,
        kind: "shadow",
        shadowAgreement: 1,
        comparatorReason: "equal",
        predictedValue: greenValues[i]!,
        inspection: i < 3 ? "invalid" : "valid",
      })),
    ]);
    const response = await call("GET", `/flags/${key}/shadow?examples=0`);
    expect(response.status).toBe(200);
    const { answers: a } = await json(response);
    expect(a.contract).toEqual({ schema: true, prediction: "$.score" });
    expect(a.blue).toMatchObject({ requests: 100, invalidRate: 0, values: 100, deciles: [1, 2, 2, 3, 3, 4, 4, 5, 5] });
    expect(a.green).toMatchObject({ requests: 100, inspected: 100, invalid: 3, invalidRate: 0.03, values: 100 });
    expect(a.drift).toMatchObject({
      kind: "numbers",
      categories: ["≤ 1", "(1, 2]", "(2, 3]", "(3, 4]", "(4, 5]", "> 5"],
      blue: [15, 20, 20, 20, 25, 0],
      green: [5, 20, 20, 20, 20, 15],
    });
    expect(a.drift.psi).toBeCloseTo(1.2172701424573578, 12);
    expect(a.drift.chiSquare.statistic).toBeCloseTo(20.555555555555557, 10);
    expect(a.drift.chiSquare.degreesOfFreedom).toBe(5);
    expect(a.drift.chiSquare.pValue).toBeCloseTo(0.0009825676720604203, 9);
    expect(a.drift.ks.statistic).toBeCloseTo(0.15, 12);
    expect(a.drift.ks.pValue).toBeCloseTo(0.21055163272601088, 6);
    // Histogram: 8 equal bins from the lower 10th (blue: 1) to the higher 90th percentile (green: 6).
    expect(a.histogram.edges).toEqual([1, 1.625, 2.25, 2.875, 3.5, 4.125, 4.75, 5.375, 6]);
    expect(a.histogram.categories.slice(0, 3)).toEqual(["≤ 1", "(1, 1.625]", "(1.625, 2.25]"]);
    expect(a.histogram.blue).toEqual([15, 0, 20, 0, 20, 20, 0, 25, 0, 0]);
    expect(a.histogram.green).toEqual([5, 0, 20, 0, 20, 20, 0, 20, 15, 0]);
  });
});

describe("GET /flags/:key/answers", () => {
  it("measures the last minutes only, for any rollout, and refuses a bad window", async () => {
    const key = "ans-route";
    const now = Date.now();
    const recent = (i: number) => ({ timestampMs: now - 60_000 + i, predictedLabel: "yes" });
    await seedAnswers(key, { response: { prediction: "$.ok" } }, "serve", [
      ...answers(key, "blue", 4, recent),
      ...answers(key, "green", 2, recent),
      // Two hours old: outside a 60-minute window.
      ...answers(key, "green", 3, (i) => ({ timestampMs: now - 7_200_000 + i, requestId: `${key}-old-${i}` })),
    ]);
    const a = await json(await call("GET", `/flags/${key}/answers?minutes=60`));
    expect(a).toMatchObject({ flag: key, reader: "embedded" });
    expect(a.toMs - a.fromMs).toBe(3_600_000);
    expect([a.blue.requests, a.green.requests]).toEqual([4, 2]);
    expect(a.drift).toMatchObject({ kind: "labels", categories: ["yes"], psi: 0 });
    const day = await json(await call("GET", `/flags/${key}/answers?minutes=1440`));
    expect(day.green.requests).toBe(5);
    for (const bad of ["0", "10081", "abc"])
      expect((await call("GET", `/flags/${key}/answers?minutes=${bad}`)).status).toBe(400);
    expect((await call("GET", "/flags/no-such-flag/answers")).status).toBe(404);
  });
});

describe("a metrics reader that cannot be read", () => {
  const unread: Env = {
    ...adminEnv,
    METRICS_READER: "analytics_engine",
    CF_ACCOUNT_ID: undefined,
    CF_API_TOKEN: undefined,
  };

  it("leaves the reports' answers null and fails the answers route with the one error shape", async () => {
    const key = "ans-unread";
    await seedAnswers(
      key,
      { response: { schema: SCHEMA } },
      "serve",
      answers(key, "blue", 3, () => ({})),
    );
    const report = await call("GET", `/flags/${key}/experiment`, { env: unread });
    expect(report.status).toBe(200);
    const body = await json(report);
    expect(body.arms.blue.requests).toBe(3);
    expect(body.answers).toBeNull();
    const route = await call("GET", `/flags/${key}/answers`, { env: unread });
    expect(route.status).toBe(500);
    expect((await json(route)).error).toMatchObject({
      code: "internal",
      message: expect.stringContaining("CF_ACCOUNT_ID"),
    });
  });
});
