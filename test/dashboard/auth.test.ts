// Sign-in, the session cookie, CSRF refusal and the security headers of the
// dashboard, through the real Worker.
import { describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "../../src/dashboard/security";
import { adminEnv, BOOTSTRAP, call, json, mintToken } from "../admin/helpers";
import { page, signIn } from "./helpers";

describe("dashboard sign-in", () => {
  it("redirects to the sign-in page when not signed in", async () => {
    for (const path of ["/admin", "/admin/", "/admin/flags/anything"]) {
      const response = await page("GET", path);
      expect(response.status, path).toBe(303);
      expect(response.headers.get("location")).toBe("/admin/login");
    }
  });

  it("serves a labelled login form with a strict CSP and no inline code", async () => {
    const response = await page("GET", "/admin/login");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    // same-origin, not no-referrer: the latter makes browsers send "Origin: null" on our own forms.
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<label for="token">');
    expect(html).toMatch(/<input id="token" name="token" type="password"/);
    expect(html).toContain('<form class="stack" method="post" action="/admin/login">');
    // Only same-origin assets: no inline <script> body, no style attributes, no external hosts.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("sets an HttpOnly, SameSite=Strict session cookie on a valid token and never puts it in the URL", async () => {
    const response = await page("POST", "/admin/login", { form: { token: BOOTSTRAP } });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin");
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^sy_admin=/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/admin");
    expect(cookie).toMatch(/Max-Age=\d+/);
    // The test pool runs with DEV_MODE=1 (plain http locally): no Secure there.
    expect(cookie).not.toContain("Secure");
    expect(response.headers.get("location")).not.toContain("syk_");
  });

  it("marks the cookie Secure outside DEV_MODE", async () => {
    const response = await page("POST", "/admin/login", {
      form: { token: BOOTSTRAP },
      env: { ...adminEnv, DEV_MODE: "0" },
    });
    expect(response.headers.get("set-cookie")).toContain("Secure");
  });

  it("refuses an unknown token with 401 and sets no cookie", async () => {
    for (const token of ["syk_not_a_real_token", "plain-text", ""]) {
      const response = await page("POST", "/admin/login", { form: { token } });
      expect(response.status).toBe(401);
      expect(response.headers.get("set-cookie")).toBeNull();
      expect(await response.text()).toContain("was not accepted");
    }
  });

  it("lets a signed-in operator see the flags page and sign out (cookie cleared)", async () => {
    const cookie = await signIn();
    const list = await page("GET", "/admin", { cookie });
    expect(list.status).toBe(200);
    expect(await list.text()).toContain("Signed in as <strong>bootstrap</strong>");
    const out = await page("POST", "/admin/logout", { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/admin/login?notice=signed-out");
    expect(out.headers.get("set-cookie")).toMatch(/^sy_admin=;.*Max-Age=0/);
  });

  it("ends the session at once when the token is revoked", async () => {
    const created = await json(await call("POST", "/tokens", { body: { name: "dash-revoked", scope: "read" } }));
    const cookie = await signIn(created.token);
    expect((await page("GET", "/admin", { cookie })).status).toBe(200);
    await call("DELETE", `/tokens/${created.id}`);
    const after = await page("GET", "/admin", { cookie });
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/admin/login?notice=expired");
    expect(after.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("shows the token's scope", async () => {
    const cookie = await signIn(await mintToken("operate", "dash-operate"));
    expect(await (await page("GET", "/admin", { cookie })).text()).toContain("(scope: operate)");
  });
});

describe("CSRF", () => {
  it("refuses a cross-site POST even with a valid cookie", async () => {
    const cookie = await signIn();
    const response = await page("POST", "/admin/flags/x/kill", {
      cookie,
      origin: "https://evil.example",
      form: { reason: "csrf", confirmed: "1" },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("cross-site request");
  });

  it("refuses a POST with neither Origin nor Sec-Fetch-Site, and accepts Sec-Fetch-Site: same-origin", async () => {
    expect((await page("POST", "/admin/login", { origin: null, form: { token: BOOTSTRAP } })).status).toBe(403);
    const ok = await page("POST", "/admin/login", {
      origin: null,
      headers: { "sec-fetch-site": "same-origin" },
      form: { token: BOOTSTRAP },
    });
    expect(ok.status).toBe(303);
    // Origin "null" (privacy-sensitive contexts) is judged by Fetch Metadata alone.
    expect((await page("POST", "/admin/login", { origin: "null", form: { token: BOOTSTRAP } })).status).toBe(403);
    expect(
      (
        await page("POST", "/admin/login", {
          origin: "null",
          headers: { "sec-fetch-site": "same-origin" },
          form: { token: BOOTSTRAP },
        })
      ).status,
    ).toBe(303);
    expect(
      (
        await page("POST", "/admin/login", {
          origin: "null",
          headers: { "sec-fetch-site": "cross-site" },
          form: { token: BOOTSTRAP },
        })
      ).status,
    ).toBe(403);
  });

  it("refuses a cross-site login (login CSRF)", async () => {
    const response = await page("POST", "/admin/login", { origin: "https://evil.example", form: { token: BOOTSTRAP } });
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
  });
});

describe("assets and errors", () => {
  it("serves the stylesheet and script from /admin/assets with their types", async () => {
    const css = await page("GET", "/admin/assets/app.css");
    expect(css.headers.get("content-type")).toContain("text/css");
    expect(await css.text()).toContain(".line-green");
    const js = await page("GET", "/admin/assets/app.js");
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(await js.text()).toContain("window.confirm");
    expect(js.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
  });

  it("answers unknown dashboard pages with an HTML 404 and leaves /admin/api alone", async () => {
    const response = await page("GET", "/admin/nope");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("text/html");
    const apiResponse = await call("GET", "/whoami");
    expect(apiResponse.status).toBe(200);
    expect(await apiResponse.json()).toEqual({ actor: "bootstrap", scope: "admin" });
  });
});
