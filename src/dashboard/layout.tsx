// Page shell: doctype, viewport, our stylesheet and script (same-origin
// files, as the CSP demands), a skip link, the top bar with the signed-in
// actor and a sign-out form, and one notice slot. Notices come either from a
// fixed vocabulary keyed by `?notice=` (nothing from the URL is reflected)
// or from the server's own message after a failed action.
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import type { Session } from "./context";

export interface Notice {
  kind: "ok" | "error" | "info";
  text: string;
}

/** The only messages a URL can ask for (post/redirect/get after an action). */
export const NOTICES: Record<string, Notice> = {
  killed: { kind: "ok", text: "Kill switch is ON: all traffic of this flag goes to blue (stable)." },
  unkilled: { kind: "ok", text: "Kill switch is OFF: the flag's rules and rollout apply again." },
  "kill-unchanged": { kind: "info", text: "Nothing changed: the kill switch was already in that state." },
  paused: { kind: "ok", text: "Rollout paused." },
  resumed: { kind: "ok", text: "Rollout resumed (the stage clock restarted)." },
  advanced: { kind: "ok", text: "Rollout advanced to the next stage." },
  rollback: { kind: "ok", text: "Rollout rolled back: the kill switch is ON and all traffic goes to blue." },
  promoted: { kind: "ok", text: "Green promoted: it is now blue (stable) and the rollout has ended." },
  started: {
    kind: "ok",
    text: "Rollout started at its first stage; the health loop advances, promotes or rolls it back.",
  },
  "signed-out": { kind: "info", text: "You are signed out." },
  expired: { kind: "error", text: "Your session ended (token revoked or expired). Sign in again." },
};

export interface LayoutProps {
  title: string;
  session?: Session | null;
  notice?: Notice | null;
  children?: Child;
}

export function Layout({ title, session, notice, children }: LayoutProps) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="same-origin" />
          <title>{`${title} · switchyard`}</title>
          {/* An empty icon: otherwise every page load asks the router for /favicon.ico (a 404). */}
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href="/admin/assets/app.css" />
          <script src="/admin/assets/app.js" defer></script>
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href="/admin">
              switchyard
            </a>
            {session ? (
              <>
                <nav aria-label="Main">
                  <a href="/admin">Flags</a>
                </nav>
                <span class="who">
                  Signed in as <strong>{session.actor}</strong> (scope: {session.scope})
                </span>
                <form method="post" action="/admin/logout">
                  <button type="submit">Sign out</button>
                </form>
              </>
            ) : null}
          </header>
          <main id="main" tabindex={-1}>
            {notice ? (
              <div
                class={`notice notice-${notice.kind}`}
                role={notice.kind === "error" ? "alert" : "status"}
                tabindex={-1}
                data-focus-notice="1"
              >
                {notice.text}
              </div>
            ) : null}
            {children}
          </main>
        </body>
      </html>
    </>
  );
}
