// Kill switch and rollout controls from the dashboard: confirmation, the
// reason reaching the audit log, scopes, and the 412 "changed since you
// loaded it" answer for a stale page.
import { beforeAll, describe, expect, it } from "vitest";
import { auditRows, call, json, mintToken } from "../admin/helpers";
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
    const response = await page("POST", `/admin/flags/${KEY}/kill`, { cookie, form: { reason: "spike", confirmed: "0" } });
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
    const response = await page("POST", `/admin/flags/${KEY}/kill`, { cookie, form: { reason: "green 5xx spike", confirmed: "1" } });
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
    const response = await page("POST", `/admin/flags/${KEY}/kill`, { cookie: reader, form: { reason: "x", confirmed: "1" } });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("does not allow this; it needs “operate”");
    expect((await flag()).killSwitch).toBe(false);
  });
});

describe("rollout controls from the dashboard", () => {
  it("answers a stale page with 412 and a clear message, and changes nothing", async () => {
    const before = await rolloutOf(KEY);
    const stale = `"rollout-${Number(before.etag.match(/\d+/)![0]) - 1}"`;
    const response = await page("POST", `/admin/flags/${KEY}/rollout/pause`, { cookie, form: { etag: stale, confirmed: "1" } });
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
    const response = await page("POST", `/admin/flags/${KEY}/rollout/advance`, { cookie: operator, form: { etag, confirmed: "1" } });
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
    const resumed = await page("POST", `/admin/flags/${KEY}/rollout/resume`, { cookie, form: { etag, confirmed: "1" } });
    expect(resumed.headers.get("location")).toBe(`/admin/flags/${KEY}?notice=resumed`);
    expect((await rolloutOf(KEY)).state).toBe("active");
  });

  it("shows the state machine's refusal (409) in words", async () => {
    const { etag } = await rolloutOf(KEY);
    const response = await page("POST", `/admin/flags/${KEY}/rollout/resume`, { cookie, form: { etag, confirmed: "1" } });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("Not possible in the current state");
  });

  it("rejects an unknown action", async () => {
    expect((await page("POST", `/admin/flags/${KEY}/rollout/explode`, { cookie, form: { confirmed: "1" } })).status).toBe(404);
  });
});
