// Operator dashboard (server-rendered hono JSX) mounted at /admin by index.ts
// (which sends /admin/api/* to the admin API instead). Owns: security
// headers and the CSP on every response, the same-origin check on every
// POST (CSRF), sign-in/out with the `sy_admin` session cookie, the pages,
// and the two static assets. Reads and writes go through the admin API
// in-process (context.ts), so scopes, ETags and auditing are the API's.
import { Hono, type MiddlewareHandler } from "hono";
import { handleKill, handleRolloutAction, handleStartRollout } from "./actions";
import { APP_CSS } from "./assets/app-css";
import { APP_JS } from "./assets/app-js";
import type { DashEnv } from "./context";
import { loadFlagsList, LIST_SERIES } from "./data/list-data";
import { chartWindowOf, loadFlagPage } from "./data/flag-data";
import { NOTICES } from "./layout";
import { FlagPage } from "./pages/flag-page";
import { FlagsListPage } from "./pages/flags-list";
import { LoginPage } from "./pages/login";
import { MessagePage } from "./pages/message";
import { isSameOrigin, securityHeaders } from "./security";
import { endSession, identify, plausibleToken, readSessionToken, startSession } from "./session";

export const dashboardApp = new Hono<DashEnv>().basePath("/admin");

dashboardApp.use("*", securityHeaders);

// Assets are code we ship, never user data; a short cache keeps deploys visible quickly.
const asset = (body: string, type: string) => () =>
  new Response(body, { headers: { "content-type": `${type}; charset=utf-8`, "cache-control": "public, max-age=300" } });
dashboardApp.get("/assets/app.css", asset(APP_CSS, "text/css"));
dashboardApp.get("/assets/app.js", asset(APP_JS, "text/javascript"));

dashboardApp.use("*", async function refuseCrossSitePosts(c, next) {
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && !isSameOrigin(c.req.raw)) {
    return c.html(
      <MessagePage
        title="Request refused"
        text="This request did not come from the dashboard itself (cross-site request), so nothing was done."
      />,
      403,
    );
  }
  await next();
});

/** 429 + Retry-After: this client used up its failed authentications (admin/auth.ts limiter). */
function tooManyFailures(c: Parameters<MiddlewareHandler<DashEnv>>[0], retryAfterSeconds: number) {
  c.header("retry-after", String(retryAfterSeconds));
  return c.html(
    <LoginPage
      notice={{
        kind: "error",
        text: `Too many failed sign-ins from your address. Try again in ${retryAfterSeconds} s.`,
      }}
    />,
    429,
  );
}

const requireSession: MiddlewareHandler<DashEnv> = async function requireDashboardSession(c, next) {
  const token = readSessionToken(c);
  if (token === null) return c.redirect("/admin/login", 303);
  const who = await identify(c, token);
  if (!who.ok) {
    if (who.status === 429) return tooManyFailures(c, who.retryAfterSeconds ?? 60);
    if (who.status !== 401) throw new Error(`whoami answered ${who.status}`);
    endSession(c);
    return c.redirect("/admin/login?notice=expired", 303);
  }
  c.set("session", who.session);
  await next();
};

const noticeFrom = (value: string | undefined) => (value !== undefined ? (NOTICES[value] ?? null) : null);

dashboardApp.get("/login", (c) => c.html(<LoginPage notice={noticeFrom(c.req.query("notice"))} />));

dashboardApp.post("/login", async (c) => {
  const form = await c.req.parseBody();
  const token = typeof form.token === "string" ? form.token.trim() : "";
  const who = plausibleToken(token) ? await identify(c, token) : { ok: false as const, status: 401 };
  if (!who.ok) {
    if (who.status === 429) return tooManyFailures(c, who.retryAfterSeconds ?? 60);
    return c.html(
      <LoginPage notice={{ kind: "error", text: "That token was not accepted (unknown, revoked or mistyped)." }} />,
      401,
    );
  }
  startSession(c, token);
  return c.redirect("/admin", 303);
});

dashboardApp.post("/logout", (c) => {
  endSession(c);
  return c.redirect("/admin/login?notice=signed-out", 303);
});

const flagsList = async (c: Parameters<MiddlewareHandler<DashEnv>>[0]) => {
  const { rows, nextCursor } = await loadFlagsList(c, c.req.query("cursor"));
  return c.html(
    <FlagsListPage
      session={c.get("session")}
      rows={rows}
      nextCursor={nextCursor}
      hours={LIST_SERIES.hours}
      notice={noticeFrom(c.req.query("notice"))}
    />,
  );
};
dashboardApp.get("/", requireSession, flagsList);
dashboardApp.get("", requireSession, flagsList);

dashboardApp.get("/flags/:key", requireSession, async (c) => {
  const key = c.req.param("key");
  const data = await loadFlagPage(c, key, c.req.query("q") ?? "", chartWindowOf(c.req.query("window")));
  if (!data)
    return c.html(
      <MessagePage title="Flag not found" text={`There is no flag "${key}".`} session={c.get("session")} />,
      404,
    );
  return c.html(
    <FlagPage session={c.get("session")} data={data} notice={noticeFrom(c.req.query("notice"))} now={Date.now()} />,
  );
});

dashboardApp.post("/flags/:key/kill", requireSession, (c) => handleKill(c, true));
dashboardApp.post("/flags/:key/unkill", requireSession, (c) => handleKill(c, false));
// Before the generic action route: "start" is not an action on a live rollout.
dashboardApp.post("/flags/:key/rollout/start", requireSession, handleStartRollout);
dashboardApp.post("/flags/:key/rollout/:action", requireSession, handleRolloutAction);

dashboardApp.notFound((c) =>
  c.html(<MessagePage title="Page not found" text="There is no dashboard page at this address." />, 404),
);

dashboardApp.onError((error, c) => {
  console.error("dashboard error", { path: c.req.path, error: String(error) });
  return c.html(
    <MessagePage
      title="Something went wrong"
      text="The dashboard could not load this page. Try again; if it persists, check the Worker logs."
    />,
    500,
  );
});
