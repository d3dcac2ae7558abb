// Response hardening and request checks for every dashboard response:
// a strict Content-Security-Policy (only our own /admin/assets script and
// stylesheet; no inline code, no external hosts, no framing), no caching of
// pages, and the CSRF check for state-changing requests: the session
// cookie is SameSite=Strict AND every POST must come from this origin
// (Origin header, else Sec-Fetch-Site). Never logs or echoes credentials.
import type { MiddlewareHandler } from "hono";
import type { DashEnv } from "./context";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const securityHeaders: MiddlewareHandler<DashEnv> = async function dashboardSecurityHeaders(c, next) {
  await next();
  const headers = c.res.headers;
  headers.set("content-security-policy", CONTENT_SECURITY_POLICY);
  headers.set("x-content-type-options", "nosniff");
  headers.set("x-frame-options", "DENY");
  // Not "no-referrer": with it browsers send `Origin: null` on our own form
  // posts, and the same-origin check below would refuse them.
  headers.set("referrer-policy", "same-origin");
  headers.set("cross-origin-opener-policy", "same-origin");
  headers.set("cross-origin-resource-policy", "same-origin");
  headers.set("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
};

/** A state-changing request from this very origin (the browser says so). */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== "null") return origin === new URL(request.url).origin;
  // Browsers that omit Origin (or send "null" under a strict referrer policy) still send Fetch Metadata.
  return request.headers.get("sec-fetch-site") === "same-origin";
}
