// An LLM flag through the admin API: usage format, origin prices and model
// names, cost guards and the text comparator are accepted and published; a
// bad one is a clear error that changes nothing.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { snapshotKvKey } from "../../src/store/snapshot-store";
import { call, dbFingerprint, flagBody, json } from "./helpers";

const LLM = {
  origins: {
    blue: { url: "https://blue.test", model: "chat-v1", price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } },
    green: { url: "https://green.test", model: "chat-v2", price: { inputPerMTok: 0.3, outputPerMTok: 1.2 } },
  },
  settings: {
    response: { usage: "openai" },
    shadow: { comparator: { kind: "text", minSimilarity: 0.5 } },
    health: { guards: { costPerRequestRatio: 1.5, outputTokensRatio: 2 } },
  },
};

describe("an LLM flag through the admin API", () => {
  it("is created and published with its prices, models, usage format and text comparator", async () => {
    const response = await call("POST", "/flags", { body: flagBody("llm-admin", LLM) });
    expect(response.status).toBe(201);
    expect(await json(response)).toMatchObject({ origins: LLM.origins, settings: LLM.settings });
    expect(await env.SNAPSHOTS.get(snapshotKvKey("llm-admin"), "json")).toMatchObject({
      origins: LLM.origins,
      response: { usage: "openai" },
      shadow: { comparator: { kind: "text", minSimilarity: 0.5 } },
    });
  });

  it.each([
    [
      400,
      {
        ...LLM,
        origins: {
          ...LLM.origins,
          green: { url: "https://green.test", price: { inputPerMTok: -1, outputPerMTok: 1 } },
        },
      },
    ],
    [400, { ...LLM, origins: { ...LLM.origins, green: { url: "https://green.test", price: { inputPerMTok: 1 } } } }],
    [400, { ...LLM, settings: { response: { usage: "gemini" } } }],
    [400, { ...LLM, settings: { shadow: { comparator: { kind: "text", minSimilarity: 2 } } } }],
    [422, { ...LLM, settings: { health: { guards: { costPerRequestRatio: 0.5 } } } }],
  ])("answers %i for %j and changes nothing", async (status, extra) => {
    const before = await dbFingerprint();
    const response = await call("POST", "/flags", { body: flagBody("llm-bad", extra) });
    expect(response.status).toBe(status);
    expect((await json(response)).error.code).toBe(status === 400 ? "invalid_request" : "invalid_ruleset");
    expect(await dbFingerprint()).toEqual(before);
  });
});
