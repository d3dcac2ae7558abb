// Chat-completion usage through the real Worker: fake origins stream
// OpenAI- and Anthropic-format events; the client gets the origin's bytes
// unchanged and as they come, and the outcome records tokens, cost and token
// timing once the body has ended — or `usage unknown`, never zero.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { type ChatAnswer, chatEvents, chatJson, chatStreamOrigin } from "../helpers/chat-origin";
import { callProxy, useFakeOrigins } from "../helpers/proxy-call";
import { outcomeRows, seedFlag, seedRollout } from "../helpers/seed";

const fakes = useFakeOrigins();
const PRICE = { inputPerMTok: 2, outputPerMTok: 8 };

/** Every request served by green (100 % stage); green priced unless `priced` is false. */
async function chatFlag(key: string, usage: "openai" | "anthropic" | null, priced = true) {
  await seedFlag(env.DB, {
    key,
    greenOrigin: JSON.stringify({ url: "https://green.test", ...(priced ? { price: PRICE } : {}) }),
    settings: JSON.stringify(usage ? { response: { usage } } : {}),
  });
  await seedRollout(env.DB, key, `${key}-r`, 100);
}

const openai: ChatAnswer = { format: "openai", tokens: ["Hello", ",", " world"], inputTokens: 12 };
const anthropic: ChatAnswer = { format: "anthropic", tokens: ["Hi", " there"], inputTokens: 20, outputTokens: 4 };

describe("usage of a streamed chat completion", () => {
  const cases: {
    name: string;
    key: string;
    usage: "openai" | "anthropic" | null;
    answer: ChatAnswer;
    priced?: boolean;
    row: object;
  }[] = [
    {
      name: "OpenAI stream with include_usage",
      key: "llm-openai",
      usage: "openai",
      answer: openai,
      row: { usage: "known", inputTokens: 12, outputTokens: 3, costUsd: (12 * 2 + 3 * 8) / 1e6, errorClass: null },
    },
    {
      name: "Anthropic stream (message_start input, message_delta output)",
      key: "llm-anthropic",
      usage: "anthropic",
      answer: anthropic,
      row: { usage: "known", inputTokens: 20, outputTokens: 4, costUsd: (20 * 2 + 4 * 8) / 1e6 },
    },
    {
      name: "an origin without a price: tokens known, cost unknown",
      key: "llm-unpriced",
      usage: "openai",
      answer: openai,
      priced: false,
      row: { usage: "known", inputTokens: 12, outputTokens: 3, costUsd: null },
    },
    {
      name: "a stream without its usage event",
      key: "llm-no-usage",
      usage: "openai",
      answer: { ...openai, withoutUsage: true },
      row: { usage: "unknown", inputTokens: null, outputTokens: null, costUsd: null, errorClass: null },
    },
    {
      name: "a flag that declares no usage",
      key: "llm-undeclared",
      usage: null,
      answer: openai,
      row: { usage: null, inputTokens: null, costUsd: null, ttftMs: null },
    },
  ];
  it.each(cases)("$name", async ({ key, usage, answer, priced, row }) => {
    await chatFlag(key, usage, priced ?? true);
    fakes.current.set("green.test", chatStreamOrigin(answer, 2));
    const response = await callProxy(`/${key}/predict`, { body: "{}" });
    // The client gets the origin's bytes unchanged.
    expect(await response.text()).toBe(chatEvents(answer).join(""));
    const rows = await outcomeRows(env.DB, key);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(row);
    if (usage !== null) {
      // The first text event comes after the first byte (a role-only or message_start event).
      expect(rows[0]!.ttftMs!).toBeGreaterThanOrEqual(rows[0]!.firstByteMs!);
      expect(rows[0]!.ttftMs!).toBeLessThanOrEqual(rows[0]!.durationMs!);
      expect(rows[0]!.interTokenMaxMs!).toBeGreaterThanOrEqual(rows[0]!.interTokenMeanMs!);
    }
  });

  it("a stream cut before its usage event is stream_broken with usage unknown", async () => {
    await chatFlag("llm-cut", "openai");
    fakes.current.set("green.test", chatStreamOrigin({ ...openai, breakAfter: 3 }));
    const response = await callProxy("/llm-cut/predict", { body: "{}" });
    await expect(response.text()).rejects.toThrow();
    const rows = await outcomeRows(env.DB, "llm-cut");
    expect(rows[0]).toMatchObject({
      errorClass: "stream_broken",
      error: 1,
      usage: "unknown",
      inputTokens: null,
      outputTokens: null,
      costUsd: null,
    });
    expect(rows[0]!.ttftMs).not.toBeNull(); // the tokens that did arrive still timed
  });

  it.each([
    ["openai", openai],
    ["anthropic", anthropic],
  ] as const)("reads a whole %s JSON answer too (no time to first token)", async (format, answer) => {
    const key = `llm-json-${format}`;
    await chatFlag(key, format);
    fakes.current.set("green.test", { kind: "json", body: chatJson(answer) });
    const response = await callProxy(`/${key}/predict`, { body: "{}" });
    expect(await response.json()).toEqual(chatJson(answer));
    const rows = await outcomeRows(env.DB, key);
    expect(rows[0]).toMatchObject({
      usage: "known",
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens ?? answer.tokens.length,
      ttftMs: null,
    });
  });

  it("an error answer of a flag that declares usage is usage unknown", async () => {
    await chatFlag("llm-5xx", "openai");
    fakes.current.set("green.test", { kind: "json", status: 503, body: { error: "overloaded" } });
    await callProxy("/llm-5xx/predict", { body: "{}" });
    expect((await outcomeRows(env.DB, "llm-5xx"))[0]).toMatchObject({
      errorClass: "http_5xx",
      usage: "unknown",
      inputTokens: null,
    });
  });

  it("passes events on as they come: the client reads the first before the origin sends the next", async () => {
    await chatFlag("llm-order", "openai");
    const events = chatEvents(openai);
    const log: string[] = [];
    let clientGotFirst!: () => void;
    const firstRead = new Promise<void>((resolve) => (clientGotFirst = resolve));
    const encoder = new TextEncoder();
    fakes.current.set("green.test", {
      kind: "respond",
      respond: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(controller) {
              log.push("origin:1");
              controller.enqueue(encoder.encode(events[0]));
              await Promise.race([firstRead, new Promise((resolve) => setTimeout(resolve, 1_000))]);
              log.push("origin:rest");
              controller.enqueue(encoder.encode(events.slice(1).join("")));
              controller.close();
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    });
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request("https://router.example/llm-order/predict", { method: "POST", body: "{}" }),
      env,
      ctx,
    );
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (text === "") {
        log.push("client:1");
        clientGotFirst();
      }
      text += decoder.decode(value);
    }
    await waitOnExecutionContext(ctx);
    expect(log).toEqual(["origin:1", "client:1", "origin:rest"]);
    expect(text).toBe(events.join(""));
    expect((await outcomeRows(env.DB, "llm-order"))[0]).toMatchObject({ usage: "known", outputTokens: 3 });
  });
});
