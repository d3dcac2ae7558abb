// Kill switch and rollout controls from the dashboard: confirmation, the
// reason reaching the audit log, scopes, and the 412 "changed since you
// loaded it" answer for a stale page; starting a rollout with a plan.
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_STAGE_PLAN } from "../../src/core/rollout-machine";
import { auditRows, call, createFlag, flagEtag, json, mintToken } from "../admin/helpers";
import { page, rolloutOf, seedDemoFlag, signIn } from "./helpers";

const KEY = "dash-actions";
let cookie = "";

beforeAll(async () => {
  await seedDemoFlag(KEY);
  cookie = await signIn();
});

const flag = async () => json(await call("GET", `/flags/${KEY}`));

describe("kill switch from the dashboard", () => {
  it("asks for confirmation first when the browser did not (no script): nothing changes", async () => {
    const response = await page("POST", `/admin/flags/${KEY}/kill`, {
      cookie,
      form: { reason: "spike", confirmed: "0" },
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Please confirm");
    expect(html).toContain('<input type="hidden" name="reason" value="spike"/>');
    expect(html).toContain('<input type="hidden" name="confirmed" value="1"/>');
    expect((await flag()).killSwitch).toBe(false);
  });

  it("requires a reason (the API's 400 is shown, nothing changes)", async () => {
    const response = await page("POST", `/admin/flags/${KEY}/kill`, { cookie, form: { reason: "  ", confirmed: "1" } });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Refused (400)");
    expect((await flag()).killSwitch).toBe(false);
  });

  it("turns the kill switch on with the reason, shows the state and the audit row", async () => {
    const response = await page("POST", `/admin/flags/${KEY}/kill`, {
      cookie,
      form: { reason: "green 5xx spike", confirmed: "1" },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/admin/flags/${KEY}?notice=killed`);
    expect((await flag()).killSwitch).toBe(true);
    const last = (await auditRows()).at(-1)!;
    expect(last.action).toBe("flag.kill");
    expect(last.actor).toBe("bootstrap");
    expect(JSON.parse(String(last.after)).reason).toBe("green 5xx spike");
    const html = await (await page("GET", response.headers.get("location")!, { cookie })).text();
    expect(html).toContain("Kill switch is ON: all traffic of this flag goes to blue (stable).");
    expect(html).toContain('<span class="badge badge-kill" title="green 5xx spike">Kill switch ON</span>');
    expect(html).toMatch(/<td>flag\.kill<\/td><td>green 5xx spike<\/td>/);
    expect(html).toContain("Turn kill switch OFF");
  });

  it("says so when nothing changed (already on), then turns it off", async () => {
    const again = await page("POST", `/admin/flags/${KEY}/kill`, { cookie, form: { reason: "again", confirmed: "1" } });
    expect(again.headers.get("location")).toBe(`/admin/flags/${KEY}?notice=kill-unchanged`);
    const off = await page("POST", `/admin/flags/${KEY}/unkill`, { cookie, form: { reason: "fixed", confirmed: "1" } });
    expect(off.headers.get("location")).toBe(`/admin/flags/${KEY}?notice=unkilled`);
    expect((await flag()).killSwitch).toBe(false);
  });

  it("refuses a read-scope session with 403 naming the needed scope", async () => {
    const reader = await signIn(await mintToken("read", "dash-read-kill"));
    const response = await page("POST", `/admin/flags/${KEY}/kill`, {
      cookie: reader,
      form: { reason: "x", confirmed: "1" },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("does not allow this; it needs “operate”");
    expect((await flag()).killSwitch).toBe(false);
  });
});

describe("rollout controls from the dashboard", () => {
  it("answers a stale page with 412 and a clear message, and changes nothing", async () => {
    const before = await rolloutOf(KEY);
    const stale = `"rollout-${Number(before.etag.match(/\d+/)![0]) - 1}"`;
    const response = await page("POST", `/admin/flags/${KEY}/rollout/pause`, {
      cookie,
      form: { etag: stale, confirmed: "1" },
    });
    expect(response.status).toBe(412);
    const html = await response.text();
    expect(html).toContain("This flag changed since you loaded it");
    expect(html).toContain('role="alert"');
    // The re-rendered page carries the current ETag so the operator can retry.
    expect(html).toContain(`value="${before.etag.replace(/"/g, "&quot;")}"`);
    expect((await rolloutOf(KEY)).state).toBe("active");
  });

  it("refuses advance for an operate-scope session (admin only)", async () => {
    const operator = await signIn(await mintToken("operate", "dash-operator"));
    const { etag } = await rolloutOf(KEY);
    const response = await page("POST", `/admin/flags/${KEY}/rollout/advance`, {
      cookie: operator,
      form: { etag, confirmed: "1" },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("it needs “admin”");
  });

  it("pauses, then resumes with the page's ETag", async () => {
    let { etag } = await rolloutOf(KEY);
    const paused = await page("POST", `/admin/flags/${KEY}/rollout/pause`, { cookie, form: { etag, confirmed: "1" } });
    expect(paused.headers.get("location")).toBe(`/admin/flags/${KEY}?notice=paused`);
    expect((await rolloutOf(KEY)).state).toBe("paused");
    const html = await (await page("GET", `/admin/flags/${KEY}`, { cookie })).text();
    expect(html).toContain("Resume rollout");
    ({ etag } = await rolloutOf(KEY));
    const resumed = await page("POST", `/admin/flags/${KEY}/rollout/resume`, {
      cookie,
      form: { etag, confirmed: "1" },
    });
    expect(resumed.headers.get("location")).toBe(`/admin/flags/${KEY}?notice=resumed`);
    expect((await rolloutOf(KEY)).state).toBe("active");
  });

  it("shows the state machine's refusal (409) in words", async () => {
    const { etag } = await rolloutOf(KEY);
    const response = await page("POST", `/admin/flags/${KEY}/rollout/resume`, {
      cookie,
      form: { etag, confirmed: "1" },
    });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("Not possible in the current state");
  });

  it("rejects an unknown action", async () => {
    expect(
      (await page("POST", `/admin/flags/${KEY}/rollout/explode`, { cookie, form: { confirmed: "1" } })).status,
    ).toBe(404);
  });
});

describe("starting a rollout from the dashboard", () => {
  const START = "dash-start";
  const plan = (extra: Record<string, string> = {}) => ({
    stages: "shadow, 5, 25, 50, 100",
    minDuration: "600",
    minSamples: "",
    hold: "600",
    confirmed: "1",
    ...extra,
  });
  const current = async () => call("GET", `/flags/${START}/rollouts/current`);

  it("offers the default plan when there is no rollout; a form that is not a plan is refused (400) and starts nothing", async () => {
    await createFlag(START);
    const html = await (await page("GET", `/admin/flags/${START}`, { cookie })).text();
    expect(html).toContain("Start a rollout");
    expect(html).toContain('name="stages" value="shadow, 5, 25, 50, 100"');
    for (const [fields, message] of [
      [{ stages: "shadow, 5, lots" }, "Stage “lots”"],
      [{ stages: " , " }, "Stages are needed"],
      [{ minDuration: "-1" }, "Minimum time per stage"],
      [{ minSamples: "many" }, "Minimum samples"],
    ] as const) {
      const response = await page("POST", `/admin/flags/${START}/rollout/start`, {
        cookie,
        form: plan({ ...fields, etag: await flagEtag(START) }),
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(message);
    }
    expect((await current()).status).toBe(404);
  });

  it("asks for confirmation quoting the plan, then starts exactly the default plan through the API", async () => {
    const etag = await flagEtag(START);
    const confirm = await page("POST", `/admin/flags/${START}/rollout/start`, {
      cookie,
      form: plan({ etag, confirmed: "0" }),
    });
    const question = await confirm.text();
    expect(question).toContain("Please confirm");
    expect(question).toContain("shadow → 5 % → 25 % → 50 % → 100 %");
    expect((await current()).status).toBe(404);
    const response = await page("POST", `/admin/flags/${START}/rollout/start`, { cookie, form: plan({ etag }) });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/admin/flags/${START}?notice=started`);
    const rollout = await json(await current());
    expect(rollout).toMatchObject({ state: "active", stageIndex: 0, holdSeconds: 600 });
    expect(rollout.stages).toEqual(DEFAULT_STAGE_PLAN);
    expect((await auditRows()).at(-1)).toMatchObject({ action: "rollout.start", actor: "bootstrap" });
    const html = await (await page("GET", response.headers.get("location")!, { cookie })).text();
    expect(html).toContain("Rollout started at its first stage");
    expect(html).not.toContain("Start a rollout");
  });

  it("after a rollback: disabled while the kill switch is on (the API's 409 if sent anyway), then a custom plan", async () => {
    const { etag } = await rolloutOf(START);
    expect(
      (await page("POST", `/admin/flags/${START}/rollout/rollback`, { cookie, form: { etag, confirmed: "1" } })).status,
    ).toBe(303);
    const ended = await (await page("GET", `/admin/flags/${START}`, { cookie })).text();
    expect(ended).toContain("This rollout has ended (rolled back).");
    expect(ended).toContain("The kill switch is on: turn it off first");
    expect(ended).toMatch(/<button type="submit" class="primary" disabled="">Start rollout<\/button>/);
    const refused = await page("POST", `/admin/flags/${START}/rollout/start`, {
      cookie,
      form: plan({ etag: await flagEtag(START) }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Not possible in the current state: the kill switch is on");

    await call("DELETE", `/flags/${START}/kill`, { body: { reason: "fixed" } });
    const custom = plan({
      stages: "shadow, 50%, 100",
      minDuration: "60",
      minSamples: "30",
      hold: "0",
      etag: await flagEtag(START),
    });
    expect((await page("POST", `/admin/flags/${START}/rollout/start`, { cookie, form: custom })).status).toBe(303);
    const rollout = await json(await current());
    expect(rollout).toMatchObject({ state: "active", holdSeconds: 0 });
    expect(rollout.stages).toEqual([
      { mode: "shadow", percent: 0, minDurationSeconds: 60, minSamples: 30 },
      { mode: "serve", percent: 50, minDurationSeconds: 60, minSamples: 30 },
      { mode: "serve", percent: 100, minDurationSeconds: 60, minSamples: 30 },
    ]);
  });

  it("leaves shape rules, stale pages and scopes to the API: 422, 412, 403 — nothing started", async () => {
    const { etag } = await rolloutOf(START);
    await page("POST", `/admin/flags/${START}/rollout/rollback`, { cookie, form: { etag, confirmed: "1" } });
    await call("DELETE", `/flags/${START}/kill`, { body: { reason: "again" } });
    const before = (await rolloutOf(START)).id;
    const fresh = await flagEtag(START);
    const shape = await page("POST", `/admin/flags/${START}/rollout/start`, {
      cookie,
      form: plan({ stages: "5, shadow, 100", etag: fresh }),
    });
    expect(shape.status).toBe(422);
    expect(await shape.text()).toContain("Refused (422)");
    const stale = await page("POST", `/admin/flags/${START}/rollout/start`, {
      cookie,
      form: plan({ etag: `"flag-1"` }),
    });
    expect(stale.status).toBe(412);
    expect(await stale.text()).toContain("This flag changed since you loaded it");
    const operator = await signIn(await mintToken("operate", "dash-start-op"));
    const scoped = await page("POST", `/admin/flags/${START}/rollout/start`, {
      cookie: operator,
      form: plan({ etag: fresh }),
    });
    expect(scoped.status).toBe(403);
    expect(await scoped.text()).toContain("it needs “admin”");
    expect(await rolloutOf(START)).toMatchObject({ id: before, state: "rolled_back" });
  });
});
