// Kill switch (idempotent, no If-Match, honoured at once by the isolate that
// took the call and within the probe interval by another one) and rollouts
// driven through the state machine.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import { installFakeOrigins } from "../helpers/fake-origins";
import { snapshotKvKey } from "../../src/store/snapshot-store";
import { seedSegmentRule } from "../helpers/seed";
import { adminEnv, auditRows, call, createFlag, flagEtag, json, mintToken } from "./helpers";

async function predict(flagKey: string, unit: string, instance: Env = adminEnv) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example/${flagKey}/predict`, {
      method: "POST",
      body: "{}",
      headers: { "x-user-id": unit },
    }),
    instance,
    ctx,
  );
  await response.arrayBuffer(); // the outcome is recorded once the body has been read
  await waitOnExecutionContext(ctx);
  return { variant: response.headers.get("x-model-variant"), reason: response.headers.get("x-flag-reason") };
}

/** A second view of the same D1 database: a distinct binding object, so
 *  servicesFor() builds a separate flag cache for it — a separate isolate's
 *  state over the same persistence. */
function sameDatabase(d1: D1Database): D1Database {
  return {
    prepare: (query: string) => d1.prepare(query),
    batch: (statements: D1PreparedStatement[]) => d1.batch(statements),
    exec: (query: string) => d1.exec(query),
    dump: () => d1.dump(),
    withSession: (constraint?: string) => d1.withSession(constraint),
  } as D1Database;
}

describe("kill switch", () => {
  beforeEach(() => {
    installFakeOrigins();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("operate scope kills and un-kills without If-Match; repeats are no-ops with no audit row", async () => {
    await createFlag("k-basic");
    const operate = await mintToken("operate");
    const read = await mintToken("read");
    expect((await call("POST", "/flags/k-basic/kill", { token: read, body: { reason: "x" } })).status).toBe(403);
    expect((await call("POST", "/flags/k-basic/kill", { token: operate, body: {} })).status).toBe(400);
    const before = (await auditRows()).length;
    const kill = await call("POST", "/flags/k-basic/kill", { token: operate, body: { reason: "green 5xx spike" } });
    expect(kill.status).toBe(200);
    expect(await json(kill)).toMatchObject({
      killSwitch: true,
      killReason: "green 5xx spike",
      changed: true,
      version: 2,
    });
    const again = await call("POST", "/flags/k-basic/kill", { token: operate, body: { reason: "again" } });
    expect(await json(again)).toMatchObject({ killSwitch: true, changed: false, version: 2 });
    expect(await env.SNAPSHOTS.get(snapshotKvKey("k-basic"), "json")).toMatchObject({ killSwitch: true, version: 2 });
    const unkill = await call("DELETE", "/flags/k-basic/kill", { token: operate, body: { reason: "fixed" } });
    expect(await json(unkill)).toMatchObject({ killSwitch: false, killReason: null, changed: true, version: 3 });
    expect(await json(await call("GET", "/flags/k-basic"))).toMatchObject({ killSwitch: false, killReason: null });
    const audit = (await auditRows()).slice(before);
    expect(audit.map((row) => row.action)).toEqual(["flag.kill", "flag.unkill"]);
    // The history stays in the audit: the kill's reason and the unkill's.
    expect(JSON.parse(String(audit[0]!.after))).toMatchObject({ killReason: "green 5xx spike" });
    expect(JSON.parse(String(audit[1]!.after))).toMatchObject({ killReason: null, reason: "fixed" });
    expect(audit[0]!.actor).toMatch(/^tok_/);
    expect((await call("POST", "/flags/none/kill", { body: { reason: "x" } })).status).toBe(404);
  });

  it("turning it on is never blocked by a stored ruleset that no longer compiles; turning it off is (422)", async () => {
    await createFlag("k-broken");
    // Written straight to D1, bypassing the API's validation: an operator value the compiler refuses.
    await seedSegmentRule(env.DB, "k-broken", {
      id: "bad",
      position: 0,
      segmentKey: "k-broken-seg",
      constraints: [{ attribute: "header.v", operator: "semver_gt", values: ["nope"] }],
      variant: "green",
    });
    expect((await call("POST", "/flags/k-broken/kill", { body: { reason: "brake" } })).status).toBe(200);
    expect((await json(await call("GET", "/flags/k-broken"))).killSwitch).toBe(true);
    const off = await call("DELETE", "/flags/k-broken/kill", { body: { reason: "try" } });
    expect(off.status).toBe(422);
    expect((await json(await call("GET", "/flags/k-broken"))).killSwitch).toBe(true);
  });

  it("is honoured by the isolate that took the call at its next request, and by another isolate within the probe interval plus one re-read", async () => {
    // Two instances over the same D1/KV, each with its own flag cache and a 5 s probe interval.
    const instanceA: Env = { ...adminEnv, DB: sameDatabase(env.DB), VERSION_PROBE_SECONDS: "5" };
    const instanceB: Env = { ...adminEnv, DB: sameDatabase(env.DB), VERSION_PROBE_SECONDS: "5" };
    const etag = await createFlag("k-prop");
    await call("PUT", "/flags/k-prop/overrides/u1", { body: { variant: "green" }, ifMatch: etag });
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    expect(await predict("k-prop", "u1", instanceA)).toEqual({ variant: "green", reason: "OVERRIDE" });
    expect(await predict("k-prop", "u1", instanceB)).toEqual({ variant: "green", reason: "OVERRIDE" });

    expect((await call("POST", "/flags/k-prop/kill", { body: { reason: "drill" }, env: instanceA })).status).toBe(200);
    // A: its cache was invalidated by the admin call — blue at the very next request.
    expect(await predict("k-prop", "u1", instanceA)).toEqual({ variant: "blue", reason: "KILL_SWITCH" });
    // B: it has not looked yet (it looks at its location's shared probe every fifth of the interval)…
    vi.setSystemTime(t0 + 900);
    expect(await predict("k-prop", "u1", instanceB)).toEqual({ variant: "green", reason: "OVERRIDE" });
    // …at its next look it finds the probe A's re-read shared with the location (a moved version), and
    // re-reads D1's index in the background (ctx.waitUntil); this request is itself matched against the
    // index it had: no request waits on D1. The request after that is blue — well inside the interval.
    vi.setSystemTime(t0 + 1_000);
    expect(await predict("k-prop", "u1", instanceB)).toEqual({ variant: "green", reason: "OVERRIDE" });
    expect(await predict("k-prop", "u1", instanceB)).toEqual({ variant: "blue", reason: "KILL_SWITCH" });
  });
});

describe("rollouts", () => {
  it("{} starts the default plan with a fresh salt; 409 while one is live; GET current", async () => {
    let etag = await createFlag("ro-default");
    expect((await call("POST", "/flags/ro-default/rollouts", { body: {} })).status).toBe(428);
    const started = await call("POST", "/flags/ro-default/rollouts", { body: {}, ifMatch: etag });
    expect(started.status).toBe(201);
    const rollout = await json(started);
    expect(rollout).toMatchObject({
      state: "active",
      stageIndex: 0,
      stage: { mode: "shadow", percent: 0 },
      version: 1,
      salt: `ro-default:${rollout.id}`,
    });
    expect(rollout.stages.map((s: { percent: number }) => s.percent)).toEqual([0, 5, 25, 50, 100]);
    etag = await flagEtag("ro-default");
    const second = await call("POST", "/flags/ro-default/rollouts", { body: {}, ifMatch: etag });
    expect(second.status).toBe(409);
    const current = await call("GET", "/flags/ro-default/rollouts/current");
    expect(current.headers.get("etag")).toBe('"rollout-1"');
    expect((await json(current)).id).toBe(rollout.id);
    expect(await env.SNAPSHOTS.get(snapshotKvKey("ro-default"), "json")).toMatchObject({
      rollout: { id: rollout.id, stageMode: "shadow", percent: 0 },
    });
    expect((await call("GET", "/flags/none/rollouts/current")).status).toBe(404);
  });

  it("422 for an invalid plan, 400 for a malformed one, 409 under a kill switch", async () => {
    const etag = await createFlag("ro-bad");
    const decreasing = {
      stages: [
        { mode: "serve", percent: 50, minDurationSeconds: 1, minSamples: 1 },
        { mode: "serve", percent: 10, minDurationSeconds: 1, minSamples: 1 },
      ],
    };
    expect((await call("POST", "/flags/ro-bad/rollouts", { body: decreasing, ifMatch: etag })).status).toBe(422);
    expect(
      (
        await call("POST", "/flags/ro-bad/rollouts", {
          body: { stages: [{ mode: "canary", percent: 5 }] },
          ifMatch: etag,
        })
      ).status,
    ).toBe(400);
    await call("POST", "/flags/ro-bad/kill", { body: { reason: "x" } });
    expect((await call("POST", "/flags/ro-bad/rollouts", { body: {}, ifMatch: await flagEtag("ro-bad") })).status).toBe(
      409,
    );
  });

  it("advance → promote swaps origins; each step bumps the rollout ETag and is audited", async () => {
    const etag = await createFlag("ro-promote");
    const plan = {
      stages: [
        { mode: "serve", percent: 10, minDurationSeconds: 60, minSamples: 10 },
        { mode: "serve", percent: 100, minDurationSeconds: 60, minSamples: 10 },
      ],
      holdSeconds: 30,
    };
    await call("POST", "/flags/ro-promote/rollouts", { body: plan, ifMatch: etag });
    expect((await call("POST", "/flags/ro-promote/rollouts/current/advance")).status).toBe(428);
    const early = await call("POST", "/flags/ro-promote/rollouts/current/promote", { ifMatch: '"rollout-1"' });
    expect(early.status).toBe(409);
    expect((await json(early)).error.details.reason).toBe("not_at_full_rollout");
    const advanced = await call("POST", "/flags/ro-promote/rollouts/current/advance", { ifMatch: '"rollout-1"' });
    expect(advanced.status).toBe(200);
    expect(advanced.headers.get("etag")).toBe('"rollout-2"');
    expect(await json(advanced)).toMatchObject({ stageIndex: 1, stage: { percent: 100 } });
    expect((await call("POST", "/flags/ro-promote/rollouts/current/advance", { ifMatch: '"rollout-1"' })).status).toBe(
      412,
    );
    const promoted = await call("POST", "/flags/ro-promote/rollouts/current/promote", { ifMatch: '"rollout-2"' });
    expect(await json(promoted)).toMatchObject({ state: "promoted" });
    const flag = await json(await call("GET", "/flags/ro-promote"));
    expect(flag.origins.blue).toEqual({ url: "https://green.test" });
    expect(flag.previousBlueOrigin).toEqual({ url: "https://blue.test" });
    expect(await env.SNAPSHOTS.get(snapshotKvKey("ro-promote"), "json")).toMatchObject({
      rollout: null,
      origins: { blue: { url: "https://green.test" } },
    });
    const actions = (await auditRows()).filter((row) => row.flag_key === "ro-promote").map((row) => row.action);
    expect(actions).toEqual(["flag.create", "rollout.start", "rollout.advance", "rollout.promote"]);
  });

  it("operate may pause (no If-Match needed) and roll back, which turns the kill switch on; not resume/advance", async () => {
    const etag = await createFlag("ro-ops");
    await call("POST", "/flags/ro-ops/rollouts", { body: {}, ifMatch: etag });
    const operate = await mintToken("operate");
    expect((await call("POST", "/flags/ro-ops/rollouts/current/pause", { token: operate })).status).toBe(200);
    expect((await call("POST", "/flags/ro-ops/rollouts/current/pause", { token: operate })).status).toBe(409);
    expect(
      (await call("POST", "/flags/ro-ops/rollouts/current/resume", { token: operate, ifMatch: '"rollout-2"' })).status,
    ).toBe(403);
    expect(
      (await call("POST", "/flags/ro-ops/rollouts/current/rollback", { token: operate, ifMatch: '"rollout-1"' }))
        .status,
    ).toBe(412);
    const rolledBack = await call("POST", "/flags/ro-ops/rollouts/current/rollback", { token: operate });
    expect(await json(rolledBack)).toMatchObject({ state: "rolled_back", endedAt: expect.any(Number) });
    expect(await json(await call("GET", "/flags/ro-ops"))).toMatchObject({
      killSwitch: true,
      killReason: expect.stringContaining("rolled back"),
    });
    expect((await call("POST", "/flags/ro-ops/rollouts/current/resume", { ifMatch: '"rollout-3"' })).status).toBe(409);
  });
});
