// The stream-integrity fields end to end in the embedded store: they round-trip
// through the outcome writer's table, and client-aborted rows are not requests
// for any reader (health windows, exceedances, chart series, experiments),
// while stream_broken rows are errors like any other.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Outcome } from "../../src/core/outcome";
import { readExperimentData } from "../../src/store/experiment-repo";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { readFlagSeries } from "../../src/store/series-repo";
import { createEmbeddedReader } from "../../src/store/embedded-metrics-reader";
import { servedOutcome } from "../helpers/outcome";
import { outcomeRows } from "../helpers/seed";

const base = servedOutcome({ flagKey: "sf", rolloutId: "sf-r" });

describe("stream-integrity fields in the embedded store", () => {
  it("round-trip error class, time to first byte and duration (absent values as null)", async () => {
    await createEmbeddedOutcomeStore(env.DB).insertBatch([
      {
        ...base,
        flagKey: "sf-rt",
        requestId: "full",
        errorClass: "stream_broken",
        error: true,
        firstByteMs: 120.5,
        durationMs: 4_000.25,
      },
      { ...base, flagKey: "sf-rt", requestId: "legacy" },
    ]);
    const rows = Object.fromEntries((await outcomeRows(env.DB, "sf-rt")).map((row) => [row.requestId, row]));
    expect(rows.full).toMatchObject({
      errorClass: "stream_broken",
      error: 1,
      latencyMs: 100,
      firstByteMs: 120.5,
      durationMs: 4_000.25,
    });
    expect(rows.legacy).toMatchObject({ errorClass: null, firstByteMs: null, durationMs: null });
  });

  it("leaves client_aborted rows out of every reader, and counts stream_broken rows as errors", async () => {
    const rows: Outcome[] = [];
    for (const variant of ["blue", "green"] as const) {
      rows.push({ ...base, variant, requestId: `${variant}-ok`, latencyMs: 100 });
      rows.push({ ...base, variant, requestId: `${variant}-gone`, latencyMs: 5_000, errorClass: "client_aborted" });
    }
    rows.push({ ...base, requestId: "green-broken", latencyMs: 100, error: true, errorClass: "stream_broken" });
    await createEmbeddedOutcomeStore(env.DB).insertBatch(rows);
    const window = { flagKey: "sf", rolloutId: "sf-r", stage: "serve:25", fromMs: 0, toMs: 10_000 };
    const reader = createEmbeddedReader(env.DB);

    const groups = await reader.readWindow(window);
    const metrics = Object.fromEntries(groups.map((g) => [g.variant, g.metrics]));
    expect(metrics.blue).toMatchObject({ requests: 1, errors: 0, p99Ms: 100 });
    expect(metrics.green).toMatchObject({ requests: 2, errors: 1, p99Ms: 100 });
    const above = await reader.readExceedances(window, [1_000]);
    expect(above.map((g) => g.above[0])).toEqual([0, 0]);

    const series = await readFlagSeries(env.DB, { flagKey: "sf", fromMs: 0, toMs: 10_000, bucketMs: 10_000 });
    expect(series.map((p) => [p.variant, p.requests, p.errors])).toEqual([
      ["blue", 1, 0],
      ["green", 2, 1],
    ]);

    const experiment = await readExperimentData(env.DB, "sf", "sf-r", "serve:25");
    expect(experiment.arms.blue).toMatchObject({ requests: 1, errors: 0, latencyP95Ms: 100 });
    expect(experiment.arms.green).toMatchObject({ requests: 2, errors: 1, latencyP95Ms: 100 });
  });
});
