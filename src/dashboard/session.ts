// The dashboard session: the admin API token itself in an HttpOnly,
// SameSite=Strict cookie (`sy_admin`, Path=/admin, Secure unless DEV_MODE=1).
// Why the token and not a signed session: every page call re-authenticates
// through the admin API, so a revoked token stops the dashboard at once, the
// scope is always the token's current one, and there is no second secret
// (an HMAC key) to provision and rotate. HttpOnly keeps it from scripts;
// the hot path strips the cookie before proxying; the admin API never reads
// cookies, so the cookie cannot be replayed cross-site against the API.
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { ADMIN_SESSION_COOKIE, API_TOKEN_PREFIX } from "../core/credentials";
import type { WhoamiView } from "./types";
import { callApi, type DashContext, type Session } from "./context";

/** Sign-in lasts a working day; then the operator pastes the token again. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;
const MAX_TOKEN_LENGTH = 512;

const cookieOptions = (c: DashContext) => ({
  httpOnly: true,
  secure: c.env.DEV_MODE !== "1",
  sameSite: "Strict" as const,
  path: "/admin",
});

/** A syntactically plausible token (the API decides whether it is valid). */
export function plausibleToken(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.startsWith(API_TOKEN_PREFIX) &&
    value.length <= MAX_TOKEN_LENGTH &&
    /^[\x21-\x7e]+$/.test(value)
  );
}

export function readSessionToken(c: DashContext): string | null {
  const value = getCookie(c, ADMIN_SESSION_COOKIE);
  return plausibleToken(value) ? value : null;
}

export function startSession(c: DashContext, token: string): void {
  setCookie(c, ADMIN_SESSION_COOKIE, token, { ...cookieOptions(c), maxAge: SESSION_MAX_AGE_SECONDS });
}

export function endSession(c: DashContext): void {
  deleteCookie(c, ADMIN_SESSION_COOKIE, cookieOptions(c));
}

export type WhoAmI = { ok: true; session: Session } | { ok: false; status: number; retryAfterSeconds?: number };

/** Asks the admin API who this token is (401 when unknown or revoked). */
export async function identify(c: DashContext, token: string): Promise<WhoAmI> {
  const result = await callApi<WhoamiView>(c, token, "GET", "/whoami");
  if (result.status === 429) {
    const wait = Number((result.error?.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds);
    return { ok: false, status: 429, retryAfterSeconds: Number.isFinite(wait) && wait > 0 ? wait : 60 };
  }
  if (result.status !== 200 || result.data === null) return { ok: false, status: result.status };
  return { ok: true, session: { token, actor: result.data.actor, scope: result.data.scope } };
}
