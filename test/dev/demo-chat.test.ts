// The demo-chat seed and its origins' answers (scripts/lib/demo-chat.mjs):
// the flag compiles as the hot path compiles it, the streams are real-format
// OpenAI streams whose usage the router reads, chat v2 answers with more
// tokens and a later first token, and its text is similar enough to v1's for
// the seeded text comparator.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { chatAnswer, chatCompletion, chatEvents, CHAT_VERSIONS } from "../../scripts/lib/demo-chat.mjs";
import { createUsageReader } from "../../src/core/llm/usage-reader";
import { compileComparator, type Comparator } from "../../src/core/shadow/comparators";
import { compileSnapshot } from "../../src/core/snapshot";
import { buildValidSnapshot } from "../../src/store/snapshot-builder";
import { applyDemoSeed } from "../helpers/demo-seed";

const REQUEST = { model: "any", messages: [{ role: "user", content: "How does the router pick a model?" }] };

describe("demo-chat", () => {
  it("is seeded as an LLM flag that compiles: usage read, origins priced and named, text comparator", async () => {
    await applyDemoSeed();
    const built = await buildValidSnapshot(env.DB, "demo-chat");
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    const compiled = compileSnapshot(built.value);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.value.response.usage).toEqual({ format: "openai", maxBodyBytes: 256 * 1024 });
    expect(compiled.value.snapshot.origins.green).toMatchObject({ model: "chat-v2", price: { outputPerMTok: 1.2 } });
    expect(compiled.value.snapshot.rollout).toMatchObject({ stageMode: "shadow" });
  });

  it.each(["v1", "v2"] as const)("chat %s streams real-format events whose usage the router reads", (version) => {
    const answer = chatAnswer(version, REQUEST);
    const reader = createUsageReader("openai", true);
    let at = 0;
    for (const event of chatEvents(version, answer, { includeUsage: true })) {
      at += event.delayMs;
      reader.feed(event.text, at);
    }
    const reading = reader.finish(true);
    expect(reading).toMatchObject({ usage: "known", inputTokens: 7, outputTokens: answer.tokens.length });
    expect(reading.ttftMs).toBe(CHAT_VERSIONS[version].firstTokenMs);
    // Without include_usage the stream has no usage chunk: unknown, never zero.
    const bare = createUsageReader("openai", true);
    for (const event of chatEvents(version, answer, { includeUsage: false })) bare.feed(event.text, 0);
    expect(bare.finish(true).usage).toBe("unknown");
  });

  it("v2 answers with more tokens and a later first token, in words similar enough to v1's", () => {
    const [v1, v2] = [chatAnswer("v1", REQUEST), chatAnswer("v2", REQUEST)];
    expect(v2.tokens.length).toBeGreaterThan(v1.tokens.length);
    expect(CHAT_VERSIONS.v2.firstTokenMs).toBeGreaterThan(CHAT_VERSIONS.v1.firstTokenMs);
    const compare = compileComparator({ kind: "text", minSimilarity: 0.5 }) as Comparator;
    const stream = (version: "v1" | "v2", answer: typeof v1) =>
      chatEvents(version, answer, { includeUsage: true })
        .map((event) => event.text)
        .join("");
    const verdict = compare(stream("v1", v1), stream("v2", v2));
    expect(verdict).toMatchObject({ agree: true, reason: "text_similar" });
    expect(compare(JSON.stringify(chatCompletion(v1)), stream("v1", v1))).toMatchObject({
      agree: true,
      reason: "equal",
    });
  });
});
