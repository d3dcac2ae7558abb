// The auth matrix, generated from the routes the app actually registers:
// every route must be declared with a scope (so a new route cannot skip
// this test), and for each: no token → 401, a bad token → 401, every lower
// scope → 403, the declared scope → neither 401 nor 403.
import { beforeAll, describe, expect, it } from "vitest";
import { adminApp } from "../../src/admin/app";
import { SCOPES, type Scope } from "../../src/admin/auth";
import { ROUTE_SCOPES } from "../../src/admin/route-def";
import { call, json, mintToken } from "./helpers";

const registered = [
  ...new Set(adminApp.routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${route.path}`)),
];
const declared = ROUTE_SCOPES.map((route) => ({ ...route, id: `${route.method.toUpperCase()} ${route.path}` }));

/** A concrete URL for a route pattern (values that need not exist: auth runs first). */
const concrete = (path: string) =>
  path.replace("/admin/api", "").replace(/:(\w+)/g, (_m, name) => (name === "unitKey" ? "unit-1" : "does-not-exist"));

describe("route table", () => {
  it("every registered route is declared with a scope, and vice versa", () => {
    expect(registered.length).toBeGreaterThanOrEqual(24);
    expect([...registered].sort()).toEqual(declared.map((route) => route.id).sort());
  });
  it("only the OpenAPI document is public", () => {
    expect(declared.filter((route) => route.scope === "public").map((route) => route.id)).toEqual([
      "GET /admin/api/openapi.json",
    ]);
  });
});

describe("auth matrix", () => {
  const tokens = {} as Record<Scope, string>;
  beforeAll(async () => {
    for (const scope of SCOPES) tokens[scope] = await mintToken(scope, `matrix-${scope}`);
  });

  it.each(declared.filter((route) => route.scope !== "public"))("$id needs $scope", async ({ method, path, scope }) => {
    const url = concrete(path);
    const verb = method.toUpperCase();
    const body = verb === "GET" ? undefined : {};
    const noToken = await call(verb, url, { token: null, body });
    expect(noToken.status).toBe(401);
    expect((await json(noToken)).error.code).toBe("unauthorized");
    expect((await call(verb, url, { token: "syk_not_a_real_token", body })).status).toBe(401);
    expect((await call(verb, url, { token: "Basic abc", body })).status).toBe(401);
    const needed = SCOPES.indexOf(scope as Scope);
    for (const lower of SCOPES.slice(0, needed)) {
      const response = await call(verb, url, { token: tokens[lower], body });
      expect(response.status, `${lower} on ${verb} ${url}`).toBe(403);
    }
    for (const enough of SCOPES.slice(needed)) {
      const response = await call(verb, url, { token: tokens[enough], body });
      expect([401, 403], `${enough} on ${verb} ${url}`).not.toContain(response.status);
    }
  });

  it("a revoked token stops working at once", async () => {
    const created = await json(await call("POST", "/tokens", { body: { name: "short-lived", scope: "read" } }));
    expect((await call("GET", "/flags", { token: created.token })).status).toBe(200);
    expect((await call("DELETE", `/tokens/${created.id}`)).status).toBe(204);
    expect((await call("GET", "/flags", { token: created.token })).status).toBe(401);
  });

  it("the bootstrap secret must carry the syk_ prefix (else it would be forwarded to origins)", async () => {
    const env = { ...(await import("./helpers")).adminEnv, ADMIN_TOKEN: "plain-secret-without-prefix" };
    expect((await call("GET", "/flags", { token: "plain-secret-without-prefix", env })).status).toBe(401);
  });
});
