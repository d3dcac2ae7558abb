// The health loop judging green by what its answers cost, through the real
// Worker: OpenAI-format streaming chat origins (blue and green answer the
// same tokens; green's origin is priced twice as high), usage read off the
// served streams, the embedded reader, and the scheduled handler per tick.
import { afterEach, describe, expect, it, vi } from "vitest";
import { chatStreamOrigin } from "../helpers/chat-origin";
import { installFakeOrigins, type OriginBehaviour } from "../helpers/fake-origins";
import { decisionsOf, drive, flagOf, rolloutOf, seedHealthFlag, stage, startRollout, tick } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** A chat model whose answer length varies from request to request (3–7 output tokens). */
function chatModel(): OriginBehaviour {
  let n = 0;
  return {
    kind: "respond",
    respond: (request) => {
      n++;
      const tokens = Array.from({ length: 3 + (n % 5) }, (_, i) => `w${i} `);
      const origin = chatStreamOrigin({ format: "openai", tokens, inputTokens: 20 + (n % 3) });
      return (origin as Extract<OriginBehaviour, { kind: "respond" }>).respond(request);
    },
  };
}

async function seedChatFlag(key: string, guards: Record<string, unknown>) {
  await seedHealthFlag(
    key,
    {},
    {
      blueOrigin: JSON.stringify({ url: `https://blue-${key}.test`, price: { inputPerMTok: 1, outputPerMTok: 4 } }),
      greenOrigin: JSON.stringify({ url: `https://green-${key}.test`, price: { inputPerMTok: 2, outputPerMTok: 8 } }),
      settings: JSON.stringify({
        health: {
          webhook: { url: "https://hooks.test/switchyard" },
          // Neither latency nor time to first token is judged here: both origins answer at
          // once, so their p95s are the test machine's scheduling noise, which on loaded CI
          // runs rolled c2 back (latency_p95 once, ttfb_p95 once).
          guards: { minUsageSamples: 100, latencyMinMarginMs: 60_000, ttfbMinMarginMs: 60_000, ...guards },
        },
        response: { usage: "openai" },
      }),
    },
  );
}

async function run(key: string, ticks: number) {
  for (let t = 0; t < ticks && (await rolloutOf(`r-${key}`)).state === "active"; t++) {
    await drive(key, 300, { offset: t * 300 });
    await tick();
  }
  return (await decisionsOf(key)).filter((d) => d.scope === "rollout");
}

describe("usage guards in the health loop", () => {
  it("green costing 2× per request is rolled back with reason cost_per_request when the flag sets the guard", async () => {
    installFakeOrigins({ "blue-c1.test": chatModel(), "green-c1.test": chatModel() });
    await seedChatFlag("c1", { costPerRequestRatio: 1.5 });
    await startRollout("c1", "r-c1", [stage("serve", 50, 100), stage("serve", 100, 100)]);
    const decisions = await run("c1", 5);
    const last = decisions.at(-1)!;
    expect(last).toMatchObject({ action: "rollback", reason: "cost_per_request", applied: true });
    const guard = last.figures.guards.find((g: { guard: string }) => g.guard === "cost_per_request");
    expect(guard).toMatchObject({ status: "breach", evidence: "sequential" });
    // The decision stores its figures: means per request in USD, and the cap they were held to.
    expect(guard.green / guard.control).toBeGreaterThan(1.9);
    expect(guard.threshold).toBeCloseTo(1.5 * guard.control, 12);
    // Nothing else was wrong: same tokens, every answer a whole 200.
    expect(last.figures.guards.find((g: { guard: string }) => g.guard === "output_tokens")).toMatchObject({
      status: "off",
    });
    expect(last.figures.guards.find((g: { guard: string }) => g.guard === "error_rate")).toMatchObject({ green: 0 });
    expect((await flagOf("c1")).killSwitch).toBe(true);
  });

  it("the same traffic without the guard set is not judged on cost", async () => {
    installFakeOrigins({ "blue-c2.test": chatModel(), "green-c2.test": chatModel() });
    await seedChatFlag("c2", { outputTokensRatio: 1.5 });
    await startRollout("c2", "r-c2", [stage("serve", 50, 100), stage("serve", 100, 100)]);
    const last = (await run("c2", 2)).at(-1)!;
    expect(last.action).not.toBe("rollback");
    const figure = (name: string) => last.figures.guards.find((g: { guard: string }) => g.guard === name);
    expect(figure("cost_per_request")).toMatchObject({ status: "off" });
    // Same tokens on both sides: output_tokens runs and finds nothing.
    expect(figure("output_tokens")).toMatchObject({ status: "ok" });
  });
});
