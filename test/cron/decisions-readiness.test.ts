// Decisions are readable at GET /admin/api/flags/:key/decisions (newest
// first, figures included), and blue's readiness probe is recorded on each
// decision and blocks advancing while blue is unhealthy. `rolloutId` and
// `scope` narrow the list, and `switchyard rollout status` (the real CLI
// against the real Worker) shows only the current rollout's last decision.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { run, type CliIo } from "../../cli/main.mjs";
import worker from "../../src/index";
import { adminEnv, BOOTSTRAP, call, createFlag, flagEtag, json } from "../admin/helpers";
import { decisionsOf, drive, rolloutOf, seedHealthFlag, stage, startRollout, tick } from "./helpers";
import { installModels } from "../helpers/fake-origins";

/** `switchyard rollout status KEY --json` through the Worker's admin API. */
async function cliStatus(key: string) {
  let out = "";
  const io: CliIo = {
    env: { SWITCHYARD_URL: "https://router.example", SWITCHYARD_TOKEN: BOOTSTRAP },
    fetch: (async (url: string, init: RequestInit) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(new Request(url, init), adminEnv, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    }) as unknown as typeof fetch,
    stdout: (text) => (out += text),
    stderr: () => {},
    isTTY: false,
    readFile: async () => "",
    now: () => Date.now(),
    sleep: async () => {},
  };
  expect(await run(["rollout", "status", key, "--json"], io)).toBe(0);
  return JSON.parse(out);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("decisions and readiness", () => {
  it("records blue's readiness, holds with blue_not_ready, and serves decisions over the admin API", async () => {
    const models = installModels({ "health-rd.test": { failWhen: () => true } });
    await seedHealthFlag("rd", { blueHealthUrl: "https://health-rd.test/ready" });
    await startRollout("rd", "r-rd", [stage("serve", 50, 20), stage("serve", 100, 20)]);
    await drive("rd", 100);
    await tick();
    const [held] = await decisionsOf("rd");
    expect(held).toMatchObject({ action: "hold", reason: "blue_not_ready", blueReady: false });
    expect(held!.figures.readiness).toMatchObject({ ready: false, status: 500 });
    expect((await rolloutOf("r-rd")).stageIndex).toBe(0);
    models.setModel("health-rd.test", {});
    await tick();
    expect((await decisionsOf("rd")).at(-1)).toMatchObject({ action: "advance", blueReady: true });

    const response = await call("GET", "/flags/rd/decisions?limit=1");
    expect(response.status).toBe(200);
    const page = await json(response);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      action: "advance",
      scope: "rollout",
      applied: true,
      figures: { samples: { required: 20 } },
    });
    const next = await json(await call("GET", `/flags/rd/decisions?limit=5&cursor=${page.nextCursor}`));
    expect(next.items.map((d: { reason: string }) => d.reason)).toEqual(["blue_not_ready"]);
    expect((await call("GET", "/flags/nope/decisions")).status).toBe(404);
  });

  it("filters by rollout and scope, so status right after a new start shows no previous rollout's decision", async () => {
    installModels({});
    await createFlag("rs");
    const plan = { stages: [stage("serve", 50, 1000), stage("serve", 100, 1000)] };
    const started = await call("POST", "/flags/rs/rollouts", { body: plan, ifMatch: await flagEtag("rs") });
    const first = await json(started);
    expect(started.status, JSON.stringify(first)).toBe(201);
    await tick();
    expect((await cliStatus("rs")).lastDecision).toMatchObject({
      rolloutId: first.id,
      scope: "rollout",
      reason: "insufficient_samples",
    });
    expect((await call("POST", "/flags/rs/rollouts/current/rollback", { ifMatch: '"rollout-1"' })).status).toBe(200);
    expect((await call("DELETE", "/flags/rs/kill", { body: { reason: "fixed green" } })).status).toBe(200);
    const restarted = await call("POST", "/flags/rs/rollouts", { body: plan, ifMatch: await flagEtag("rs") });
    const second = await json(restarted);
    expect(restarted.status, JSON.stringify(second)).toBe(201);

    // Unfiltered, the newest decision is still the first rollout's…
    expect((await json(await call("GET", "/flags/rs/decisions?limit=1"))).items[0]).toMatchObject({
      rolloutId: first.id,
    });
    // …filtered, the new rollout has none yet, and status says so.
    expect((await json(await call("GET", `/flags/rs/decisions?rolloutId=${second.id}`))).items).toEqual([]);
    const status = await cliStatus("rs");
    expect(status).toMatchObject({
      decisionsAvailable: true,
      lastDecision: null,
      rollout: { id: second.id, state: "active" },
    });
    await tick();
    expect((await cliStatus("rs")).lastDecision).toMatchObject({ rolloutId: second.id, scope: "rollout" });

    const byFirst = await json(await call("GET", `/flags/rs/decisions?rolloutId=${first.id}&scope=rollout`));
    expect(byFirst.items.map((d: { rolloutId: string }) => d.rolloutId)).toEqual([first.id]);
    expect((await json(await call("GET", `/flags/rs/decisions?rolloutId=${first.id}&scope=rule:r1`))).items).toEqual(
      [],
    );
  });

  it.each([
    ["rolloutId=", "rolloutId"],
    ["rolloutId=a%20b", "rolloutId"],
    [`rolloutId=${"x".repeat(65)}`, "rolloutId"],
    ["scope=rules", "scope"],
    ["scope=rule:", "scope"],
    ["scope=rule:a%2Fb", "scope"],
    ["rollout=r1", "rollout"],
  ])("rejects the decisions query %s with a 400 naming %s", async (query, field) => {
    await createFlag("rq").catch(() => undefined);
    const response = await call("GET", `/flags/rq/decisions?${query}`);
    expect(response.status).toBe(400);
    expect(JSON.stringify((await json(response)).error)).toContain(field);
  });
});
