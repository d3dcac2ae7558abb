// OFREP authentication: the admin API's tokens (`syk_…`, SHA-256 hashed in
// D1, bootstrap ADMIN_TOKEN) through the admin module's own `authenticate`,
// accepted as `Authorization: Bearer <token>` or `X-API-Key: <token>`, and
// the `read` scope suffices. Repeated 401s from one client (by
// CF-Connecting-IP) earn a 429 with Retry-After from an in-isolate limiter.
// Never logs or echoes a secret.
import type { Context, MiddlewareHandler } from "hono";
import { authenticate, scopeAllows, type Scope } from "../admin/auth";
import type { AdminContext } from "../admin/context";
import type { Env } from "../env";
import type { Db } from "../store/snapshot-builder";
import { openDb } from "../store/snapshot-store";
import { authFailure, type AuthFailure } from "./errors";
import { AuthFailureLimiter } from "./rate-limit";

export interface OfrepEnv {
  Bindings: Env;
  Variables: { db: Db };
}

export const OFREP_SCOPE: Scope = "read";

export interface RequireTokenOptions {
  scope: Scope;
  limiter: AuthFailureLimiter;
  now: () => number;
}

const isolateLimiter = new AuthFailureLimiter();

function secretOf(c: Context<OfrepEnv>): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  if (bearer) return bearer[1]!;
  const apiKey = c.req.header("x-api-key")?.trim();
  return apiKey ? apiKey : null;
}

/** The client a failure is charged to; without the edge's header all share one bucket. */
const clientOf = (c: Context<OfrepEnv>): string => c.req.header("cf-connecting-ip") ?? "unknown";

/** Middleware factory; the defaults are what the OFREP app uses (tests inject a clock and limiter). */
export function requireToken(options: Partial<RequireTokenOptions> = {}): MiddlewareHandler<OfrepEnv> {
  const { scope = OFREP_SCOPE, limiter = isolateLimiter, now = Date.now } = options;
  return async function requireTokenMiddleware(c, next) {
    const client = clientOf(c);
    const wait = limiter.retryAfterSeconds(client, now());
    if (wait > 0) return authFailure({ status: 429, details: "too many failed authentications; retry later", retryAfterSeconds: wait });
    c.set("db", openDb(c.env.DB));
    const secret = secretOf(c);
    // `authenticate` reads only c.env.ADMIN_TOKEN and c.get("db"), which this context provides.
    const actor = secret === null ? null : await authenticate(secret, c as unknown as AdminContext);
    let failure: AuthFailure | null = null;
    if (actor === null) failure = { status: 401, details: "send an API token as Authorization: Bearer or X-API-Key" };
    else if (!scopeAllows(actor.scope, scope)) failure = { status: 403, details: `this API needs the "${scope}" scope` };
    if (failure !== null) {
      if (failure.status === 401) limiter.recordFailure(client, now());
      return authFailure(failure);
    }
    await next();
  };
}
