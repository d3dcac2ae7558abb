// Where the control comes from once no concurrent blue is left (100 %),
// through the real Worker: fake model origins, the embedded metrics reader,
// the Worker's scheduled handler once per tick (docs/design/health-loop.md).
// None of these flags ever served blue outside a rollout: its only blue
// traffic is this rollout's earlier stages or a previous rollout's, or none.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { eq, sql } from "drizzle-orm";
import { installModels } from "../helpers/fake-origins";
import { db } from "../helpers/seed";
import * as schema from "../../src/store/schema";
import { decisionsOf, drive, rolloutOf, seedHealthFlag, stage, startRollout, tick } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const rolloutDecisions = async (key: string) => (await decisionsOf(key)).filter((d) => d.scope === "rollout");

/** Ends a rollout by hand (as an operator's rollback would, without the kill switch) and republishes the flag. */
async function endRollout(flagKey: string, id: string) {
  await db(env.DB).update(schema.rollouts).set({ state: "rolled_back", endedAt: Date.now() }).where(eq(schema.rollouts.id, id));
  await db(env.DB).update(schema.flags).set({ version: sql`${schema.flags.version} + 1` }).where(eq(schema.flags.key, flagKey));
}

describe("the control at 100 %", () => {
  it("a new flag's healthy green walks 50 → 100 and is promoted against blue of the rollout's earlier stages", async () => {
    installModels({});
    await seedHealthFlag("c1");
    await startRollout("c1", "r-c1", [stage("serve", 50, 100), stage("serve", 100, 100)]);
    for (let i = 0; i < 6 && (await rolloutOf("r-c1")).state === "active"; i++) {
      await drive("c1", 300, { offset: i * 300 });
      await tick();
    }
    const decisions = await rolloutDecisions("c1");
    expect(decisions.filter((d) => d.action !== "hold").map((d) => d.action)).toEqual(["advance", "promote"]);
    const promoted = decisions.at(-1)!;
    expect(promoted).toMatchObject({ action: "promote", reason: "healthy", applied: true });
    // Judged against blue it served at 50 %, not waved through: the guards ran on real figures.
    expect(promoted.figures.control).toBe("earlier_stages");
    expect(promoted.figures.samples.control).toBeGreaterThanOrEqual(100);
    expect(promoted.figures.guards.find((g: { guard: string }) => g.guard === "error_rate")).toMatchObject({ status: "ok" });
    expect(decisions.some((d) => d.reason === "insufficient_samples" && d.figures.samples.green >= 100)).toBe(false);
    expect((await rolloutOf("r-c1")).state).toBe("promoted");
  });

  it("a rollout that starts at 100 % is judged against blue of the flag's previous rollout, and promoted", async () => {
    installModels({});
    await seedHealthFlag("c2");
    await startRollout("c2", "r-c2-old", [stage("serve", 50, 100_000), stage("serve", 100, 100_000)]);
    await drive("c2", 400);
    await endRollout("c2", "r-c2-old");
    await startRollout("c2", "r-c2", [stage("serve", 100, 100)]);
    for (let i = 0; i < 3 && (await rolloutOf("r-c2")).state === "active"; i++) {
      await drive("c2", 200, { offset: 10_000 + i * 200 });
      await tick();
    }
    const last = (await rolloutDecisions("c2")).at(-1)!;
    expect(last).toMatchObject({ action: "promote", reason: "healthy", applied: true });
    expect(last.figures.control).toBe("baseline");
    expect(last.figures.samples.control).toBeGreaterThanOrEqual(100);
    expect((await rolloutOf("r-c2")).state).toBe("promoted");
  });

  it("with no blue anywhere, a healthy green at 100 % holds no_control (not insufficient_samples) and is never promoted", async () => {
    installModels({});
    await seedHealthFlag("c3");
    await startRollout("c3", "r-c3", [stage("serve", 100, 100)]);
    for (let i = 0; i < 3; i++) {
      await drive("c3", 200, { offset: i * 200 });
      await tick();
    }
    const decisions = await rolloutDecisions("c3");
    expect(decisions).toHaveLength(3);
    for (const held of decisions) {
      expect(held).toMatchObject({ action: "hold", reason: "no_control" });
      expect(held.figures).toMatchObject({ control: "none", samples: { control: 0, required: 100 } });
      expect(held.figures.samples.green).toBeGreaterThanOrEqual(100);
    }
    expect((await rolloutOf("r-c3")).state).toBe("active");
  });
});
