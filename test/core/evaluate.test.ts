import { describe, expect, it } from "vitest";
import { decide, evaluateFlag, type SnapshotLookup } from "../../src/core/evaluate";
import { compileSnapshot } from "../../src/core/snapshot";
import type { CompiledFlag } from "../../src/core/types";
import fixture from "../fixtures/evaluation-cases.json";
import { contextOf } from "../helpers/context";

function compiled(patch: object): CompiledFlag {
  const result = compileSnapshot({ ...fixture.base, ...patch });
  if (!result.ok) throw new Error(`fixture does not compile: ${JSON.stringify(result.error)}`);
  return result.value;
}

describe("evaluateFlag order and reasons (test/fixtures/evaluation-cases.json)", () => {
  it.each(fixture.cases)("$name", ({ snapshot, unitKey, attributes, expected }) => {
    const evaluation = evaluateFlag(compiled(snapshot), contextOf(unitKey, attributes as Record<string, string>));
    expect({ variant: evaluation.variant, reason: evaluation.reason, ruleId: evaluation.ruleId }).toEqual(expected);
  });

  it("a rule predicate that throws yields blue with ERROR instead of throwing", () => {
    const flag = compiled({ rollout: { id: "r1", state: "active", stageIndex: 0, stageMode: "serve", percent: 100 } });
    flag.rules.push({
      id: "boom",
      segmentKey: "boom",
      variant: "green",
      greenBuckets: 0,
      matches: () => {
        throw new Error("boom");
      },
    });
    expect(evaluateFlag(flag, contextOf("u1"))).toMatchObject({
      variant: "blue",
      reason: "ERROR",
      errorCode: "evaluation_failed",
    });
  });
});

describe("decide: the index entry's kill switch and the snapshot lookup, shared by the proxy path and OFREP", () => {
  // A 100 % serving flag: evaluated normally, unit "u1" gets green by SPLIT.
  const serving = () =>
    compiled({ rollout: { id: "r1", state: "active", stageIndex: 0, stageMode: "serve", percent: 100 } });
  const found = (): SnapshotLookup => ({ ok: true, flag: serving() });
  const missing: SnapshotLookup = { ok: false, errorCode: "snapshot_unavailable" };
  const context = () => contextOf("u1");
  const failing = () => {
    throw new Error("no unit key");
  };

  it.each([
    {
      name: "snapshot read, not killed: the evaluator decides",
      killed: false,
      lookup: found,
      contextFor: context,
      expected: { variant: "green", reason: "SPLIT", errorCode: null },
      hasFlag: true,
      hasContext: true,
    },
    {
      name: "the index's kill switch wins over a snapshot that is not killed yet",
      killed: true,
      lookup: found,
      contextFor: context,
      expected: { variant: "blue", reason: "KILL_SWITCH", errorCode: null },
      hasFlag: true,
      hasContext: true,
    },
    {
      name: "no snapshot: blue with ERROR and the lookup's code",
      killed: false,
      lookup: () => missing,
      contextFor: context,
      expected: { variant: "blue", reason: "ERROR", errorCode: "snapshot_unavailable" },
      hasFlag: false,
      hasContext: false,
    },
    {
      name: "no snapshot but killed in the index: KILL_SWITCH",
      killed: true,
      lookup: () => missing,
      contextFor: context,
      expected: { variant: "blue", reason: "KILL_SWITCH", errorCode: null },
      hasFlag: false,
      hasContext: false,
    },
    {
      name: "a context that cannot be built: blue with ERROR context_failed",
      killed: false,
      lookup: found,
      contextFor: failing,
      expected: { variant: "blue", reason: "ERROR", errorCode: "context_failed" },
      hasFlag: true,
      hasContext: false,
    },
  ])("$name", ({ killed, lookup, contextFor, expected, hasFlag, hasContext }) => {
    const decision = decide(killed, lookup(), contextFor);
    expect(decision.evaluation).toMatchObject(expected);
    expect(decision.flag !== null).toBe(hasFlag);
    expect(decision.context !== null).toBe(hasContext);
  });
});

describe("compileSnapshot refuses malformed snapshots with a typed error", () => {
  it.each(fixture.invalid)("$name", (testCase) => {
    const raw = typeof testCase.snapshot === "string" ? testCase.snapshot : { ...fixture.base, ...testCase.snapshot };
    const result = compileSnapshot(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    if ("code" in testCase) expect(result.error.code).toBe(testCase.code);
    else expect(result.error).toMatchObject({ code: "invalid_snapshot", path: testCase.path });
    expect(result.error.message.length).toBeGreaterThan(0);
  });

  it("compiles the override map for O(1) lookups", () => {
    const flag = compiled({ overrides: { a: "green", b: "blue" } });
    expect(flag.overrides).toBeInstanceOf(Map);
    expect(flag.overrides.get("a")).toBe("green");
    expect(flag.overrides.size).toBe(2);
  });
});
