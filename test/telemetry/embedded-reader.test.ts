// The embedded reader over the D1 outcomes table: decision-only OFREP rows
// (stage "ofrep:…") never count toward health, in stage windows or in the
// stage-less baseline window; the rollout filter's three meanings.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { createEmbeddedReader } from "../../src/store/embedded-metrics-reader";
import { servedOutcome } from "../helpers/outcome";

const base = servedOutcome({ flagKey: "emb", rolloutId: "emb-r" });

describe("embedded metrics reader", () => {
  it("excludes OFREP decision-only rows and skipped shadow pairs from every window", async () => {
    await createEmbeddedOutcomeStore(env.DB).insertBatch([
      { ...base, requestId: "a", error: true },
      { ...base, requestId: "b" },
      { ...base, requestId: "c", stage: "ofrep:serve:25", latencyMs: 0 },
      { ...base, requestId: "d", stage: "ofrep:serve:25", latencyMs: 0 },
      { ...base, requestId: "e", kind: "shadow", status: 0, latencyMs: 0, comparatorReason: "skipped_too_large" },
    ]);
    const reader = createEmbeddedReader(env.DB);
    for (const stage of ["serve:25", null]) {
      const groups = await reader.readWindow({ flagKey: "emb", rolloutId: "emb-r", stage, fromMs: 0, toMs: 10_000 });
      const green = groups.filter((group) => group.variant === "green");
      expect(green.every((group) => group.kind === "served")).toBe(true);
      expect(green.reduce((sum, group) => sum + group.metrics.requests, 0)).toBe(2);
      expect(green.reduce((sum, group) => sum + group.metrics.errors, 0)).toBe(1);
    }
  });
});

describe("embedded reader rollout filter", () => {
  it("reads one rollout's rows, rows without a rollout (null), or rows of any rollout or none ({ any: true }), in one coalesced read", async () => {
    // Blue of a previous rollout, blue outside any rollout, and this rollout's blue, all before `toMs`.
    await createEmbeddedOutcomeStore(env.DB).insertBatch([
      ...["p1", "p2", "p3"].map((requestId) => ({
        ...base,
        requestId,
        flagKey: "anyr",
        rolloutId: "old",
        variant: "blue" as const,
      })),
      ...["n1", "n2"].map((requestId) => ({
        ...base,
        requestId,
        flagKey: "anyr",
        rolloutId: null,
        variant: "blue" as const,
        reason: "DEFAULT" as const,
        stage: "none",
      })),
      { ...base, requestId: "c1", flagKey: "anyr", rolloutId: "new", variant: "blue" },
      { ...base, requestId: "late", flagKey: "anyr", rolloutId: "old", variant: "blue", timestampMs: 20_000 },
    ]);
    const reader = createEmbeddedReader(env.DB);
    const cases: { rolloutId: string | null | { any: true }; requests: number }[] = [
      { rolloutId: "old", requests: 3 },
      { rolloutId: null, requests: 2 },
      { rolloutId: "new", requests: 1 },
      { rolloutId: { any: true }, requests: 6 },
    ];
    const reads = await Promise.all(
      cases.map(({ rolloutId }) =>
        reader.readWindow({ flagKey: "anyr", rolloutId, stage: null, fromMs: 0, toMs: 10_000 }),
      ),
    );
    reads.forEach((groups, i) =>
      expect(
        groups.reduce((sum, g) => sum + g.metrics.requests, 0),
        JSON.stringify(cases[i]!.rolloutId),
      ).toBe(cases[i]!.requests),
    );
    const above = await reader.readExceedances(
      { flagKey: "anyr", rolloutId: { any: true }, stage: null, fromMs: 0, toMs: 10_000 },
      [50],
    );
    expect(above.reduce((sum, g) => sum + g.above[0]!, 0)).toBe(6);
  });
});

/** Nearest rank, written independently of the SQL: the value at rank ceil(q·n), 1-based, of the sorted list. */
function nearestRank(latencies: number[], q: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(sorted.length * q)) - 1]!;
}

describe("embedded reader quantiles", () => {
  it("are nearest-rank p50/p95/p99 per group, for small groups, ties and several windows at once", async () => {
    // Each case is one group; sizes around the ranks' boundaries (1, 2, 19–21, 100, 101) and heavy ties.
    const cases: { flagKey: string; variant: "blue" | "green"; latencies: number[] }[] = [
      { flagKey: "q1", variant: "blue", latencies: [42] },
      { flagKey: "q1", variant: "green", latencies: [7, 3] },
      { flagKey: "q2", variant: "blue", latencies: Array.from({ length: 19 }, (_, i) => (i * 37) % 23) },
      { flagKey: "q2", variant: "green", latencies: Array.from({ length: 20 }, (_, i) => 20 - i) },
      { flagKey: "q3", variant: "blue", latencies: Array.from({ length: 21 }, (_, i) => i % 3) },
      { flagKey: "q3", variant: "green", latencies: Array.from({ length: 100 }, (_, i) => (i * 7919) % 101) },
      { flagKey: "q4", variant: "green", latencies: Array.from({ length: 101 }, (_, i) => (i % 10) * 1.5) },
    ];
    let n = 0;
    await createEmbeddedOutcomeStore(env.DB).insertBatch(
      cases.flatMap(({ flagKey, variant, latencies }) =>
        latencies.map((latencyMs) => ({ ...base, requestId: `q${n++}`, flagKey, variant, latencyMs })),
      ),
    );
    const reader = createEmbeddedReader(env.DB);
    // Concurrent reads are coalesced into one statement over several windows.
    const flagKeys = ["q1", "q2", "q3", "q4"];
    const windows = await Promise.all(
      flagKeys.map((flagKey) =>
        reader.readWindow({ flagKey, rolloutId: "emb-r", stage: "serve:25", fromMs: 0, toMs: 10_000 }),
      ),
    );
    for (const { flagKey, variant, latencies } of cases) {
      const group = windows[flagKeys.indexOf(flagKey)]!.find((g) => g.variant === variant)!;
      expect(group.metrics.requests).toBe(latencies.length);
      expect([group.metrics.p50Ms, group.metrics.p95Ms, group.metrics.p99Ms], `${flagKey}/${variant}`).toEqual([
        nearestRank(latencies, 0.5),
        nearestRank(latencies, 0.95),
        nearestRank(latencies, 0.99),
      ]);
    }
  });
});

describe("embedded reader usage sums", () => {
  it("sums tokens and cost only over answers whose usage (or cost) is known", async () => {
    const llm = servedOutcome({ flagKey: "emb-usage", rolloutId: "emb-usage-r" });
    await createEmbeddedOutcomeStore(env.DB).insertBatch([
      { ...llm, requestId: "k1", usage: "known", inputTokens: 10, outputTokens: 30, costUsd: 0.002 },
      { ...llm, requestId: "k2", usage: "known", inputTokens: 20, outputTokens: 50, costUsd: null },
      { ...llm, requestId: "u1", usage: "unknown", errorClass: "stream_broken", error: true },
      { ...llm, requestId: "n1", usage: null },
    ]);
    const groups = await createEmbeddedReader(env.DB).readWindow({
      flagKey: "emb-usage",
      rolloutId: "emb-usage-r",
      stage: null,
      fromMs: 0,
      toMs: 10_000,
    });
    expect(groups).toHaveLength(1);
    expect(groups[0]!.metrics).toMatchObject({
      requests: 4,
      usageKnown: 2,
      inputTokensSum: 30,
      outputTokensSum: 80,
      outputTokensSumSq: 30 * 30 + 50 * 50,
      costKnown: 1,
      costSum: 0.002,
    });
    expect(groups[0]!.metrics.costSumSq).toBeCloseTo(0.002 ** 2, 12);
  });
});
