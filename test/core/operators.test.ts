import { describe, expect, it } from "vitest";
import { compileOperator } from "../../src/core/operators";
import { MAX_PATTERN_LENGTH } from "../../src/core/operators/regex";
import cases from "../fixtures/operator-cases.json";

type MatchCase = [string, string[], string | null, boolean];

describe("segment operators (table-driven, test/fixtures/operator-cases.json)", () => {
  it.each(cases.matching as MatchCase[])("%s %j on %j → %s", (operator, values, input, expected) => {
    const predicate = compileOperator(operator, values);
    expect(typeof predicate).toBe("function");
    // A missing attribute never reaches the predicate: the segment treats it as no match.
    const result = input === null ? false : (predicate as (v: string) => boolean)(input);
    expect(result).toBe(expected);
  });

  it.each(cases.invalid as [string, string[]][])("%s %j is refused with a message", (operator, values) => {
    const predicate = compileOperator(operator, values);
    expect(typeof predicate).toBe("string");
    expect((predicate as string).length).toBeGreaterThan(5);
  });

  it("caps regex pattern length", () => {
    expect(typeof compileOperator("matches", ["a".repeat(MAX_PATTERN_LENGTH)])).toBe("function");
    expect(compileOperator("matches", ["a".repeat(MAX_PATTERN_LENGTH + 1)])).toMatch(/longer than/);
  });

  it("does not test overly long inputs against a regex", () => {
    const predicate = compileOperator("matches", ["a$"]) as (v: string) => boolean;
    expect(predicate("b".repeat(100) + "a")).toBe(true);
    expect(predicate("b".repeat(5000) + "a")).toBe(false);
  });
});
