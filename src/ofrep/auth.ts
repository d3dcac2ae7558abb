// OFREP authentication: the admin API's tokens (`syk_…`, SHA-256 hashed in
// D1, bootstrap ADMIN_TOKEN) through the admin module's own `authenticate`,
// accepted as `Authorization: Bearer <token>` or `X-API-Key: <token>`, and
// the `read` scope suffices. A valid token is always accepted; once one
// client (by CF-Connecting-IP) has used up its failures, its further failed
// attempts get 429 instead of 401, from the isolate's limiter — the same one
// the admin API and dashboard sign-in charge (admin/auth.ts).
// Never logs or echoes a secret. Plain functions over Request, not a
// framework middleware: OFREP is part of the router's script, which every
// new isolate compiles whole (docs/design/routing-hot-path.md, "Start-up cost").
import { authClientOf, authenticate, authFailureLimiter, scopeAllows, type Scope } from "../admin/auth";
import type { Env } from "../env";
import { authFailure } from "./errors";
import type { AuthFailureLimiter } from "../core/auth-failure-limiter";

export const OFREP_SCOPE: Scope = "read";

export interface TokenCheckOptions {
  scope: Scope;
  limiter: AuthFailureLimiter;
  now: () => number;
}

function secretOf(headers: Headers): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  if (bearer) return bearer[1]!;
  const apiKey = headers.get("x-api-key")?.trim();
  return apiKey ? apiKey : null;
}

/**
 * The answer that refuses `request` (401, 403 or 429 in OFREP's error
 * shape), or null when its token may evaluate. The defaults are what OFREP
 * uses (tests inject a scope, clock and limiter).
 */
export async function tokenRefusal(
  request: Request,
  env: Pick<Env, "ADMIN_TOKEN" | "DB">,
  options: Partial<TokenCheckOptions> = {},
): Promise<Response | null> {
  const { scope = OFREP_SCOPE, limiter = authFailureLimiter, now = Date.now } = options;
  const secret = secretOf(request.headers);
  const actor = secret === null ? null : await authenticate(secret, env);
  if (actor === null) {
    // null: not from Cloudflare's edge (see authClientOf), so not limited.
    const client = authClientOf(request);
    // Only a presented-but-wrong secret counts; a request without one cannot guess anything.
    const nowMs = now();
    const wait = client === null ? 0 : limiter.refuseFailure(client, nowMs, secret !== null);
    if (wait > 0)
      return authFailure({
        status: 429,
        details: "too many failed authentications; retry later",
        retryAfterSeconds: wait,
        nowMs,
      });
    return authFailure({ status: 401, details: "send an API token as Authorization: Bearer or X-API-Key" });
  }
  if (!scopeAllows(actor.scope, scope))
    return authFailure({ status: 403, details: `this API needs the "${scope}" scope` });
  return null;
}
