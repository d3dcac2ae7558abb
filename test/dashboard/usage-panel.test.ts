// The flag page of an LLM flag shows per-variant tokens, cost and time to
// first token under the experiment report; a flag that reads no usage shows
// no such table.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Outcome } from "../../src/core/outcome";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { servedOutcome } from "../helpers/outcome";
import { seedFlag, seedRollout } from "../helpers/seed";
import { page, signIn } from "./helpers";

let cookie: string;
beforeAll(async () => {
  cookie = await signIn();
});

async function flagWithOutcomes(key: string, fields: (variant: "blue" | "green", i: number) => Partial<Outcome>) {
  await seedFlag(env.DB, { key });
  await seedRollout(env.DB, key, `${key}-r`, 25);
  const rows = (["blue", "green"] as const).flatMap((variant) =>
    Array.from({ length: 10 }, (_, i) =>
      servedOutcome({
        flagKey: key,
        rolloutId: `${key}-r`,
        stage: "serve:25",
        variant,
        requestId: `${key}-${variant}-${i}`,
        ...fields(variant, i),
      }),
    ),
  );
  await createEmbeddedOutcomeStore(env.DB).insertBatch(rows);
}

describe("usage on the flag page", () => {
  it("shows tokens, cost per request and per 1 000, and time to first token per variant", async () => {
    await flagWithOutcomes("dash-llm", (variant) => ({
      usage: "known",
      inputTokens: 10,
      outputTokens: variant === "blue" ? 100 : 250,
      costUsd: variant === "blue" ? 0.001 : 0.0025,
      ttftMs: variant === "blue" ? 40 : 120,
    }));
    const html = await (await page("GET", "/admin/flags/dash-llm", { cookie })).text();
    expect(html).toContain('<table class="usage">');
    expect(html).toContain(
      "<tr><td>green</td><td>10 (10)</td><td>10.0 / 10</td><td>250.0 / 250</td><td>$0.00250</td><td>$2.50</td><td>120 ms / 120 ms</td></tr>",
    );
    expect(html).toContain(
      "<td>blue</td><td>10 (10)</td><td>10.0 / 10</td><td>100.0 / 100</td><td>$0.00100</td><td>$1.00</td>",
    );
  });

  it("shows no usage table for a flag that reads no usage", async () => {
    await flagWithOutcomes("dash-plain", () => ({}));
    const html = await (await page("GET", "/admin/flags/dash-plain", { cookie })).text();
    expect(html).toContain('<h2 id="experiment">Experiment report</h2>');
    expect(html).not.toContain('<table class="usage">');
  });
});
