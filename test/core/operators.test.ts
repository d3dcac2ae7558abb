import { describe, expect, it } from "vitest";
import { compileOperator, matchesAttribute } from "../../src/core/operators";
import { MAX_PATTERN_LENGTH } from "../../src/core/operators/regex";
import cases from "../fixtures/operator-cases.json";

type MatchCase = [string, string[], string | null, boolean];

describe("segment operators (table-driven, test/fixtures/operator-cases.json)", () => {
  it.each(cases.matching as MatchCase[])("%s %j on %j → %s", (operator, values, input, expected) => {
    const predicate = compileOperator(operator, values);
    expect(typeof predicate).toBe("function");
    // null = the attribute is absent: the segment applies predicates through matchesAttribute only.
    expect(matchesAttribute(predicate as (v: string) => boolean, input ?? undefined)).toBe(expected);
  });

  it.each(cases.invalid as [string, string[]][])("%s %j is refused with a message", (operator, values) => {
    const predicate = compileOperator(operator, values);
    expect(typeof predicate).toBe("string");
    expect((predicate as string).length).toBeGreaterThan(5);
  });

  it("explains a semver value with a leading v", () => {
    expect(compileOperator("semver_gt", ["v2.0.0"])).toBe(
      '"v2.0.0" is not a semantic version: write it without the leading "v"',
    );
    expect(compileOperator("semver_gt", ["version"])).toBe('"version" is not a semantic version');
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
