// Self-describing, tamper-evident request ids: "sy1.<payload>.<mac>", where
// payload = base64url(JSON of flag, variant, rollout, stage, rule, reason,
// issue time, nonce) and mac = first 16 bytes of HMAC-SHA256(secret,
// "sy1." + payload), base64url. Feedback (POST /feedback) attributes an
// outcome from the id alone — no per-request storage — and a forged or
// edited id fails the MAC. Uses only crypto.subtle; the secret comes from
// the caller (never from env here). Ids are not secret: they say which
// variant served a request, which the response headers say anyway.
import { err, ok, type Result } from "../core/result";
import type { Variant } from "../core/types";

export const REQUEST_ID_VERSION = "sy1";
const MAC_BYTES = 16;

export interface RequestAttribution {
  flagKey: string;
  variant: Variant;
  rolloutId: string | null;
  /** Stage label as recorded on outcomes ("serve:25", "shadow", "none"). */
  stage: string;
  ruleId: string | null;
  reason: string;
  issuedAtMs: number;
}

export type RequestIdError = "malformed" | "bad_signature" | "expired";

interface Payload {
  f: string;
  v: "b" | "g";
  r: string | null;
  s: string;
  u: string | null;
  e: string;
  t: number;
  n: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export function requestIdKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function macOf(key: CryptoKey, signed: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(signed))).slice(0, MAC_BYTES);
}

/** `nonce` keeps two requests in the same millisecond apart (any short random string). */
export async function mintRequestId(key: CryptoKey, a: RequestAttribution, nonce: string): Promise<string> {
  const payload: Payload = {
    f: a.flagKey,
    v: a.variant === "green" ? "g" : "b",
    r: a.rolloutId,
    s: a.stage,
    u: a.ruleId,
    e: a.reason,
    t: a.issuedAtMs,
    n: nonce,
  };
  const body = `${REQUEST_ID_VERSION}.${toBase64Url(encoder.encode(JSON.stringify(payload)))}`;
  return `${body}.${toBase64Url(await macOf(key, body))}`;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Verifies and decodes; ids older than `maxAgeMs` (or from the future) are expired. */
export async function readRequestId(
  key: CryptoKey,
  id: string,
  now: number,
  maxAgeMs: number,
): Promise<Result<RequestAttribution, RequestIdError>> {
  const parts = id.split(".");
  if (parts.length !== 3 || parts[0] !== REQUEST_ID_VERSION || id.length > 1024) return err("malformed");
  const mac = fromBase64Url(parts[2]!);
  const raw = fromBase64Url(parts[1]!);
  if (!mac || !raw) return err("malformed");
  if (!constantTimeEqual(mac, await macOf(key, `${parts[0]}.${parts[1]}`))) return err("bad_signature");
  let p: Payload;
  try {
    p = JSON.parse(decoder.decode(raw)) as Payload;
  } catch {
    return err("malformed");
  }
  if (typeof p.f !== "string" || typeof p.t !== "number" || typeof p.s !== "string") return err("malformed");
  if (p.t > now + 60_000 || now - p.t > maxAgeMs) return err("expired");
  return ok({
    flagKey: p.f,
    variant: p.v === "g" ? "green" : "blue",
    rolloutId: p.r ?? null,
    stage: p.s,
    ruleId: p.u ?? null,
    reason: p.e,
    issuedAtMs: p.t,
  });
}
