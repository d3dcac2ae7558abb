// The demo origins' fault switches (scripts/lib/demo-faults.mjs): the control
// requests refuse bad input with one error shape and change nothing, and each
// switch changes exactly the answers it names.
import { describe, expect, it } from "vitest";
import {
  controlRequest,
  createFaults,
  INVALID_ANSWER_FIELDS,
  planAnswer,
  sentimentAnswer,
  SHIFTED_LABEL,
  streamChunks,
  SWITCHES,
} from "../../scripts/lib/demo-faults.mjs";

const ALL_ZERO = { failRate: 0, invalidRate: 0, labelShift: 0, streamBreakRate: 0 };

describe("control requests", () => {
  it.each(Object.entries(SWITCHES))("POST %s sets %s and answers every switch", (name, key) => {
    const faults = createFaults();
    const answer = controlRequest(faults, "v2", "POST", name, '{"rate":0.25}');
    expect(answer).toEqual({ status: 200, body: { origin: "v2", faults: { ...ALL_ZERO, [key]: 0.25 } } });
    expect(faults).toEqual({ ...ALL_ZERO, [key]: 0.25 });
  });

  it.each<[string, string]>([
    ["above 1", '{"rate":1.5}'],
    ["negative", '{"rate":-0.1}'],
    ["a string", '{"rate":"0.2"}'],
    ["missing", "{}"],
    ["NaN as text", '{"rate":"NaN"}'],
    ["null", '{"rate":null}'],
    ["not JSON", "rate=0.2"],
    ["an empty body", ""],
    ["a JSON array", "[0.2]"],
  ])("a rate %s is a 400 with the error shape and changes nothing", (_, body) => {
    const faults = { ...ALL_ZERO, invalidRate: 0.5 };
    const answer = controlRequest(faults, "v2", "POST", "invalid-rate", body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: "invalid_request", message: expect.stringContaining("0 to 1"), details: { path: "rate" } },
    });
    expect(faults).toEqual({ ...ALL_ZERO, invalidRate: 0.5 });
  });

  it("accepts the bounds 0 and 1", () => {
    const faults = createFaults();
    expect(controlRequest(faults, "v2", "POST", "label-shift", '{"rate":1}').status).toBe(200);
    expect(controlRequest(faults, "v2", "POST", "stream-break-rate", '{"rate":0}').status).toBe(200);
    expect(faults).toEqual({ ...ALL_ZERO, labelShift: 1 });
  });

  it("GET faults shows every switch; reset sets them all to 0", () => {
    const faults = { failRate: 0.1, invalidRate: 0.2, labelShift: 0.3, streamBreakRate: 0.4 };
    expect(controlRequest(faults, "v2", "GET", "faults", "")).toEqual({ status: 200, body: { origin: "v2", faults } });
    expect(controlRequest(faults, "v2", "POST", "reset", "")).toEqual({
      status: 200,
      body: { origin: "v2", faults: ALL_ZERO },
    });
    expect(faults).toEqual(ALL_ZERO);
  });

  it.each<[string, string]>([
    ["POST", "typo-rate"],
    ["GET", "invalid-rate"],
    ["DELETE", "reset"],
    ["POST", "faults"],
  ])("%s %s is a 404 naming the routes", (method, name) => {
    const faults = createFaults();
    const answer = controlRequest(faults, "v2", method, name, '{"rate":1}');
    expect(answer).toMatchObject({
      status: 404,
      body: { error: { code: "not_found", message: expect.stringContaining("stream-break-rate") } },
    });
    expect(faults).toEqual(ALL_ZERO);
  });
});

describe("answers", () => {
  it.each<[number, string, number]>([
    [2, "positive", 0.881],
    [0, "neutral", 0.5],
    [-1, "negative", 0.269],
  ])("raw %d → %s with score %d in 0..1", (raw, label, score) => {
    expect(sentimentAnswer("v2", raw)).toEqual({ model: "sentiment", model_version: "v2", label, score });
  });

  const answer = sentimentAnswer("v2", 2);
  const always = (key: keyof typeof ALL_ZERO) => ({ ...ALL_ZERO, [key]: 1 });
  it.each<[string, typeof ALL_ZERO, boolean, { status: number; body: unknown; breakStream: boolean }]>([
    ["no faults", ALL_ZERO, true, { status: 200, body: answer, breakStream: false }],
    [
      "fail-rate",
      always("failRate"),
      false,
      { status: 500, body: { error: "injected failure", model_version: "v2" }, breakStream: false },
    ],
    [
      "invalid-rate",
      always("invalidRate"),
      false,
      { status: 200, body: { ...answer, ...INVALID_ANSWER_FIELDS }, breakStream: false },
    ],
    [
      "label-shift",
      always("labelShift"),
      false,
      { status: 200, body: { ...answer, label: "negative" }, breakStream: false },
    ],
    [
      "stream-break-rate on a stream",
      always("streamBreakRate"),
      true,
      { status: 200, body: answer, breakStream: true },
    ],
    [
      "stream-break-rate on a plain answer",
      always("streamBreakRate"),
      false,
      { status: 200, body: answer, breakStream: false },
    ],
  ])("%s", (_, faults, streamed, expected) => {
    expect(planAnswer(faults, answer, { streamed })).toEqual(expected);
  });

  it("draws each switch against its own rate", () => {
    const faults = { ...ALL_ZERO, invalidRate: 0.3, labelShift: 0.6 };
    // First draw: invalid? (0.5 ≥ 0.3, no); second: shift? (0.5 < 0.6, yes).
    expect(planAnswer(faults, answer, { streamed: false, random: () => 0.5 }).body).toMatchObject({
      label: "negative",
    });
    expect(planAnswer(faults, answer, { streamed: false, random: () => 0.7 }).body).toEqual(answer);
  });

  it("shifts every label to a different one", () => {
    for (const [from, to] of Object.entries(SHIFTED_LABEL)) expect(to).not.toBe(from);
  });

  it("streams the same JSON document in several chunks", () => {
    const text = JSON.stringify(answer) + "\n";
    const chunks = streamChunks(text);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join("")).toBe(text);
  });
});
