// SSRF guard for origin URLs set through the admin API. Pure. Default
// policy: `https:` only; no `localhost`/metadata host names; no IP literal in
// private, loopback, link-local, CGNAT, metadata or other non-public ranges.
// A deployment may allow named hosts/IPs explicitly (e.g. "127.0.0.1" for the
// demo origins); an allow-listed host may also use plain `http:`.
// Limit: a DNS name that resolves to a private address is not caught here
// (the Workers runtime itself refuses to fetch private addresses).
import { cidrContains, parseCidr, parseIp } from "./operators/cidr";

const BLOCKED_RANGES = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "::/128",
  "::1/128",
  "fc00::/7",
  "fe80::/10",
  "ff00::/8",
  "64:ff9b::/96",
  "2001:db8::/32",
].map((cidr) => parseCidr(cidr)!);

const BLOCKED_NAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal|.*\.internal|.*\.local)$/;

/** Parses a comma-separated allow-list ("127.0.0.1,localhost") into lower-case hosts. */
export function parseAllowlist(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((host) =>
        host
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ""),
      )
      .filter(Boolean),
  );
}

/** Null when the URL may be used as an origin, else the reason it may not. */
export function checkOriginUrl(raw: string, allowlist: ReadonlySet<string>): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not an absolute URL";
  }
  if (url.username || url.password) return "must not carry credentials";
  // WHATWG parsing already normalised 0x7f.1 / 2130706433 forms to dotted IPv4.
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const allowed = allowlist.has(host);
  if (url.protocol !== "https:" && !(allowed && url.protocol === "http:")) return "must use https:";
  if (allowed) return null;
  if (BLOCKED_NAMES.test(host)) return `host "${host}" is not allowed`;
  const ip = parseIp(host);
  if (ip !== null && BLOCKED_RANGES.some((range) => cidrContains(range, ip)))
    return `address ${host} is in a private or reserved range`;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) parses to the same bytes as the IPv4, so the v4 ranges cover it.
  return null;
}
