// The health loop judging green by what it answers, through the real Worker:
// fake model origins, served answers inspected against the flag's response
// contract off the critical path, the embedded metrics reader, and the
// scheduled handler once per tick.
import { afterEach, describe, expect, it, vi } from "vitest";
import { installModels } from "../helpers/fake-origins";
import { decisionsOf, drive, flagOf, rolloutOf, seedHealthFlag, stage, startRollout, tick } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

const SENTIMENT = {
  schema: {
    // The fake models answer {label, model}; a score is optional but must be a probability.
    type: "object",
    required: ["label"],
    properties: {
      label: { enum: ["positive", "negative", "neutral"] },
      score: { type: "number", minimum: 0, maximum: 1 },
    },
  },
  prediction: "$.label",
};

async function seedContractFlag(key: string) {
  await seedHealthFlag(
    key,
    {},
    {
      settings: JSON.stringify({ health: { webhook: { url: "https://hooks.test/switchyard" } }, response: SENTIMENT }),
    },
  );
}

describe("answer checks in the health loop", () => {
  it("green answering 200 with invalid predictions on 20 % (blue 0 %) is rolled back for invalid_rate on the first tick with the minimum", async () => {
    installModels({ "blue-a1.test": {}, "green-a1.test": { invalidEvery: 5 } });
    await seedContractFlag("a1");
    await startRollout("a1", "r-a1", [stage("serve", 50, 200), stage("serve", 100, 200)]);
    let ticks = 0;
    for (; ticks < 10; ticks++) {
      await drive("a1", 300, { offset: ticks * 300 });
      await tick();
      if ((await rolloutOf("r-a1")).state !== "active") break;
    }
    const decisions = (await decisionsOf("a1")).filter((d) => d.scope === "rollout");
    const last = decisions.at(-1)!;
    for (const held of decisions.slice(0, -1)) expect(held.action).toBe("hold");
    expect(last).toMatchObject({ action: "rollback", reason: "invalid_rate", applied: true });
    const guard = last.figures.guards.find((g: { guard: string }) => g.guard === "invalid_rate");
    expect(guard).toMatchObject({ status: "breach", evidence: "sequential", control: 0 });
    expect(guard.green).toBeGreaterThan(0.15);
    expect(guard.green).toBeLessThan(0.25);
    // Transport alone saw nothing wrong: every answer was a 200.
    expect(last.figures.guards.find((g: { guard: string }) => g.guard === "error_rate")).toMatchObject({
      status: "ok",
      green: 0,
    });
    // The guard was judged as soon as both arms had the minimum of inspected answers, not later.
    const earlier = decisions
      .slice(0, -1)
      .map((d) => d.figures.guards.find((g: { guard: string }) => g.guard === "invalid_rate"));
    for (const figure of earlier) expect(figure === undefined || figure.status === "insufficient").toBe(true);
    expect((await flagOf("a1")).killSwitch).toBe(true);
  });

  it("the same traffic without a declared contract is not judged on answers (invalid_rate off)", async () => {
    installModels({ "blue-a2.test": {}, "green-a2.test": { invalidEvery: 5 } });
    await seedHealthFlag("a2");
    await startRollout("a2", "r-a2", [stage("serve", 50, 200), stage("serve", 100, 200)]);
    await drive("a2", 600);
    await tick();
    const last = (await decisionsOf("a2")).filter((d) => d.scope === "rollout").at(-1)!;
    expect(last.action).not.toBe("rollback");
    expect(last.figures.guards.find((g: { guard: string }) => g.guard === "invalid_rate")).toMatchObject({
      status: "off",
    });
  });

  it("green whose stream breaks after its headers on half of its requests is rolled back for error_rate", async () => {
    installModels({ "blue-a3.test": {}, "green-a3.test": { breakStreamEvery: 2 } });
    await seedHealthFlag("a3");
    await startRollout("a3", "r-a3", [stage("serve", 50, 100), stage("serve", 100, 100)]);
    for (let ticks = 0; ticks < 10 && (await rolloutOf("r-a3")).state === "active"; ticks++) {
      await drive("a3", 300, { offset: ticks * 300 });
      await tick();
    }
    const last = (await decisionsOf("a3")).filter((d) => d.scope === "rollout").at(-1)!;
    expect(last).toMatchObject({ action: "rollback", reason: "error_rate", applied: true });
    const guard = last.figures.guards.find((g: { guard: string }) => g.guard === "error_rate");
    // Every answer had status 200: the errors are the broken bodies alone.
    expect(guard.green).toBeGreaterThan(0.4);
    expect(guard.control).toBe(0);
  });
});
