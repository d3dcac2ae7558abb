// Usage, cost and token timing read from real-format chat completion answers
// (fixtures written from the public OpenAI and Anthropic stream formats).
import { describe, expect, it } from "vitest";
import { priceProblem, requestCostUsd } from "../../src/core/llm/price";
import { answerText, eventText, type UsageFormat } from "../../src/core/llm/usage-format";
import { createUsageReader, MAX_EVENT_CHARS } from "../../src/core/llm/usage-reader";
import anthropicStream from "../fixtures/llm/anthropic-stream.sse?raw";
import openaiStream from "../fixtures/llm/openai-stream.sse?raw";

/** The stream's events, each with the blank line that ends it. */
const eventsOf = (stream: string) =>
  stream
    .split("\n\n")
    .filter((e) => e !== "")
    .map((e) => `${e}\n\n`);
const withoutUsage = (stream: string) =>
  eventsOf(stream)
    .filter((e) => !e.includes('"prompt_tokens"'))
    .join("");

/** Feeds each event 10 ms after the previous one (the first at 100 ms), or the whole text at 100 ms. */
function read(format: UsageFormat, parts: string[], whole = true, eventStream = true) {
  const reader = createUsageReader(format, eventStream);
  parts.forEach((part, i) => reader.feed(part, 100 + 10 * i));
  return reader.finish(whole);
}

describe("usage read from a stream", () => {
  const cases: {
    name: string;
    format: UsageFormat;
    parts: string[];
    whole?: boolean;
    expected: Record<string, unknown>;
  }[] = [
    {
      name: "OpenAI stream, usage in the final chunk (include_usage)",
      format: "openai",
      parts: eventsOf(openaiStream),
      // role-only chunk at 100 carries no text: the first token arrives with the second event
      expected: {
        usage: "known",
        inputTokens: 19,
        outputTokens: 5,
        ttftMs: 110,
        interTokenMeanMs: 10,
        interTokenMaxMs: 10,
      },
    },
    {
      name: "OpenAI stream in one chunk: every event shares its arrival time",
      format: "openai",
      parts: [openaiStream],
      expected: {
        usage: "known",
        inputTokens: 19,
        outputTokens: 5,
        ttftMs: 100,
        interTokenMeanMs: 0,
        interTokenMaxMs: 0,
      },
    },
    {
      name: "OpenAI stream without the usage chunk",
      format: "openai",
      parts: eventsOf(withoutUsage(openaiStream)),
      expected: { usage: "unknown", inputTokens: null, outputTokens: null, ttftMs: 110 },
    },
    {
      name: "OpenAI stream cut after its usage event but before its end",
      format: "openai",
      parts: eventsOf(openaiStream),
      whole: false,
      expected: { usage: "unknown", inputTokens: null, outputTokens: null, ttftMs: 110 },
    },
    {
      name: "Anthropic stream: message_start input, cumulative message_delta output",
      format: "anthropic",
      parts: eventsOf(anthropicStream),
      // message_start, content_block_start and ping carry no text: first delta is the 4th event
      expected: {
        usage: "known",
        inputTokens: 31,
        outputTokens: 7,
        ttftMs: 130,
        interTokenMeanMs: 10,
        interTokenMaxMs: 10,
      },
    },
    {
      name: "Anthropic stream cut before message_delta: output unknown",
      format: "anthropic",
      parts: eventsOf(anthropicStream).filter((e) => !e.startsWith("event: message_delta")),
      expected: { usage: "unknown", inputTokens: null, outputTokens: null },
    },
    {
      name: "Anthropic message_delta restating input tokens replaces message_start's",
      format: "anthropic",
      parts: [
        ...eventsOf(anthropicStream).slice(0, 4),
        'event: message_delta\ndata: {"type":"message_delta","delta":{},"usage":{"input_tokens":40,"output_tokens":3}}\n\n',
        'event: message_delta\ndata: {"type":"message_delta","delta":{},"usage":{"output_tokens":9}}\n\n',
      ],
      expected: { usage: "known", inputTokens: 40, outputTokens: 9 },
    },
    {
      name: "a format's usage is not read from the other format's stream",
      format: "anthropic",
      parts: eventsOf(openaiStream),
      expected: { usage: "unknown", ttftMs: null },
    },
    {
      name: "an event line over the parser's buffer cap stops the reading",
      format: "openai",
      parts: [`data: ${"x".repeat(MAX_EVENT_CHARS + 10)}`, ...eventsOf(openaiStream)],
      expected: { usage: "unknown", inputTokens: null },
    },
  ];
  it.each(cases)("$name", ({ format, parts, whole, expected }) => {
    expect(read(format, parts, whole ?? true)).toMatchObject(expected);
  });

  it("reads the same usage whatever the chunk boundaries (CRLF line ends too)", () => {
    for (const stream of [openaiStream, openaiStream.replaceAll("\n", "\r\n")]) {
      for (const size of [1, 7, 64, 333]) {
        const parts: string[] = [];
        for (let at = 0; at < stream.length; at += size) parts.push(stream.slice(at, at + size));
        expect(read("openai", parts)).toMatchObject({ usage: "known", inputTokens: 19, outputTokens: 5 });
      }
    }
  });

  it("finishes a final event that lacks its blank line when the body ended whole", () => {
    const stream = openaiStream.replace(/\n\ndata: \[DONE\]\n\n$/, "");
    expect(stream.endsWith("}")).toBe(true);
    expect(read("openai", [stream])).toMatchObject({ usage: "known", outputTokens: 5 });
  });
});

describe("usage read from a whole JSON answer", () => {
  const openai = {
    id: "chatcmpl-1",
    choices: [{ index: 0, message: { role: "assistant", content: "Hi" } }],
    usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
  };
  const anthropic = {
    id: "msg_1",
    content: [{ type: "text", text: "Hi" }],
    usage: { input_tokens: 8, output_tokens: 2 },
  };
  it.each([
    {
      format: "openai" as const,
      body: JSON.stringify(openai),
      expected: { usage: "known", inputTokens: 12, outputTokens: 3 },
    },
    {
      format: "anthropic" as const,
      body: JSON.stringify(anthropic),
      expected: { usage: "known", inputTokens: 8, outputTokens: 2 },
    },
    {
      format: "openai" as const,
      body: JSON.stringify({ ...openai, usage: undefined }),
      expected: { usage: "unknown", inputTokens: null },
    },
    {
      format: "openai" as const,
      body: JSON.stringify({ ...openai, usage: { prompt_tokens: -1, completion_tokens: 3 } }),
      expected: { usage: "unknown" },
    },
    { format: "anthropic" as const, body: "<html>busy</html>", expected: { usage: "unknown", outputTokens: null } },
  ])("$format: $body", ({ format, body, expected }) => {
    const halves = [body.slice(0, 9), body.slice(9)];
    expect(read(format, halves, true, false)).toMatchObject({ ...expected, ttftMs: null });
  });

  it("a JSON answer that broke off is unknown even when its usage had arrived", () => {
    expect(read("openai", [JSON.stringify(openai)], false, false)).toMatchObject({ usage: "unknown" });
  });

  it("the whole answer's text, per format", () => {
    expect(answerText("openai", openai)).toBe("Hi");
    expect(answerText("anthropic", anthropic)).toBe("Hi");
    expect(answerText("anthropic", openai)).toBe("");
  });
});

describe("generated text of one event", () => {
  it.each([
    ["openai", { choices: [{ delta: { content: "a" } }, { delta: { content: "b" } }] }, "ab"],
    ["openai", { choices: [{ delta: { role: "assistant" } }] }, ""],
    ["openai", { choices: [], usage: { prompt_tokens: 1 } }, ""],
    ["anthropic", { type: "content_block_delta", delta: { type: "text_delta", text: "x" } }, "x"],
    ["anthropic", { type: "content_block_delta", delta: { type: "input_json_delta", partial_json: "{" } }, ""],
    ["anthropic", "not an object", ""],
  ] as const)("%s %j → %j", (format, event, text) => {
    expect(eventText(format, event)).toBe(text);
  });
});

describe("cost of a request", () => {
  const price = { inputPerMTok: 3, outputPerMTok: 15 };
  it.each([
    { input: 1_000_000, output: 0, expected: 3 },
    { input: 0, output: 1_000_000, expected: 15 },
    { input: 19, output: 5, expected: (19 * 3 + 5 * 15) / 1e6 },
    { input: 0, output: 0, expected: 0 },
  ])("$input in, $output out → $expected USD", ({ input, output, expected }) => {
    expect(requestCostUsd(price, input, output)).toBeCloseTo(expected, 12);
  });
  it("is unknown without a price or without usage", () => {
    expect(requestCostUsd(null, 10, 10)).toBeNull();
    expect(requestCostUsd(price, null, 10)).toBeNull();
    expect(requestCostUsd(price, 10, null)).toBeNull();
  });
  it.each([
    [{ inputPerMTok: 1, outputPerMTok: 2 }, null],
    [{ inputPerMTok: 0, outputPerMTok: 0 }, null],
    [{ inputPerMTok: 1 }, "outputPerMTok must be a number of USD per million tokens, 0–10000"],
    [{ inputPerMTok: -1, outputPerMTok: 2 }, "inputPerMTok must be a number of USD per million tokens, 0–10000"],
    [
      { inputPerMTok: 1, outputPerMTok: 2, currency: "EUR" },
      "currency is not a price field (inputPerMTok, outputPerMTok)",
    ],
    ["3", "must be an object"],
  ])("price %j → %s", (raw, problem) => {
    expect(priceProblem(raw)).toBe(problem);
  });
});
