// OutcomeWriter: one AE point per outcome, embedded batches flushed through
// ctx.waitUntil, and flush() null exactly when there is nothing to wait for
// (the hot path skips waitUntil then).
import { describe, expect, it, vi } from "vitest";
import type { Outcome } from "../../src/core/outcome";
import type { EmbeddedSink } from "../../src/ports";
import { servedOutcome } from "../helpers/outcome";
import { OutcomeWriter, type OutcomeCounters } from "../../src/telemetry/outcome-writer";

const outcome = (requestId: string): Outcome =>
  servedOutcome({
    requestId,
    flagKey: "w",
    rolloutId: null,
    variant: "blue",
    reason: "DEFAULT",
    stage: "none",
    latencyMs: 5,
  });

function recordingSink(fail = false): EmbeddedSink & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    batches,
    insertBatch: async (batch) => {
      if (fail) throw new Error("d1 down");
      batches.push(batch.map((o) => o.requestId));
    },
  };
}

describe("OutcomeWriter", () => {
  it("with only Analytics Engine writes one point per outcome and has nothing to flush", () => {
    const points: AnalyticsEngineDataPoint[] = [];
    const writer = new OutcomeWriter({
      analytics: { writeDataPoint: (point) => points.push(point!) } as AnalyticsEngineDataset,
      embedded: null,
    });
    writer.record(outcome("a"));
    expect(points).toHaveLength(1);
    expect(points[0]!.blobs).toContain("a");
    expect(writer.flush()).toBeNull();
    expect(writer.counters).toEqual({ written: 1, dropped: 0 });
  });

  it("flushes embedded batches, keeps what arrives meanwhile, and returns null once nothing is in flight", async () => {
    const sink = recordingSink();
    const writer = new OutcomeWriter({ analytics: undefined, embedded: sink });
    writer.record(outcome("a"));
    const first = writer.flush();
    writer.record(outcome("b"));
    const second = writer.flush();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    await second;
    expect(sink.batches.flat()).toEqual(["a", "b"]);
    expect(writer.flush()).toBeNull();
  });

  it("counts a failed embedded batch as dropped and never rejects", async () => {
    const writer = new OutcomeWriter({ analytics: undefined, embedded: recordingSink(true) });
    writer.record(outcome("a"));
    writer.record(outcome("b"));
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(writer.counters.dropped).toBe(2);
    expect(writer.flush()).toBeNull();
  });

  it("counts outcomes, not sink writes: written once every sink took one, dropped once any lost it, nothing without a sink", async () => {
    const ae = (fail: boolean) =>
      ({
        writeDataPoint: () => {
          if (fail) throw new Error("AE down");
        },
      }) as unknown as AnalyticsEngineDataset;
    const quiet = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const cases: [string, AnalyticsEngineDataset | undefined, EmbeddedSink | null, OutcomeCounters][] = [
      ["no sink at all", undefined, null, { written: 0, dropped: 0 }],
      ["embedded only", undefined, recordingSink(), { written: 2, dropped: 0 }],
      ["AE and embedded", ae(false), recordingSink(), { written: 2, dropped: 0 }],
      ["AE lost, embedded kept", ae(true), recordingSink(), { written: 0, dropped: 2 }],
      ["both lost", ae(true), recordingSink(true), { written: 0, dropped: 2 }],
      ["AE kept, embedded lost", ae(false), recordingSink(true), { written: 0, dropped: 2 }],
    ];
    for (const [name, analytics, embedded, expected] of cases) {
      const writer = new OutcomeWriter({ analytics, embedded });
      writer.record(outcome("a"));
      writer.record(outcome("b"));
      if (embedded) expect(writer.counters.written, `${name}: not written before the flush`).toBe(0);
      await writer.flush();
      expect(writer.counters, name).toEqual(expected);
    }
    quiet.mockRestore();
  });

  it("writes a long buffer in chunks of maxBatch rows within one flush", async () => {
    const sink = recordingSink();
    const writer = new OutcomeWriter({ analytics: undefined, embedded: sink, maxBatch: 2 });
    for (const id of ["a", "b", "c", "d", "e"]) writer.record(outcome(id));
    await writer.flush();
    expect(sink.batches).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(writer.counters.written).toBe(5);
  });
});
