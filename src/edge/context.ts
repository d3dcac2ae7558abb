// Request → EvaluationContext. The unit key comes from the flag's source
// (header, cookie, or an unverified JWT `sub` when the flag opts in); when it
// is missing, the router's own first-party id cookie is used or a new id is
// generated. Attributes are read lazily so unused ones cost nothing.
import type { EvaluationContext, FlagSnapshot } from "../core/types";

export const UNIT_COOKIE = "sy_uid";
const MAX_UNIT_KEY_LENGTH = 256;
const GENERATED_ID = /^[A-Za-z0-9-]{8,64}$/;
const CF_FIELDS: Record<string, string> = {
  country: "country",
  colo: "colo",
  asn: "asn",
  continent: "continent",
  region: "region",
  city: "city",
};

export interface RequestContext extends EvaluationContext {
  /** True when the unit key was minted for this request (a cookie must be set). */
  generated: boolean;
}

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const rawPart of header.split(";")) {
    const part = rawPart.trim();
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      continue; // malformed escape: ignore this cookie, keep the rest
    }
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The `sub` claim of a JWT, decoded WITHOUT verifying the signature. */
export function unverifiedJwtSubject(token: string): string | undefined {
  const payload = token.replace(/^Bearer\s+/i, "").split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === "string" || typeof sub === "number" ? String(sub) : undefined;
  } catch {
    return undefined;
  }
}

function usableKey(value: string | null | undefined): string | undefined {
  return value && value.length <= MAX_UNIT_KEY_LENGTH ? value : undefined;
}

export function buildContext(
  request: Request,
  url: URL,
  unitKey: FlagSnapshot["unitKey"],
  newId: () => string,
): RequestContext {
  const headers = request.headers;
  let cookies: Map<string, string> | null = null;
  const cookie = (name: string) => (cookies ??= parseCookies(headers.get("cookie"))).get(name);
  let key: string | undefined;
  if (unitKey.source === "header") key = usableKey(headers.get(unitKey.name));
  else if (unitKey.source === "cookie") key = usableKey(cookie(unitKey.name));
  else {
    const token = headers.get(unitKey.name);
    key = usableKey(token ? unverifiedJwtSubject(token) : undefined);
  }
  let generated = false;
  if (key === undefined) {
    const own = cookie(UNIT_COOKIE);
    if (own !== undefined && GENERATED_ID.test(own)) key = own;
    else {
      key = newId();
      generated = true;
    }
  }
  // request.cf is parsed by the runtime on first access: only pay for it when a rule asks.
  let cf: Record<string, unknown> | undefined | null = null;
  const cfField = (name: string) =>
    (cf === null ? (cf = (request as { cf?: Record<string, unknown> }).cf) : cf)?.[name];
  const attribute = (name: string): string | undefined => {
    const dot = name.indexOf(".");
    const scope = dot < 0 ? name : name.slice(0, dot);
    const field = name.slice(dot + 1);
    switch (scope) {
      case "header":
        return headers.get(field) ?? undefined;
      case "cookie":
        return cookie(field);
      case "query":
        return url.searchParams.get(field) ?? undefined;
      case "cf": {
        const value = CF_FIELDS[field] ? cfField(CF_FIELDS[field]) : undefined;
        return value === undefined || value === null ? undefined : String(value);
      }
      case "ip":
        return headers.get("cf-connecting-ip") ?? undefined;
      case "method":
        return request.method;
      case "path":
        return url.pathname;
      default:
        return undefined;
    }
  };
  return { unitKey: key, attribute, generated };
}

export function unitCookie(unitKey: string, secure: boolean): string {
  const maxAge = 60 * 60 * 24 * 365;
  return `${UNIT_COOKIE}=${unitKey}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}
