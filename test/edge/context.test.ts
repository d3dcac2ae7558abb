import { describe, expect, it } from "vitest";
import { buildContext, parseCookies, unitCookie, unverifiedJwtSubject } from "../../src/edge/context";

const newId = () => "11111111-2222-3333-4444-555555555555";
const jwt = (payload: object) =>
  `eyJhbGciOiJub25lIn0.${btoa(JSON.stringify(payload)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.sig`;

function contextFor(
  headers: Record<string, string>,
  unitKey = { source: "header" as const, name: "x-user-id" },
  url = "https://r.example/p?plan=beta",
) {
  const request = new Request(url, { headers });
  return buildContext(request, new URL(url), unitKey, newId);
}

describe("unit key", () => {
  it.each([
    ["header", { "x-user-id": "alice" }, { source: "header", name: "x-user-id" }, "alice", false],
    ["cookie", { cookie: "uid=bob; other=1" }, { source: "cookie", name: "uid" }, "bob", false],
    [
      "JWT sub",
      { authorization: `Bearer ${jwt({ sub: "carol" })}` },
      { source: "jwt_sub", name: "authorization" },
      "carol",
      false,
    ],
    ["numeric JWT sub", { authorization: jwt({ sub: 42 }) }, { source: "jwt_sub", name: "authorization" }, "42", false],
    ["missing header → generated", {}, { source: "header", name: "x-user-id" }, newId(), true],
    [
      "JWT without sub → generated",
      { authorization: jwt({ name: "x" }) },
      { source: "jwt_sub", name: "authorization" },
      newId(),
      true,
    ],
    [
      "garbage JWT → generated",
      { authorization: "Bearer not.a.jwt!" },
      { source: "jwt_sub", name: "authorization" },
      newId(),
      true,
    ],
    [
      "own id cookie reused",
      { cookie: "sy_uid=abcdef12-0000" },
      { source: "header", name: "x-user-id" },
      "abcdef12-0000",
      false,
    ],
    [
      "malformed own id cookie → generated",
      { cookie: "sy_uid=<script>" },
      { source: "header", name: "x-user-id" },
      newId(),
      true,
    ],
    [
      "over-long key → generated",
      { "x-user-id": "x".repeat(300) },
      { source: "header", name: "x-user-id" },
      newId(),
      true,
    ],
  ] as const)("%s", (_name, headers, source, expected, generated) => {
    const context = contextFor(headers, source as never);
    expect(context.unitKey).toBe(expected);
    expect(context.generated).toBe(generated);
  });
});

describe("attributes", () => {
  it("reads headers, cookies, query, ip and request.cf lazily by prefix", () => {
    const url = "https://r.example/p?plan=beta";
    const request = new Request(url, {
      headers: { "x-tier": "gold", cookie: "theme=dark", "cf-connecting-ip": "10.1.2.3" },
    });
    Object.defineProperty(request, "cf", { value: { country: "DE", colo: "FRA", asn: 3320, continent: "EU" } });
    const context = buildContext(request, new URL(url), { source: "header", name: "x-user-id" }, newId);
    expect(
      [
        "header.x-tier",
        "cookie.theme",
        "query.plan",
        "ip",
        "cf.country",
        "cf.colo",
        "cf.asn",
        "cf.continent",
        "cf.nope",
        "unknown",
        "header.missing",
      ].map(context.attribute),
    ).toEqual(["gold", "dark", "beta", "10.1.2.3", "DE", "FRA", "3320", "EU", undefined, undefined, undefined]);
  });
});

describe("cookies", () => {
  it("parses tolerant of junk, keeps the first duplicate, skips bad escapes", () => {
    const cookies = parseCookies('a=1; ; =x; b="quoted"; c=%E0%A4%A; a=2; d=%20ok');
    expect(Object.fromEntries(cookies)).toEqual({ a: "1", b: "quoted", d: " ok" });
  });

  it("marks the id cookie Secure outside dev", () => {
    expect(unitCookie("id", true)).toContain("; Secure");
    expect(unitCookie("id", false)).not.toContain("Secure");
    expect(unitCookie("id", true)).toContain("HttpOnly; SameSite=Lax");
  });

  it("decodes a JWT subject without verifying it", () => {
    expect(unverifiedJwtSubject(jwt({ sub: "x" }))).toBe("x");
    expect(unverifiedJwtSubject("only-one-part")).toBeUndefined();
  });
});
