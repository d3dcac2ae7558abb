import { describe, expect, it } from "vitest";
import { evaluateFlag } from "../../src/core/evaluate";
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
    flag.rules.push({ id: "boom", segmentKey: "boom", variant: "green", greenBuckets: 0, matches: () => { throw new Error("boom"); } });
    expect(evaluateFlag(flag, contextOf("u1"))).toMatchObject({ variant: "blue", reason: "ERROR", errorCode: "evaluation_failed" });
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
