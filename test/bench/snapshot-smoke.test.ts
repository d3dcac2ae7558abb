// Smoke run of the snapshot-scale harness (bench/snapshot-core.ts) at tiny
// size, so `npm test` catches a harness broken by a core change (renamed
// export, snapshot shape, a compiler that rejects the generated rules).
// Timings are not asserted: workerd freezes performance.now() between I/O.
import { describe, expect, it } from "vitest";
import { buildSnapshot, retainedMb, runSnapshotBench } from "../../bench/snapshot-core";
import { compileSnapshot } from "../../src/core/snapshot";

describe("bench:snapshot harness (smoke)", () => {
  it("generates snapshots the core compiler accepts, with every operator family it claims", () => {
    const snapshot = buildSnapshot("smoke", 50, 10);
    const compiled = compileSnapshot(JSON.parse(JSON.stringify(snapshot)));
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.value.overrides.size).toBe(50);
    const operators = new Set(snapshot.rules.flatMap((rule) => rule.segment.constraints.map((c) => c.operator)));
    expect(operators).toContain("matches");
    expect(operators).toContain("ip_in_cidr");
  });

  it("runs end to end at 1 000 overrides / 10 rules and reports the result shape", () => {
    const result = runSnapshotBench({ overrides: 1_000, rules: 10, runs: 2 });
    expect(result).toEqual({
      overrides: 1_000,
      rules: 10,
      compileMs: expect.any(Number),
      serializeMs: expect.any(Number),
      parseMs: expect.any(Number),
      heapMb: null,
      heapMbSingleFlag100k: null,
    });
  });

  it("exercises the memory path with an injected probe", () => {
    // No GC or heap figures inside workerd: a constant probe checks the wiring, not the number.
    expect(retainedMb(() => 0, 10, 100, 2)).toBe(0);
    expect(runSnapshotBench({ overrides: 1_000, rules: 10, runs: 1, heapProbe: () => 0 }).heapMb).toBe(0);
  });
});
