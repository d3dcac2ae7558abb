// The `text` comparator: generated answers (streamed as OpenAI or Anthropic
// events, raw `data:` payloads, or whole JSON) assembled into text and scored
// by normalised token overlap against a per-flag threshold.
import { describe, expect, it } from "vitest";
import { assembleAnswerText } from "../../src/core/llm/assemble-text";
import { compileComparator, type Comparator } from "../../src/core/shadow/comparators";
import { similarityDistribution, type ShadowPair } from "../../src/core/shadow/report";
import { textSimilarity, wordsOf } from "../../src/core/shadow/text-similarity";
import { chatEvents, chatJson } from "../helpers/chat-origin";
import anthropicStream from "../fixtures/llm/anthropic-stream.sse?raw";
import openaiStream from "../fixtures/llm/openai-stream.sse?raw";

describe("assembleAnswerText", () => {
  it.each([
    ["an OpenAI stream (choices[].delta.content)", openaiStream, "The rollout looks healthy."],
    ["an Anthropic stream (content_block_delta text)", anthropicStream, "Green answers with more words"],
    ["raw data: payloads", "data: hello\n\ndata: world\n\ndata: [DONE]\n\n", "helloworld"],
    ["a multi-line data payload", "data: one\ndata: two\n\n", "one\ntwo"],
    ["a whole OpenAI answer", JSON.stringify(chatJson({ format: "openai", tokens: ["a", "b"], inputTokens: 1 })), "ab"],
    ["a whole Anthropic answer", JSON.stringify(chatJson({ format: "anthropic", tokens: ["c"], inputTokens: 1 })), "c"],
    ["plain text", "just words", "just words"],
    ["JSON that is no chat answer", '{"label":"positive"}', '{"label":"positive"}'],
    ["an empty body", "", ""],
  ])("%s", (_, body, text) => {
    expect(assembleAnswerText(body)).toBe(text);
  });

  it("assembles the same text whatever the event boundaries look like (CRLF)", () => {
    expect(assembleAnswerText(openaiStream.replaceAll("\n", "\r\n"))).toBe("The rollout looks healthy.");
  });
});

describe("textSimilarity", () => {
  it.each([
    ["identical", "The cat sat on the mat", "The cat sat on the mat", 1],
    ["case, punctuation and spacing", "The cat  sat, on the MAT!", "the cat sat on the mat", 1],
    ["reordered (order is not seen)", "on the mat the cat sat", "The cat sat on the mat", 1],
    ["paraphrased, most words kept", "The cat sat on the mat", "The cat was sitting on the mat", (2 * 5) / 13],
    ["nothing shared", "alpha beta", "gamma delta", 0],
    ["one side empty", "", "some words", 0],
    ["both empty (no words on either side)", "", "  ...  ", 1],
    ["repeated words count with multiplicity", "yes yes yes", "yes", (2 * 1) / 4],
    ["non-UTF-8 bytes decoded as U+FFFD are not words", "ok \uFFFD\uFFFD fine", "ok fine", 1],
    ["full-width and composed forms fold (NFKC)", "ＡＢＣ café", "abc cafe\u0301", 1],
    ["ideographs are words one by one", "我喜欢猫", "我喜欢狗", (2 * 3) / 8],
  ])("%s", (_, a, b, expected) => {
    expect(textSimilarity(a, b)).toBeCloseTo(expected, 12);
    expect(textSimilarity(b, a)).toBeCloseTo(expected, 12);
  });

  it("a lone surrogate is not a word and never throws", () => {
    expect(wordsOf("a\uD800b")).toEqual(["a", "b"]);
  });
});

describe("text comparator", () => {
  const compare = compileComparator({ kind: "text", minSimilarity: 0.6 }) as Comparator;
  const stream = (format: "openai" | "anthropic", tokens: string[]) =>
    chatEvents({ format, tokens, inputTokens: 1 }).join("");

  it.each([
    [
      "same text, different formats",
      stream("openai", ["Hi", " there"]),
      stream("anthropic", ["Hi there"]),
      true,
      1,
      "equal",
    ],
    [
      "a paraphrase above the threshold",
      stream("openai", ["The answer is forty two"]),
      stream("openai", ["The answer is 42, forty two"]),
      true,
      (2 * 5) / 11,
      "text_similar",
    ],
    [
      "a different answer",
      stream("openai", ["Yes, deploy it"]),
      stream("openai", ["No, roll back now"]),
      false,
      0,
      "text_differs",
    ],
    ["green empty", stream("openai", ["Some text"]), stream("openai", []), false, 0, "text_differs"],
    ["both empty", stream("openai", []), stream("anthropic", []), true, 1, "equal"],
  ])("%s", (_, blue, green, agree, similarity, reason) => {
    const result = compare(blue, green);
    expect(result).toMatchObject({ agree, reason });
    expect(result.similarity).toBeCloseTo(similarity, 12);
  });

  it("agrees at the threshold and not below it; a threshold outside 0..1 is refused", () => {
    const at = compileComparator({ kind: "text", minSimilarity: 0.5 }) as Comparator;
    expect(at("a b", "a c")).toMatchObject({ agree: true, similarity: 0.5 });
    expect((compileComparator({ kind: "text", minSimilarity: 0.51 }) as Comparator)("a b", "a c").agree).toBe(false);
    expect(compileComparator({ kind: "text", minSimilarity: 1.5 })).toBe("minSimilarity must be 0..1");
  });
});

describe("similarity distribution of a shadow report", () => {
  const pair = (similarity: number | null, agreement: number | null = 1): ShadowPair => ({
    requestId: "r",
    segment: "(default)",
    agreement,
    comparatorReason: "text_similar",
    greenLatencyMs: 1,
    blueLatencyMs: 1,
    greenError: false,
    blueError: false,
    similarity,
  });
  it("quantiles and ten bins over compared pairs only", () => {
    const pairs = [0, 0.05, 0.3, 0.55, 0.6, 0.61, 0.9, 0.95, 1, 1].map((s) => pair(s));
    const distribution = similarityDistribution([...pairs, pair(0.2, null), pair(null)]);
    expect(distribution).toEqual({
      n: 10,
      mean: (0 + 0.05 + 0.3 + 0.55 + 0.6 + 0.61 + 0.9 + 0.95 + 1 + 1) / 10,
      p10: 0,
      p50: 0.6,
      p90: 1,
      histogram: [2, 0, 0, 1, 0, 1, 2, 0, 0, 4],
    });
    expect(similarityDistribution([pair(null)])).toBeNull();
  });
});
