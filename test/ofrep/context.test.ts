// Pure parts of OFREP: request parsing, the attribute mapping, the reason
// mapping and If-None-Match matching.
import { describe, expect, it } from "vitest";
import { OFREP_REASONS, toOpenFeatureReason } from "../../src/core/openfeature";
import { REASONS } from "../../src/core/types";
import { attributeLookup, CONTEXT_LIMITS, parseEvaluationRequest } from "../../src/ofrep/context";
import { matchesIfNoneMatch } from "../../src/ofrep/etag";

const parse = (body: unknown) => parseEvaluationRequest(typeof body === "string" ? body : JSON.stringify(body));

describe("parseEvaluationRequest", () => {
  it("takes targetingKey as the unit key and flattens the rest into attributes", () => {
    const result = parse({
      context: {
        targetingKey: "u1",
        plan: "pro",
        age: 42,
        beta: true,
        gone: null,
        cf: { country: "DE", geo: { city: "Berlin" } },
      },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.targetingKey).toBe("u1");
    expect(Object.fromEntries(result.value.attributes)).toEqual({
      plan: "pro",
      age: "42",
      beta: "true",
      "cf.country": "DE",
      "cf.geo.city": "Berlin",
    });
  });

  it.each([
    ["", "TARGETING_KEY_MISSING"],
    [{ context: { targetingKey: "" } }, "TARGETING_KEY_MISSING"],
    [{ context: null }, "TARGETING_KEY_MISSING"],
    [{ context: { targetingKey: { id: 1 } } }, "INVALID_CONTEXT"],
    [{ context: { targetingKey: "x".repeat(257) } }, "INVALID_CONTEXT"],
    [{ context: [] }, "INVALID_CONTEXT"],
    [{ context: { targetingKey: "u", a: { b: { c: { d: { e: 1 } } } } } }, "INVALID_CONTEXT"],
    [{ context: { targetingKey: "u", long: "v".repeat(1025) } }, "INVALID_CONTEXT"],
    [
      { context: { targetingKey: "u", ...Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`a${i}`, "v"])) } },
      "INVALID_CONTEXT",
    ],
    [`{"context":{"targetingKey":"u","pad":"${"x".repeat(CONTEXT_LIMITS.bodyChars)}"}}`, "INVALID_CONTEXT"],
    ["{", "PARSE_ERROR"],
    ["null", "PARSE_ERROR"],
    ['"text"', "PARSE_ERROR"],
  ])("%j → %s", (body, code) => {
    const result = parse(body);
    expect(result.ok ? null : result.error.code).toBe(code);
  });

  it("looks an attribute up by full name, then by the part after its scope", () => {
    const lookup = attributeLookup(
      new Map([
        ["country", "DE"],
        ["header.x-plan", "pro"],
        ["x-plan", "free"],
      ]),
    );
    expect(lookup("cf.country")).toBe("DE");
    expect(lookup("header.x-plan")).toBe("pro"); // the exact name wins
    expect(lookup("query.region")).toBeUndefined();
    expect(lookup("country")).toBe("DE");
  });
});

describe("toOpenFeatureReason", () => {
  it("maps every switchyard reason into the OFREP vocabulary; only ERROR is left for an error body", () => {
    const mapped = REASONS.map((reason) => [reason, toOpenFeatureReason(reason, false)]);
    expect(Object.fromEntries(mapped)).toEqual({
      KILL_SWITCH: "DISABLED",
      OVERRIDE: "TARGETING_MATCH",
      SEGMENT_MATCH: "TARGETING_MATCH",
      SPLIT: "SPLIT",
      DEFAULT: "UNKNOWN",
      ERROR: "ERROR",
    });
    for (const [reason, wire] of mapped) if (reason !== "ERROR") expect(OFREP_REASONS).toContain(wire);
    expect(OFREP_REASONS).toEqual(["STATIC", "TARGETING_MATCH", "SPLIT", "DISABLED", "UNKNOWN"]);
  });

  it("calls DEFAULT STATIC only for a flag with nothing that could vary", () => {
    expect(toOpenFeatureReason("DEFAULT", true)).toBe("STATIC");
    expect(toOpenFeatureReason("KILL_SWITCH", true)).toBe("DISABLED");
    expect(toOpenFeatureReason("ERROR", true)).toBe("ERROR");
  });
});

describe("matchesIfNoneMatch", () => {
  it.each([
    [undefined, false],
    ["", false],
    ['"ofrep-1"', true],
    ['W/"ofrep-1"', true],
    ['"x", "ofrep-1"', true],
    ["*", true],
    ['"ofrep-2"', false],
  ])("%j → %s", (header, expected) => {
    expect(matchesIfNoneMatch(header, '"ofrep-1"')).toBe(expected);
  });
});
