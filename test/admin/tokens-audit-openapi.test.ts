// Tokens (secret shown once, stored hashed), the audit log listing and the
// OpenAPI 3.1 document.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../src/admin/errors";
import { ROUTE_SCOPES } from "../../src/admin/route-def";
import { call, createFlag, json } from "./helpers";

describe("tokens", () => {
  it("mints a syk_ secret once, stores only its SHA-256, lists without secrets, revokes", async () => {
    const created = await call("POST", "/tokens", { body: { name: "ci", scope: "operate" } });
    expect(created.status).toBe(201);
    const token = await json(created);
    expect(token).toMatchObject({
      id: expect.stringMatching(/^tok_/),
      name: "ci",
      scope: "operate",
      createdBy: "bootstrap",
      token: expect.stringMatching(/^syk_[A-Za-z0-9_-]{40,}$/),
    });
    const stored = await env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?")
      .bind(token.id)
      .first<Record<string, string>>();
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token.token)));
    expect(stored!.secret_hash).toBe([...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));
    expect(JSON.stringify(stored)).not.toContain(token.token);
    const list = await call("GET", "/tokens");
    const text = await list.clone().text();
    expect(text).not.toContain(token.token);
    expect(text).not.toContain(stored!.secret_hash);
    expect((await json(list)).items.map((t: { id: string }) => t.id)).toContain(token.id);
    expect((await call("DELETE", `/tokens/${token.id}`)).status).toBe(204);
    expect((await call("DELETE", `/tokens/${token.id}`)).status).toBe(404);
    expect((await call("POST", "/tokens", { body: { name: "x", scope: "root" } })).status).toBe(400);
  });
});

describe("audit", () => {
  it("lists newest first, filters by flag/actor/since and paginates", async () => {
    const start = Date.now();
    const etag = await createFlag("a-flag");
    await call("PATCH", "/flags/a-flag", { body: { description: "one" }, ifMatch: etag });
    await call("POST", "/flags/a-flag/kill", { body: { reason: "audit test" } });
    const all = await json(await call("GET", "/audit?flag=a-flag"));
    expect(all.items.map((e: { action: string }) => e.action)).toEqual(["flag.kill", "flag.update", "flag.create"]);
    expect(all.items[1]).toMatchObject({
      actor: "bootstrap",
      resource: { type: "flag", id: "a-flag" },
      before: { description: "" },
      after: { description: "one" },
      requestId: expect.any(String),
    });
    const paged = await json(await call("GET", "/audit?flag=a-flag&limit=2"));
    expect(paged.items).toHaveLength(2);
    const rest = await json(await call("GET", `/audit?flag=a-flag&limit=2&cursor=${paged.nextCursor}`));
    expect(rest.items.map((e: { action: string }) => e.action)).toEqual(["flag.create"]);
    expect((await json(await call("GET", "/audit?actor=nobody"))).items).toEqual([]);
    expect((await json(await call("GET", `/audit?flag=a-flag&since=${start}`))).items).toHaveLength(3);
    expect(
      (await json(await call("GET", `/audit?flag=a-flag&since=${new Date(Date.now() + 60_000).toISOString()}`))).items,
    ).toHaveLength(0);
    expect((await call("GET", "/audit?since=yesterday")).status).toBe(400);
    expect((await call("GET", "/audit?limit=0")).status).toBe(400);
    expect((await call("GET", "/audit?unknown=1")).status).toBe(400);
  });
});

describe("openapi", () => {
  it("serves an OpenAPI 3.1 document that covers every declared route with its scope", async () => {
    const response = await call("GET", "/openapi.json", { token: null });
    expect(response.status).toBe(200);
    const doc = await json(response);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    for (const route of ROUTE_SCOPES) {
      const path = route.path.replace(/:(\w+)/g, "{$1}");
      const operation = doc.paths[path]?.[route.method];
      expect(operation, `${route.method} ${path}`).toBeDefined();
      expect(operation["x-required-scope"]).toBe(route.scope);
      expect(Object.keys(operation.responses).length).toBeGreaterThan(1);
      for (const name of (path.match(/\{(\w+)\}/g) ?? []).map((p) => p.slice(1, -1))) {
        expect(operation.parameters.some((p: { in: string; name: string }) => p.in === "path" && p.name === name)).toBe(
          true,
        );
      }
    }
    expect(doc.components.schemas.FlagCreate.additionalProperties).toBe(false);
  });

  it("every error code in the vocabulary has its status", () => {
    expect(ERROR_CODES).toEqual(
      expect.arrayContaining([
        "invalid_request",
        "unauthorized",
        "forbidden",
        "not_found",
        "already_exists",
        "precondition_failed",
        "payload_too_large",
        "invalid_ruleset",
        "precondition_required",
        "internal",
      ]),
    );
  });

  it("unknown admin paths are 404 in the error shape", async () => {
    const response = await call("GET", "/nope");
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });
});
