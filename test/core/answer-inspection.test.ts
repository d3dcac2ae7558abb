// The response contract: what is refused when a flag is written, and what
// inspecting an answer finds, one row per kind of model the docs describe.
import { describe, expect, it } from "vitest";
import { inspectAnswer } from "../../src/core/answer-inspection";
import { compileResponse, MAX_LABEL_CHARS, type AnswerContract } from "../../src/core/response-settings";

function compiled(raw: unknown): AnswerContract {
  const result = compileResponse(raw);
  if ("message" in result || result.contract === null)
    throw new Error(`expected a contract, got ${JSON.stringify(result)}`);
  return result.contract;
}

const CLASSIFIER = {
  schema: {
    type: "object",
    required: ["label", "score"],
    properties: {
      label: { enum: ["positive", "negative", "neutral"] },
      score: { type: "number", minimum: 0, maximum: 1 },
    },
  },
  prediction: "$.label",
};
const REGRESSION = {
  schema: { type: "object", required: ["price"], properties: { price: { type: "number" } } },
  prediction: "$.price",
};
const EXTRACTION = {
  schema: {
    type: "object",
    required: ["invoice"],
    properties: {
      invoice: {
        type: "object",
        required: ["number", "total"],
        properties: { number: { type: "string", pattern: "^INV-\\d+$" }, total: { type: "number" } },
      },
    },
  },
};

describe("compileResponse refuses a bad contract with the path of the problem", () => {
  it.each([
    ["not an object", "yes", "response"],
    ["unknown setting", { schema: {}, colour: 1 }, "response.colour"],
    ["sample rate over 100", { schema: {}, sampleRate: 101 }, "response.sampleRate"],
    ["fractional byte cap", { schema: {}, maxBodyBytes: 1.5 }, "response.maxBodyBytes"],
    ["byte cap over the ceiling", { schema: {}, maxBodyBytes: 5 * 1024 * 1024 }, "response.maxBodyBytes"],
    ["schema that is a string", { schema: "object" }, "response.schema"],
    ["misspelt type", { schema: { properties: { a: { type: "strng" } } } }, "response.schema"],
    ["unresolvable $ref", { schema: { $ref: "#/$defs/missing" } }, "response.schema"],
    ["path without $", { prediction: "label" }, "response.prediction"],
    ["wildcard path", { prediction: "$.labels[*]" }, "response.prediction"],
  ])("%s", (_, raw, path) => {
    expect(compileResponse(raw)).toMatchObject({ path });
  });

  it("a flag without a schema or prediction path has no contract (no inspection at all)", () => {
    expect(compileResponse({})).toMatchObject({ contract: null });
    expect(compileResponse({ sampleRate: 50 })).toMatchObject({ contract: null });
  });

  it("accepts enum values that are not types, and turns the sample rate into buckets", () => {
    const contract = compiled({ schema: { enum: ["string", "strng"] }, sampleRate: 12.5 });
    expect(contract.sampleBuckets).toBe(12_500);
  });
});

describe("inspectAnswer", () => {
  it.each([
    [
      "classifier, valid",
      CLASSIFIER,
      { label: "positive", score: 0.9 },
      { state: "valid", label: "positive", value: null },
    ],
    [
      "classifier, null label and NaN score",
      CLASSIFIER,
      { label: null, score: "NaN" },
      { state: "invalid", label: null },
    ],
    [
      "classifier, label outside the enum",
      CLASSIFIER,
      { label: "happy", score: 0.5 },
      { state: "invalid", reason: "enum at #/label", label: "happy" },
    ],
    ["regression, valid", REGRESSION, { price: 12.5 }, { state: "valid", value: 12.5, label: null }],
    ["regression, price as string", REGRESSION, { price: "12.5" }, { state: "invalid", reason: "type at #/price" }],
    ["extraction, valid", EXTRACTION, { invoice: { number: "INV-42", total: 10 } }, { state: "valid", reason: null }],
    [
      "extraction, bad number",
      EXTRACTION,
      { invoice: { number: "42", total: 10 } },
      { state: "invalid", reason: "pattern at #/invoice/number" },
    ],
    [
      "prediction path only, value missing",
      { prediction: "$.label" },
      { other: 1 },
      { state: "invalid", reason: "prediction_missing" },
    ],
    [
      "prediction path only, object",
      { prediction: "$.label" },
      { label: { a: 1 } },
      { state: "invalid", reason: "prediction_not_scalar" },
    ],
    ["boolean prediction is a label", { prediction: "$.spam" }, { spam: true }, { state: "valid", label: "true" }],
  ])("%s", (_, raw, answer, expected) => {
    expect(inspectAnswer(compiled(raw), JSON.stringify(answer))).toMatchObject(expected);
  });

  it("text that is not JSON is invalid", () => {
    expect(inspectAnswer(compiled(CLASSIFIER), "<html>oops</html>")).toEqual({
      state: "invalid",
      reason: "not_json",
      label: null,
      value: null,
    });
  });

  it("cuts long labels so a stored outcome stays bounded", () => {
    const long = "x".repeat(500);
    expect(inspectAnswer(compiled({ prediction: "$.label" }), JSON.stringify({ label: long })).label).toHaveLength(
      MAX_LABEL_CHARS,
    );
  });
});
