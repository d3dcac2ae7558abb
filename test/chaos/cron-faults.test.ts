// Health-loop faults through the real cron entry (runScheduled): the webhook
// receiver down or slow, and the metrics reader failing for some flags in
// the middle of a tick. Contract under test: every decision is stored and
// applied whatever the receiver does; a flag whose measurement fails gets no
// decision and no partial change, the others are judged as usual, and the
// router keeps answering for all of them.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runScheduled } from "../../src/cron/scheduled";
import { createEmbeddedReader } from "../../src/store/embedded-metrics-reader";
import { decisionsOf, drive, flagOf, rolloutOf, seedHealthFlag, stage, startRollout, tickEnv } from "../cron/helpers";
import { faultyReader, flagState, route } from "./helpers";
import { installModels } from "../helpers/fake-origins";

afterEach(() => {
  vi.restoreAllMocks();
});

const noSleep = async () => undefined;
/** Test storage is shared within this file: look only at this test's flags. */
const mine = <T extends { flagKey: string }>(items: T[], keys: string[]) =>
  items.filter((item) => keys.includes(item.flagKey));

/** A flag at 50 % whose green fails every 3rd request: one tick with data rolls it back. */
async function breachingFlag(key: string) {
  await seedHealthFlag(key);
  await startRollout(key, `r-${key}`, [stage("serve", 50, 100), stage("serve", 100, 100)]);
  return { blue: `blue-${key}.test`, green: `green-${key}.test` };
}

function expectServed(answer: Awaited<ReturnType<typeof route>>, variant: "blue" | "green", reason: string) {
  expect(answer).toMatchObject({
    status: 200,
    variant,
    reason,
    contentType: expect.stringContaining("application/json"),
  });
  expect(answer.requestId).toMatch(/\S/);
  expect(JSON.parse(answer.body)).toMatchObject({ label: "positive" });
}

/** The answer came from the chosen origin (200, or its own 500 passed through), not from the router. */
function expectFromOrigin(answer: Awaited<ReturnType<typeof route>>, key: string) {
  expect([200, 500]).toContain(answer.status);
  expect(JSON.parse(answer.body)).toEqual({ label: "positive", model: `${answer.variant}-${key}.test` });
}

describe("webhook receiver faults", () => {
  it("down (connection refused on every attempt): the rollback is stored and applied, the tick finishes", async () => {
    // Receivers like Slack put their credential in the URL path: it must not reach the logs.
    await seedHealthFlag("wh-down", {
      webhook: { url: "https://hooks.test/services/T0/B0/url-credential?sig=also-secret" },
    });
    await startRollout("wh-down", "r-wh-down", [stage("serve", 50, 100), stage("serve", 100, 100)]);
    const models = installModels({ "green-wh-down.test": { errorEvery: 3 } }, async () => {
      throw new TypeError("connect ECONNREFUSED");
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await drive("wh-down", 500);
    const report = await runScheduled(tickEnv, Date.now(), { webhookSleep: noSleep });
    expect(mine(report!.errors, ["wh-down"])).toEqual([]);
    expect(report?.decisions.find((d) => d.flagKey === "wh-down")).toMatchObject({ action: "rollback", applied: true });
    expect(models.hooks).toHaveLength(4); // every attempt made, then given up
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).toContain("health webhook not delivered");
    expect(logged).toContain("hooks.test");
    expect(logged).not.toMatch(/url-credential|also-secret/);
    expect((await rolloutOf("r-wh-down")).state).toBe("rolled_back");
    expect((await flagOf("wh-down")).killSwitch).toBe(true);
    expect((await decisionsOf("wh-down")).filter((d) => d.action === "rollback")).toHaveLength(1);
    expectServed(await route("/wh-down/predict", "after-down"), "blue", "KILL_SWITCH");
  });

  it("slow (answers only when released): the decision is stored and served before the receiver answers", async () => {
    const hosts = await breachingFlag("wh-slow");
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    installModels({ [hosts.green]: { errorEvery: 3 } }, async () => {
      await released;
      return new Response("ok");
    });
    await drive("wh-slow", 500);
    let finished = false;
    const tick = runScheduled(tickEnv, Date.now(), { webhookSleep: noSleep }).finally(() => (finished = true));
    // Wait (bounded) until the rollback is committed while the webhook is still pending.
    for (let i = 0; i < 200 && (await rolloutOf("r-wh-slow")).state === "active"; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((await rolloutOf("r-wh-slow")).state).toBe("rolled_back");
    expect((await decisionsOf("wh-slow")).at(-1)).toMatchObject({ action: "rollback", applied: true });
    expectServed(await route("/wh-slow/predict", "during-slow"), "blue", "KILL_SWITCH");
    expect(finished).toBe(false); // the tick waits for the delivery (bounded by timeout × attempts)…
    release();
    const report = await tick; // …and finishes once it is answered
    expect(report?.decisions.find((d) => d.flagKey === "wh-slow")).toMatchObject({ action: "rollback", applied: true });
  });
});

describe("a tick that fails part-way", () => {
  it("metrics reader throws for one flag (window) and mid-judgement for another: the third is judged, the two change nothing", async () => {
    const keys = ["mid-window", "mid-exceed", "mid-ok"];
    const models: Record<string, { errorEvery: number }> = {};
    for (const key of keys) models[(await breachingFlag(key)).green] = { errorEvery: 3 };
    installModels(models, async () => new Response("ok"));
    for (const key of keys) await drive(key, 500);
    const before = { window: await flagState("mid-window"), exceed: await flagState("mid-exceed") };
    const servedBefore = await route("/mid-window/predict", "stable-user");
    vi.spyOn(console, "error").mockImplementation(() => undefined);

    const reader = faultyReader(createEmbeddedReader(env.DB), {
      windowFails: ["mid-window"],
      exceedancesFail: ["mid-exceed"],
    });
    const report = await runScheduled(tickEnv, Date.now(), { reader, webhookSleep: noSleep });
    expect(report!.checked).toBeGreaterThanOrEqual(3);
    expect(
      mine(report!.errors, keys)
        .map((e) => e.flagKey)
        .sort(),
    ).toEqual(["mid-exceed", "mid-window"]);
    expect(report!.errors.find((e) => e.flagKey === "mid-exceed")!.error).toContain("exceedance query failed");
    expect(mine(report!.decisions, keys).map((d) => `${d.flagKey}:${d.action}:${d.applied}`)).toEqual([
      "mid-ok:rollback:true",
    ]);
    expect((await rolloutOf("r-mid-ok")).state).toBe("rolled_back");
    // Nothing half-applied: same rollout row, flag version, kill switch, audit and decision counts.
    expect(await flagState("mid-window")).toEqual(before.window);
    expect(await flagState("mid-exceed")).toEqual(before.exceed);
    // The router still serves the untouched flags exactly as before.
    const servedAfter = await route("/mid-window/predict", "stable-user");
    expect([servedAfter.variant, servedAfter.reason]).toEqual([servedBefore.variant, servedBefore.reason]);
    expect(servedAfter.reason).toBe("SPLIT");
    expectFromOrigin(servedAfter, "mid-window");

    // The next tick with a working reader judges them: the failure only delayed the rollback.
    const next = await runScheduled(tickEnv, Date.now(), { webhookSleep: noSleep });
    expect(mine(next!.errors, keys)).toEqual([]);
    for (const key of ["mid-window", "mid-exceed"]) {
      expect(next!.decisions.find((d) => d.flagKey === key)).toMatchObject({ action: "rollback", applied: true });
      expect((await flagOf(key)).killSwitch).toBe(true);
    }
  });

  it("the scheduled handler survives a reader that throws for every flag (no unhandled rejection, nothing applied)", async () => {
    const hosts = await breachingFlag("all-fail");
    installModels({ [hosts.green]: { errorEvery: 3 } }, async () => new Response("ok"));
    await drive("all-fail", 300);
    const before = await flagState("all-fail");
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const reader = faultyReader(createEmbeddedReader(env.DB), { windowFails: ["all-fail"] });
    const report = await runScheduled(tickEnv, Date.now(), { reader });
    expect(mine(report!.errors, ["all-fail"]).map((e) => e.error)).toEqual(["metrics reader down for all-fail"]);
    expect(await flagState("all-fail")).toEqual(before);
    const answer = await route("/all-fail/predict", "someone");
    expect(answer.reason).toBe("SPLIT");
    expectFromOrigin(answer, "all-fail");
  });
});
