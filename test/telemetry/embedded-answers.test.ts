// The embedded reader's answer figures, against references written in the
// test: time to first byte of streamed answers (nearest-rank p95, exceedances
// over streamed rows only), and predictions (labels capped per group with
// their total, numeric deciles, counts per bin of given edges, two windows
// with edge lists of different lengths in one coalesced read).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DECILE_LEVELS, MAX_PREDICTION_LABELS } from "../../src/core/health";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { createEmbeddedReader } from "../../src/store/embedded-metrics-reader";
import type { MetricsWindow } from "../../src/ports";
import { servedOutcome } from "../helpers/outcome";

const windowOf = (flagKey: string): MetricsWindow => ({
  flagKey,
  rolloutId: "ans-r",
  stage: "serve:25",
  fromMs: 0,
  toMs: 10_000,
});
const base = servedOutcome({ rolloutId: "ans-r" });
let n = 0;
const id = () => `ans-${n++}`;

function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(sorted.length * q)) - 1]!;
}

describe("embedded reader: time to first byte", () => {
  it("counts streamed answers and takes their p95 and exceedances only", async () => {
    const streamed = Array.from({ length: 40 }, (_, i) => 100 + ((i * 17) % 40) * 5);
    await createEmbeddedOutcomeStore(env.DB).insertBatch([
      ...streamed.map((firstByteMs) => ({ ...base, flagKey: "ttfb", requestId: id(), streamed: true, firstByteMs })),
      // Fixed-length answers have a first byte too (their whole body): never part of the figure.
      ...[5_000, 6_000].map((firstByteMs) => ({ ...base, flagKey: "ttfb", requestId: id(), firstByteMs })),
    ]);
    const reader = createEmbeddedReader(env.DB);
    const [group] = await reader.readWindow(windowOf("ttfb"));
    expect(group!.metrics.streamed).toBe(40);
    expect(group!.metrics.requests).toBe(42);
    expect(group!.metrics.ttfbP95Ms).toBe(nearestRank(streamed, 0.95));
    const [above] = await reader.readExceedances(windowOf("ttfb"), [250, 1_000], "first_byte");
    expect(above!.above).toEqual([streamed.filter((v) => v > 250).length, 0]);
    const [latency] = await reader.readExceedances(windowOf("ttfb"), [1_000]);
    expect(latency!.above).toEqual([0]);
  });

  it("has no p95 (and no extra query) when nothing streamed", async () => {
    await createEmbeddedOutcomeStore(env.DB).insertBatch([{ ...base, flagKey: "plain", requestId: id() }]);
    const [group] = await createEmbeddedReader(env.DB).readWindow(windowOf("plain"));
    expect(group!.metrics).toMatchObject({ streamed: 0, ttfbP95Ms: null });
  });
});

describe("embedded reader: predictions", () => {
  it("lists the most frequent labels per group up to the cap, with the labelled total", async () => {
    // Label i appears i + 1 times: the cap keeps the largest, the rest are in `labeled` only.
    const labels = Array.from({ length: MAX_PREDICTION_LABELS + 5 }, (_, i) => `label-${String(i).padStart(2, "0")}`);
    await createEmbeddedOutcomeStore(env.DB).insertBatch(
      labels.flatMap((predictedLabel, i) =>
        Array.from({ length: i + 1 }, () => ({ ...base, flagKey: "labels", requestId: id(), predictedLabel })),
      ),
    );
    const [group] = await createEmbeddedReader(env.DB).readPredictions(windowOf("labels"), null);
    const total = labels.reduce((sum, _, i) => sum + i + 1, 0);
    expect(group!.labeled).toBe(total);
    expect(group!.labels).toHaveLength(MAX_PREDICTION_LABELS);
    expect(group!.labels[0]).toEqual({ label: labels.at(-1), count: labels.length });
    expect(group!.labels.at(-1)).toEqual({ label: "label-05", count: 6 });
    expect(group!.values).toBe(0);
  });

  it("gives numeric deciles, or counts per bin of given edges, for several windows in one read", async () => {
    const scores = { one: Array.from({ length: 37 }, (_, i) => (i * 13) % 37), two: [0.5, 0.5, 1.5, 2.5, 9] };
    await createEmbeddedOutcomeStore(env.DB).insertBatch(
      Object.entries(scores).flatMap(([flagKey, values]) =>
        values.map((predictedValue) => ({ ...base, flagKey, requestId: id(), predictedValue })),
      ),
    );
    const reader = createEmbeddedReader(env.DB);
    const [one] = await reader.readPredictions(windowOf("one"), null);
    expect(one!.values).toBe(37);
    expect(one!.deciles).toEqual(DECILE_LEVELS.map((q) => nearestRank(scores.one, q)));
    expect(one!.bins).toBeNull();
    const edges = { one: [5, 10, 20], two: [0.5] };
    const binsOf = (values: number[], cuts: number[]) =>
      Array.from(
        { length: cuts.length + 1 },
        (_, i) => values.filter((v) => (i === 0 || v > cuts[i - 1]!) && (i === cuts.length || v <= cuts[i]!)).length,
      );
    const [binnedOne, binnedTwo] = await Promise.all([
      reader.readPredictions(windowOf("one"), edges.one),
      reader.readPredictions(windowOf("two"), edges.two),
    ]);
    expect(binnedOne![0]!.bins).toEqual(binsOf(scores.one, edges.one));
    expect(binnedTwo![0]!.bins).toEqual(binsOf(scores.two, edges.two));
    expect(binnedTwo![0]!.deciles).toBeNull();
  });
});
