// Bearer-token auth for the admin API. Scopes are ordered read < operate <
// admin. Secrets are never stored, logged or echoed: D1 holds their SHA-256,
// the bootstrap `ADMIN_TOKEN` secret is compared by hash in constant time,
// and the request context only carries the token's id (the audit actor).
// A valid token is always accepted; repeated failed authentications from one
// client earn a 429 with Retry-After (instead of 401) from the isolate's
// AuthFailureLimiter, which the dashboard sign-in and OFREP share (one
// client, one budget, whatever the surface, per isolate). Deployed as two
// Workers, OFREP's budget lives in router isolates and the admin API's and
// dashboard's in control isolates: a client gets one budget per Worker.
import type { MiddlewareHandler } from "hono";
import { AuthFailureLimiter } from "../core/auth-failure-limiter";
import { API_TOKEN_PREFIX } from "../core/credentials";
import type { Env } from "../env";
import { findTokenByHash } from "../store/token-lookup";
import { ApiError } from "./api-error";
import type { AdminEnv } from "./context";

export const SCOPES = ["read", "operate", "admin"] as const;
export type Scope = (typeof SCOPES)[number];
/** A route's requirement; "public" is only for the OpenAPI document. */
export type RouteScope = Scope | "public";

export const BOOTSTRAP_ACTOR = "bootstrap";
const RANK: Record<Scope, number> = { read: 1, operate: 2, admin: 3 };

export interface Actor {
  id: string;
  scope: Scope;
}

export const scopeAllows = (granted: Scope, needed: Scope): boolean => RANK[granted] >= RANK[needed];

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

export const toHex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const fromHex = (hex: string): Uint8Array => new Uint8Array((hex.match(/../g) ?? []).map((pair) => parseInt(pair, 16)));

export async function hashSecret(secret: string): Promise<string> {
  return toHex(await sha256(secret));
}

/** Constant-time equality of two equal-length digests. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}

/** A new secret: prefix + 32 random bytes, base64url. */
export function mintSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return (
    API_TOKEN_PREFIX +
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "")
  );
}

function bearerOf(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

/** Exported for the OFREP sub-app (same tokens, same checks). */
export async function authenticate(secret: string, env: Pick<Env, "ADMIN_TOKEN" | "DB">): Promise<Actor | null> {
  const digest = await sha256(secret);
  const bootstrap = env.ADMIN_TOKEN;
  // The bootstrap secret must carry the API prefix, so the hot path strips it
  // from proxied requests like any other admin token.
  if (bootstrap?.startsWith(API_TOKEN_PREFIX) && sameDigest(digest, await sha256(bootstrap))) {
    return { id: BOOTSTRAP_ACTOR, scope: "admin" };
  }
  if (!secret.startsWith(API_TOKEN_PREFIX)) return null;
  const row = await findTokenByHash(env.DB, toHex(digest));
  if (!row || !sameDigest(digest, fromHex(row.secretHash))) return null;
  return { id: row.id, scope: row.scope as Scope };
}

/** The isolate's one limiter for token guessing (admin API, dashboard, OFREP). */
export const authFailureLimiter = new AuthFailureLimiter();

/**
 * The client a failed authentication is charged to: Cloudflare's
 * CF-Connecting-IP, which the edge sets on every request from the internet
 * and clients cannot forge. Without it the request did not come through
 * Cloudflare's edge (service binding, in-process call, tests) and is not
 * limited: one shared "unknown" bucket would let anyone lock out everyone.
 */
export function authClientOf(request: Request): string | null {
  return request.headers.get("cf-connecting-ip");
}

/**
 * Middleware factory: 401 without a valid token (429 instead once the client
 * has used up its failures), 403 when its scope is too low. A valid token is
 * never limited.
 */
export function requireScope(needed: Scope, limiter = authFailureLimiter): MiddlewareHandler<AdminEnv> {
  if (!SCOPES.includes(needed)) throw new Error(`unknown scope ${needed}`);
  return async function requireScopeMiddleware(c, next) {
    const secret = bearerOf(c.req.header("authorization"));
    const actor = secret === null ? null : await authenticate(secret, c.env);
    if (actor === null) {
      const client = authClientOf(c.req.raw);
      // Only a presented-but-wrong secret counts; a request without one cannot guess anything.
      const wait = client === null ? 0 : limiter.refuseFailure(client, c.get("now"), secret !== null);
      if (wait > 0)
        throw new ApiError("rate_limited", "too many failed authentications; retry later", { retryAfterSeconds: wait });
      throw new ApiError("unauthorized", "missing or invalid bearer token");
    }
    if (!scopeAllows(actor.scope, needed)) throw new ApiError("forbidden", `this route needs the "${needed}" scope`);
    c.set("actor", actor);
    await next();
  };
}
