// Shadow comparison of generated text through the real Worker: blue serves an
// OpenAI-format stream, green's mirrored answer streams too (in either
// format); the mirror assembles both into text and the `text` comparator
// scores them. The shadow report shows the similarity distribution and the
// least similar examples.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { call as adminCall, json } from "../admin/helpers";
import { type ChatAnswer, chatEvents, chatStreamOrigin } from "../helpers/chat-origin";
import { installFakeOrigins, type OriginBehaviour } from "../helpers/fake-origins";
import { outcomeRows, seedFlag, seedRollout } from "../helpers/seed";

let origins: ReturnType<typeof installFakeOrigins>;
beforeEach(() => {
  origins = installFakeOrigins();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function textShadowFlag(key: string) {
  await seedFlag(env.DB, {
    key,
    settings: JSON.stringify({
      shadow: { comparator: { kind: "text", minSimilarity: 0.6 }, exampleRate: 1, thresholds: { minSamples: 2 } },
    }),
  });
  await seedRollout(env.DB, key, `${key}-r`, 0, "shadow");
}

async function send(key: string, user: string) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example/${key}/predict`, {
      method: "POST",
      body: "{}",
      headers: { "x-user-id": user },
    }),
    env,
    ctx,
  );
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, text };
}

/** A green whose answers follow `answers` in order, one per request. */
function sequence(answers: ChatAnswer[]): OriginBehaviour {
  let n = 0;
  return {
    kind: "respond",
    respond: (request) =>
      (chatStreamOrigin(answers[n++ % answers.length]!) as Extract<OriginBehaviour, { kind: "respond" }>).respond(
        request,
      ),
  };
}

const BLUE: ChatAnswer = { format: "openai", tokens: ["The", " rollout", " is", " healthy", " today"], inputTokens: 9 };

describe("text shadow comparison", () => {
  it("records green's token usage and cost on mirrored pairs when the flag declares usage", async () => {
    await seedFlag(env.DB, {
      key: "sht-usage",
      greenOrigin: JSON.stringify({ url: "https://green.test", price: { inputPerMTok: 1, outputPerMTok: 3 } }),
      settings: JSON.stringify({ response: { usage: "anthropic" }, shadow: { comparator: { kind: "text" } } }),
    });
    await seedRollout(env.DB, "sht-usage", "sht-usage-r", 0, "shadow");
    origins.set("blue.test", chatStreamOrigin({ ...BLUE, format: "anthropic" }));
    origins.set(
      "green.test",
      chatStreamOrigin({ format: "anthropic", tokens: ["a", "b"], inputTokens: 9, outputTokens: 40 }),
    );
    await send("sht-usage", "u1");
    const rows = await outcomeRows(env.DB, "sht-usage");
    expect(rows.find((row) => row.kind === "shadow")).toMatchObject({
      usage: "known",
      inputTokens: 9,
      outputTokens: 40,
      costUsd: (9 * 1 + 40 * 3) / 1e6,
      ttftMs: null,
    });
    // Blue's served answer has its own usage (and no price: cost unknown).
    expect(rows.find((row) => row.kind === "served")).toMatchObject({ usage: "known", outputTokens: 5, costUsd: null });
  });

  it("scores green's streamed text against blue's, whatever either's format, and reports the spread", async () => {
    await textShadowFlag("sht");
    origins.set("blue.test", chatStreamOrigin(BLUE));
    origins.set(
      "green.test",
      sequence([
        { format: "anthropic", tokens: ["The rollout is healthy today"], inputTokens: 9 },
        { format: "openai", tokens: ["Today", " the", " rollout", " is", " quite", " healthy"], inputTokens: 9 },
        { format: "openai", tokens: ["Error", " budget", " exhausted"], inputTokens: 9 },
      ]),
    );
    for (const user of ["u1", "u2", "u3"]) {
      const { response, text } = await send("sht", user);
      // The client gets blue's stream, byte for byte.
      expect(response.headers.get("x-model-variant")).toBe("blue");
      expect(text).toBe(chatEvents(BLUE).join(""));
    }
    const shadow = (await outcomeRows(env.DB, "sht")).filter((row) => row.kind === "shadow");
    expect(shadow.map((row) => [row.comparatorReason, row.shadowAgreement])).toEqual([
      ["equal", 1],
      ["text_similar", 1],
      ["text_differs", 0],
    ]);
    expect(shadow[1]!.similarity).toBeCloseTo((2 * 5) / 11, 9);
    expect(shadow[2]!.similarity).toBe(0);

    const report = await json(await adminCall("GET", "/flags/sht/shadow?examples=5"));
    expect(report.comparator).toEqual({ kind: "text", minSimilarity: 0.6 });
    expect(report.similarity).toMatchObject({
      n: 3,
      p50: shadow[1]!.similarity,
      histogram: [1, 0, 0, 0, 0, 0, 0, 0, 0, 2],
    });
    // The least similar answers come first among the examples (only disagreements are kept).
    expect(report.topDisagreements).toHaveLength(1);
    expect(report.topDisagreements[0]).toMatchObject({ reason: "text_differs", similarity: 0 });
    expect(report.topDisagreements[0].greenBody).toContain("exhausted");
  });
});
