// The embedded outcome store gone for real: the D1 `outcomes` table is
// dropped in this file's throwaway database (its own file, because the drop
// outlives a test). Requests are still served exactly as before, every lost
// outcome is counted as dropped (GET /_switchyard/healthz), Analytics Engine
// still gets its point, and the health loop — whose embedded reader needs
// that table — records an error for the flag and changes nothing.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { runScheduled } from "../../src/cron/scheduled";
import { installFakeOrigins } from "../helpers/fake-origins";
import { seedFlag, seedRollout } from "../helpers/seed";
import { flagState, route } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

async function dropped(): Promise<number> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request("https://router.example/_switchyard/healthz"), env, ctx);
  await waitOnExecutionContext(ctx);
  return ((await response.json()) as { outcomes: { dropped: number } }).outcomes.dropped;
}

describe("D1 outcomes table dropped", () => {
  it("serves every request unchanged, counts each lost outcome, and the health loop applies nothing", async () => {
    installFakeOrigins();
    await seedFlag(env.DB, { key: "no-table" });
    await seedRollout(env.DB, "no-table", "r-no-table", 50);
    const before = await route("/no-table/predict", "warm-up");
    expect(before.status).toBe(200);
    expect(
      (await env.DB.prepare("SELECT count(*) AS n FROM outcomes WHERE flag_key = 'no-table'").first<{ n: number }>())!
        .n,
    ).toBe(1);

    await env.DB.prepare("DROP TABLE outcomes").run();
    const ae = vi.spyOn(env.OUTCOMES, "writeDataPoint");
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const droppedBefore = await dropped();
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await route("/no-table/predict", `user-${i}`));
    for (const answer of answers) {
      expect(answer).toMatchObject({
        status: 200,
        reason: "SPLIT",
        contentType: expect.stringContaining("application/json"),
      });
      expect(["blue", "green"]).toContain(answer.variant);
      // The origin's own body: served by the chosen model, not an error page.
      expect(JSON.parse(answer.body)).toMatchObject({ model: answer.variant });
    }
    expect(new Set(answers.map((a) => a.variant)).size).toBe(2);
    expect(ae).toHaveBeenCalledTimes(20);
    expect((await dropped()) - droppedBefore).toBe(20);

    const state = await flagState("no-table");
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const report = await runScheduled(env, Date.now());
    expect(report!.errors.find((e) => e.flagKey === "no-table")?.error).toMatch(/outcomes/);
    expect(report!.decisions.filter((d) => d.flagKey === "no-table")).toEqual([]);
    expect(await flagState("no-table")).toEqual(state);
    expect((await route("/no-table/predict", "after-tick")).status).toBe(200);
  });
});
