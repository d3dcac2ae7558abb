// OFREP authentication: the admin API's tokens (`syk_…`, SHA-256 hashed in
// D1, bootstrap ADMIN_TOKEN) through the admin module's own `authenticate`,
// accepted as `Authorization: Bearer <token>` or `X-API-Key: <token>`, and
// the `read` scope suffices. A valid token is always accepted; once one
// client (by CF-Connecting-IP) has used up its failures, its further failed
// attempts get 429 instead of 401, from the isolate's limiter — the same one
// the admin API and dashboard sign-in charge (admin/auth.ts).
// Never logs or echoes a secret.
import type { Context, MiddlewareHandler } from "hono";
import { authClientOf, authenticate, authFailureLimiter, scopeAllows, type Scope } from "../admin/auth";
import type { Env } from "../env";
import { authFailure } from "./errors";
import type { AuthFailureLimiter } from "../core/auth-failure-limiter";

export interface OfrepEnv {
  Bindings: Env;
}

export const OFREP_SCOPE: Scope = "read";

export interface RequireTokenOptions {
  scope: Scope;
  limiter: AuthFailureLimiter;
  now: () => number;
}

function secretOf(c: Context<OfrepEnv>): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  if (bearer) return bearer[1]!;
  const apiKey = c.req.header("x-api-key")?.trim();
  return apiKey ? apiKey : null;
}

/** Middleware factory; the defaults are what the OFREP app uses (tests inject a clock and limiter). */
export function requireToken(options: Partial<RequireTokenOptions> = {}): MiddlewareHandler<OfrepEnv> {
  const { scope = OFREP_SCOPE, limiter = authFailureLimiter, now = Date.now } = options;
  return async function requireTokenMiddleware(c, next) {
    const secret = secretOf(c);
    const actor = secret === null ? null : await authenticate(secret, c.env);
    if (actor === null) {
      // null: not from Cloudflare's edge (see authClientOf), so not limited.
      const client = authClientOf(c.req.raw);
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
    await next();
  };
}
