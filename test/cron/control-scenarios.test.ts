// Where the control comes from once no concurrent blue is left (100 %),
// through the real Worker: fake model origins, the embedded metrics reader,
// the Worker's scheduled handler once per tick (docs/design/health-loop.md).
// None of these flags ever served blue outside a rollout: its only blue
// traffic is this rollout's earlier stages or a previous rollout's, or none.
// Both models answer in a steady 20 ms and traffic goes 10 requests at a
// time: otherwise the in-process fakes' latency is mostly queueing, and a
// non-concurrent control would compare green at 100 % under several times
// the concurrency blue had at 50 % (load on this machine, not the model).
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

/** Both fake models, equally fast and healthy. */
const steadyModels = (key: string) =>
  installModels({ [`blue-${key}.test`]: { delayMs: 20 }, [`green-${key}.test`]: { delayMs: 20 } });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends a rollout by hand (a rollback without the kill switch, or a promotion: green becomes blue) and republishes the flag. */
async function endRollout(flagKey: string, id: string, state: "rolled_back" | "promoted" = "rolled_back") {
  await pause(5); // its last outcome is strictly before the end
  await db(env.DB).update(schema.rollouts).set({ state, endedAt: Date.now() }).where(eq(schema.rollouts.id, id));
  const blue = state === "promoted" ? { blueOrigin: JSON.stringify({ url: `https://green-${flagKey}.test` }) } : {};
  await db(env.DB)
    .update(schema.flags)
    .set({ ...blue, version: sql`${schema.flags.version} + 1` })
    .where(eq(schema.flags.key, flagKey));
  await pause(5);
}

describe("the control at 100 %", () => {
  it("a new flag's healthy green walks 50 → 100 and is promoted against blue of the rollout's earlier stages", async () => {
    steadyModels("c1");
    await seedHealthFlag("c1");
    await startRollout("c1", "r-c1", [stage("serve", 50, 100), stage("serve", 100, 100)]);
    for (let i = 0; i < 6 && (await rolloutOf("r-c1")).state === "active"; i++) {
      await drive("c1", 300, { offset: i * 300, parallel: 10 });
      await tick();
    }
    const decisions = await rolloutDecisions("c1");
    expect(decisions.filter((d) => d.action !== "hold").map((d) => d.action)).toEqual(["advance", "promote"]);
    const promoted = decisions.at(-1)!;
    expect(promoted).toMatchObject({ action: "promote", reason: "healthy", applied: true });
    // Judged against blue it served at 50 %, not waved through: the guards ran on real figures.
    expect(promoted.figures.control).toBe("earlier_stages");
    expect(promoted.figures.samples.control).toBeGreaterThanOrEqual(100);
    expect(promoted.figures.guards.find((g: { guard: string }) => g.guard === "error_rate")).toMatchObject({
      status: "ok",
    });
    expect(decisions.some((d) => d.reason === "insufficient_samples" && d.figures.samples.green >= 100)).toBe(false);
    expect((await rolloutOf("r-c1")).state).toBe("promoted");
  });

  it("a rollout that starts at 100 % is judged against blue of the flag's previous rollout, and promoted", async () => {
    steadyModels("c2");
    await seedHealthFlag("c2");
    await startRollout("c2", "r-c2-old", [stage("serve", 50, 100_000), stage("serve", 100, 100_000)]);
    await drive("c2", 400, { parallel: 10 });
    await endRollout("c2", "r-c2-old");
    await startRollout("c2", "r-c2", [stage("serve", 100, 100)]);
    for (let i = 0; i < 3 && (await rolloutOf("r-c2")).state === "active"; i++) {
      await drive("c2", 200, { offset: 10_000 + i * 200, parallel: 10 });
      await tick();
    }
    const last = (await rolloutDecisions("c2")).at(-1)!;
    expect(last).toMatchObject({ action: "promote", reason: "healthy", applied: true });
    expect(last.figures.control).toBe("baseline");
    expect(last.figures.samples.control).toBeGreaterThanOrEqual(100);
    expect((await rolloutOf("r-c2")).state).toBe("promoted");
  });

  it("the baseline never reaches back past the flag's last promotion: blue was another model before it", async () => {
    steadyModels("c4");
    await seedHealthFlag("c4");
    await startRollout("c4", "r-c4-old", [stage("serve", 50, 100_000), stage("serve", 100, 100_000)]);
    await drive("c4", 400, { parallel: 10 });
    await endRollout("c4", "r-c4-old", "promoted");
    const after = await drive("c4", 150, { offset: 5_000, parallel: 10 }); // the new blue, outside any rollout
    expect(after.every((r) => JSON.parse(r.body).model === "green-c4.test")).toBe(true);
    await startRollout("c4", "r-c4", [stage("serve", 100, 100)]);
    await drive("c4", 200, { offset: 10_000, parallel: 10 });
    await tick();
    const [decision] = await rolloutDecisions("c4");
    expect(decision).toMatchObject({ action: "promote", applied: true });
    // Exactly the 150 requests served by the current blue, none of the old rollout's blue.
    expect(decision!.figures).toMatchObject({ control: "baseline", samples: { control: 150 } });
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
