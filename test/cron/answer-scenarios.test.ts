// The health loop judging green by what it answers, through the real Worker:
// fake model origins, served answers inspected against the flag's response
// contract off the critical path (and, in a shadow stage, green's mirrored
// answers), the embedded metrics reader, and the scheduled handler once per
// tick. A stage never moves on before its answers were judged.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { installModels } from "../helpers/fake-origins";
import { outcomeRows } from "../helpers/seed";
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

async function seedContractFlag(key: string, sampleRate = 100) {
  const response = { ...SENTIMENT, sampleRate };
  await seedHealthFlag(
    key,
    {},
    { settings: JSON.stringify({ health: { webhook: { url: "https://hooks.test/switchyard" } }, response }) },
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

  it("green whose labels shifted on 30 % of its answers (all valid, all 200) is rolled back for prediction_drift", async () => {
    installModels({ "blue-a4.test": { labelOf: blueLabels }, "green-a4.test": { labelOf: shiftedLabels } });
    await seedContractFlag("a4");
    await startRollout("a4", "r-a4", [stage("serve", 50, 200), stage("serve", 100, 200)]);
    for (let ticks = 0; ticks < 10 && (await rolloutOf("r-a4")).state === "active"; ticks++) {
      await drive("a4", 300, { offset: ticks * 300 });
      await tick();
    }
    const last = (await decisionsOf("a4")).filter((d) => d.scope === "rollout").at(-1)!;
    expect(last).toMatchObject({ action: "rollback", reason: "prediction_drift", applied: true });
    const figureOf = (name: string) => last.figures.guards.find((g: { guard: string }) => g.guard === name);
    // PSI of 60/30/10 → 30/30/40 is 0.3·ln 2 + 0.3·ln 4 ≈ 0.62, well above the 0.25 default.
    expect(figureOf("prediction_drift")).toMatchObject({ status: "breach", evidence: "sequential", threshold: 0.25 });
    expect(figureOf("prediction_drift").green).toBeGreaterThan(0.4);
    expect(figureOf("invalid_rate")).toMatchObject({ status: "ok", green: 0 });
    expect(figureOf("error_rate")).toMatchObject({ status: "ok", green: 0 });
  });

  it("a healthy twin with a schema and a prediction path advances and is promoted at 100 % with no manual step", async () => {
    installModels({
      "blue-a5.test": { labelOf: blueLabels, delayMs: 20 },
      "green-a5.test": { labelOf: blueLabels, delayMs: 20 },
    });
    await seedContractFlag("a5");
    await startRollout("a5", "r-a5", [stage("serve", 50, 200), stage("serve", 100, 200)]);
    for (let ticks = 0; ticks < 8 && (await rolloutOf("r-a5")).state === "active"; ticks++) {
      await drive("a5", 500, { offset: ticks * 500, parallel: 10 });
      await tick();
    }
    const decisions = (await decisionsOf("a5")).filter((d) => d.scope === "rollout");
    expect(decisions.filter((d) => d.action !== "hold").map((d) => d.action)).toEqual(["advance", "promote"]);
    const promoted = decisions.at(-1)!;
    expect(promoted).toMatchObject({ action: "promote", reason: "healthy", applied: true });
    // Both answer guards were judged on real figures at every non-hold decision, not skipped.
    for (const decision of decisions.filter((d) => d.action !== "hold"))
      for (const name of ["invalid_rate", "prediction_drift"])
        expect(decision.figures.guards.find((g: { guard: string }) => g.guard === name)).toMatchObject({
          status: "ok",
        });
    expect((await rolloutOf("r-a5")).state).toBe("promoted");
  });

  it("a healthy twin with a quarter of its answers inspected holds answers_unjudged until both arms have the minimum inspected, then advances", async () => {
    installModels({
      "blue-a8.test": { labelOf: blueLabels, delayMs: 20 },
      "green-a8.test": { labelOf: blueLabels, delayMs: 20 },
    });
    await seedContractFlag("a8", 25);
    // 100 requests per arm make the stage minimum; 200 inspected answers per arm take about 800.
    await startRollout("a8", "r-a8", [stage("serve", 50, 100), stage("serve", 100, 100)]);
    for (let ticks = 0; ticks < 12 && (await rolloutOf("r-a8")).stageIndex === 0; ticks++) {
      await drive("a8", 300, { offset: ticks * 300 });
      await tick();
    }
    const decisions = (await decisionsOf("a8")).filter((d) => d.scope === "rollout");
    const figureOf = (decision: (typeof decisions)[number], name: string) =>
      decision.figures.guards.find((g: { guard: string }) => g.guard === name);
    const first = decisions[0]!;
    expect(first.figures.samples.green).toBeGreaterThanOrEqual(100);
    expect(first.action).toBe("hold");
    expect(figureOf(first, "invalid_rate")).toMatchObject({ status: "insufficient", threshold: 0.005 });
    const advanced = decisions.at(-1)!;
    expect(advanced).toMatchObject({ action: "advance", reason: "healthy", applied: true });
    for (const name of ["invalid_rate", "prediction_drift"])
      expect(figureOf(advanced, name)).toMatchObject({ status: "ok" });
    // Every tick before it held; one whose answers were short says so, unless a suspect guard (timing noise on a
    // busy machine) is named first.
    const held = decisions.slice(0, -1);
    for (const decision of held) expect(decision.action).toBe("hold");
    for (const decision of held.filter((d) => d.reason !== "guard_inconclusive"))
      expect(decision.reason).toBe("answers_unjudged");
    expect(held.filter((d) => d.reason === "answers_unjudged").length).toBeGreaterThan(0);
  });

  it("green in shadow whose mirrored answers break the schema on 20 % is rolled back before any user sees it", async () => {
    // Labels agree (the shadow comparator reads them), so only the schema can tell: a score above 1.
    installModels({
      "blue-a9.test": { scoreOf: () => 0.5 },
      "green-a9.test": { scoreOf: (n) => (n % 5 === 0 ? 1.5 : 0.5) },
    });
    const health = { webhook: { url: "https://hooks.test/switchyard" }, guards: { latencyMinMarginMs: 1000 } };
    const shadow = { comparator: { kind: "label", path: "$.label" } };
    await seedHealthFlag("a9", {}, { settings: JSON.stringify({ health, shadow, response: SENTIMENT }) });
    await startRollout("a9", "r-a9", [stage("shadow", 0, 200), stage("serve", 50, 200)]);
    for (let ticks = 0; ticks < 10 && (await rolloutOf("r-a9")).state === "active"; ticks++) {
      await drive("a9", 300, { offset: ticks * 300 });
      await tick();
    }
    const decisions = (await decisionsOf("a9")).filter((d) => d.scope === "rollout");
    const last = decisions.at(-1)!;
    for (const held of decisions.slice(0, -1)) expect(held.action).toBe("hold");
    expect(last).toMatchObject({ action: "rollback", reason: "invalid_rate", applied: true, stageIndex: 0 });
    const figureOf = (name: string) => last.figures.guards.find((g: { guard: string }) => g.guard === name);
    // Green's mirrored answers against blue's served ones.
    expect(figureOf("invalid_rate")).toMatchObject({ status: "breach", control: 0 });
    expect(figureOf("invalid_rate").green).toBeGreaterThan(0.15);
    expect(figureOf("invalid_rate").green).toBeLessThan(0.25);
    expect(figureOf("shadow_agreement")).toMatchObject({ green: 1 });
    const rows = await outcomeRows(env.DB, "a9");
    expect(rows.filter((row) => row.kind === "served" && row.variant === "green")).toEqual([]);
    expect(rows.some((row) => row.kind === "shadow" && row.inspection === "invalid")).toBe(true);
    expect((await flagOf("a9")).killSwitch).toBe(true);
  });

  it("green whose streamed answers start far later than blue's is rolled back for ttfb_p95, with headers as fast as blue's", async () => {
    installModels({
      "blue-a6.test": { streamFirstEventAfterMs: 0 },
      "green-a6.test": { streamFirstEventAfterMs: 300 },
    });
    await seedHealthFlag("a6");
    await startRollout("a6", "r-a6", [stage("serve", 50, 100), stage("serve", 100, 100)]);
    for (let ticks = 0; ticks < 8 && (await rolloutOf("r-a6")).state === "active"; ticks++) {
      await drive("a6", 300, { offset: ticks * 300 });
      await tick();
    }
    const last = (await decisionsOf("a6")).filter((d) => d.scope === "rollout").at(-1)!;
    expect(last).toMatchObject({ action: "rollback", reason: "ttfb_p95", applied: true });
    const guard = last.figures.guards.find((g: { guard: string }) => g.guard === "ttfb_p95");
    expect(guard).toMatchObject({ status: "breach", evidence: "sequential" });
    expect(guard.green).toBeGreaterThanOrEqual(300);
    expect(guard.green).toBeGreaterThan(guard.threshold);
  });

  it("green whose scores moved up (regression output, numeric drift over blue's decile bins) is rolled back for prediction_drift", async () => {
    // Blue's scores spread evenly over [0, 1); green's are blue's pushed towards 1.
    const spread = (n: number) => ((n * 37) % 100) / 100;
    installModels({
      "blue-a7.test": { scoreOf: spread },
      "green-a7.test": { scoreOf: (n) => Math.sqrt(spread(n)) },
    });
    await seedHealthFlag("a7", {}, { settings: JSON.stringify({ response: { prediction: "$.score" } }) });
    await startRollout("a7", "r-a7", [stage("serve", 50, 200), stage("serve", 100, 200)]);
    for (let ticks = 0; ticks < 10 && (await rolloutOf("r-a7")).state === "active"; ticks++) {
      await drive("a7", 300, { offset: ticks * 300 });
      await tick();
    }
    const last = (await decisionsOf("a7")).filter((d) => d.scope === "rollout").at(-1)!;
    expect(last).toMatchObject({ action: "rollback", reason: "prediction_drift", applied: true });
    // No schema declared: only the drift check runs on answers.
    expect(last.figures.guards.find((g: { guard: string }) => g.guard === "invalid_rate")).toMatchObject({
      status: "off",
    });
  });
});

/** Blue's labels: 60 % positive, 30 % negative, 10 % neutral, in a fixed cycle of ten answers. */
function blueLabels(n: number): string {
  const k = n % 10;
  return k < 6 ? "positive" : k < 9 ? "negative" : "neutral";
}

/** Green's: three answers in ten that blue labels positive come out neutral (30 / 30 / 40). */
function shiftedLabels(n: number): string {
  return n % 10 < 3 ? "neutral" : blueLabels(n);
}
