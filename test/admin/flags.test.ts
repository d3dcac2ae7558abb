// /flags routes: happy paths and each error code, audit rows and the
// snapshot published to KV.
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { handleError } from "../../src/admin/errors";
import { LIMITS } from "../../src/admin/limits";
import { snapshotKvKey } from "../../src/store/snapshot-store";
import { auditRows, call, createFlag, dbFingerprint, flagBody, json, mintToken } from "./helpers";

describe("flags", () => {
  it("creates a flag: 201 with ETag and Location, one audit row, snapshot in KV", async () => {
    const before = (await auditRows()).length;
    const response = await call("POST", "/flags", { body: flagBody("f-create", { description: "demo" }) });
    expect(response.status).toBe(201);
    expect(response.headers.get("etag")).toBe('"flag-1"');
    expect(response.headers.get("location")).toBe("/admin/api/flags/f-create");
    expect(await json(response)).toMatchObject({
      key: "f-create",
      version: 1,
      killSwitch: false,
      description: "demo",
      route: { method: "POST", path: "/f-create/predict" },
    });
    const audit = (await auditRows()).slice(before);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: "bootstrap",
      action: "flag.create",
      resource_type: "flag",
      resource_id: "f-create",
      before: null,
    });
    expect(audit[0]!.request_id).toBe(response.headers.get("x-request-id"));
    expect(await env.SNAPSHOTS.get(snapshotKvKey("f-create"), "json")).toMatchObject({ key: "f-create", version: 1 });
  });

  it("lists flags with keyset pagination", async () => {
    for (const key of ["f-list-a", "f-list-b", "f-list-c"]) await createFlag(key);
    const first = await json(await call("GET", "/flags?limit=2"));
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const keys: string[] = first.items.map((f: { key: string }) => f.key);
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await json(await call("GET", `/flags?limit=2&cursor=${cursor}`));
      keys.push(...page.items.map((f: { key: string }) => f.key));
      cursor = page.nextCursor;
    }
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining(["f-list-a", "f-list-b", "f-list-c"]));
    expect((await call("GET", "/flags?limit=201")).status).toBe(400);
    expect((await call("GET", "/flags?cursor=%%%")).status).toBe(400);
  });

  it("reads one flag with its ETag; 404 for an unknown key", async () => {
    await createFlag("f-read");
    const response = await call("GET", "/flags/f-read");
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe('"flag-1"');
    const missing = await call("GET", "/flags/nope");
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("patches with If-Match: 200 and a new ETag; 428 without, 412 when stale", async () => {
    const etag = await createFlag("f-patch");
    expect((await call("PATCH", "/flags/f-patch", { body: { timeoutMs: 900 } })).status).toBe(428);
    const ok = await call("PATCH", "/flags/f-patch", { body: { timeoutMs: 900, failover: true }, ifMatch: etag });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toBe('"flag-2"');
    expect(await json(ok)).toMatchObject({ timeoutMs: 900, failover: true, version: 2 });
    const stale = await call("PATCH", "/flags/f-patch", { body: { timeoutMs: 1000 }, ifMatch: etag });
    expect(stale.status).toBe(412);
    expect((await json(stale)).error.code).toBe("precondition_failed");
    expect((await call("PATCH", "/flags/f-patch", { body: { timeoutMs: 1000 }, ifMatch: "*" })).status).toBe(400);
    expect((await call("PATCH", "/flags/f-patch", { body: {}, ifMatch: '"flag-2"' })).status).toBe(400);
    expect(await env.SNAPSHOTS.get(snapshotKvKey("f-patch"), "json")).toMatchObject({
      version: 2,
      timeoutMs: 900,
      failover: true,
    });
  });

  it("deletes with If-Match and removes the snapshot", async () => {
    const etag = await createFlag("f-delete");
    expect((await call("DELETE", "/flags/f-delete")).status).toBe(428);
    expect((await call("DELETE", "/flags/f-delete", { ifMatch: etag })).status).toBe(204);
    expect((await call("GET", "/flags/f-delete")).status).toBe(404);
    expect(await env.SNAPSHOTS.get(snapshotKvKey("f-delete"))).toBeNull();
    expect((await call("DELETE", "/flags/f-delete", { ifMatch: etag })).status).toBe(404);
  });

  it("409 for an existing key and for a route another flag already uses", async () => {
    await createFlag("f-dup");
    const again = await call("POST", "/flags", { body: flagBody("f-dup") });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe("already_exists");
    const sameRoute = await call("POST", "/flags", {
      body: { ...flagBody("f-dup2"), route: { method: "POST", path: "/f-dup/predict" } },
    });
    expect(sameRoute.status).toBe(409);
  });

  it("400 for unknown fields (no mass assignment) with details", async () => {
    const before = await dbFingerprint();
    for (const body of [
      { ...flagBody("f-mass"), version: 99 },
      { ...flagBody("f-mass"), killSwitch: true },
      {
        ...flagBody("f-mass"),
        origins: { blue: { url: "https://b.test", extra: 1 }, green: { url: "https://g.test" } },
      },
    ]) {
      const response = await call("POST", "/flags", { body });
      expect(response.status).toBe(400);
      const error = (await json(response)).error;
      expect(error.code).toBe("invalid_request");
      expect(error.details.length).toBeGreaterThan(0);
    }
    expect(await dbFingerprint()).toEqual(before);
  });

  it("400 for malformed JSON, 415 for another media type, 413 above 1 MiB", async () => {
    expect((await call("POST", "/flags", { raw: "{not json" })).status).toBe(400);
    const text = await call("POST", "/flags", { raw: "x", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    expect((await json(text)).error.code).toBe("unsupported_media_type");
    const huge = await call("POST", "/flags", {
      raw: JSON.stringify({ ...flagBody("f-huge"), description: "x".repeat(1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect((await json(huge)).error).toEqual({
      code: "payload_too_large",
      message: `request body exceeds ${LIMITS.bodyBytes} bytes`,
    });
    // A 413 raised by the framework itself says the same, from the same limit.
    const framework = await new Hono()
      .onError(handleError)
      .get("/", () => {
        throw new HTTPException(413);
      })
      .request("/");
    expect(framework.status).toBe(413);
    expect((await json(framework)).error.message).toBe(`request body exceeds ${LIMITS.bodyBytes} bytes`);
  });

  it("422 for a disallowed origin (SSRF guard) or a bad route pattern, writing nothing", async () => {
    const before = await dbFingerprint();
    for (const url of [
      "https://169.254.169.254/",
      "https://localhost/",
      "http://model.example.com",
      "https://10.0.0.8/",
    ]) {
      const response = await call("POST", "/flags", {
        body: { ...flagBody("f-ssrf"), origins: { blue: { url: "https://blue.test" }, green: { url } } },
      });
      expect(response.status).toBe(422);
      expect((await json(response)).error).toMatchObject({
        code: "invalid_ruleset",
        details: { path: "origins.green.url" },
      });
    }
    const route = await call("POST", "/flags", {
      body: { ...flagBody("f-route"), route: { method: "POST", path: "no-slash" } },
    });
    expect(route.status).toBe(422);
    const reserved = await call("POST", "/flags", {
      body: { ...flagBody("f-route"), route: { method: "GET", path: "/admin/x" } },
    });
    expect(reserved.status).toBe(422);
    expect(await dbFingerprint()).toEqual(before);
  });

  it("the deployment allow-list admits a dev origin over http", async () => {
    const response = await call("POST", "/flags", {
      body: {
        ...flagBody("f-dev"),
        origins: { blue: { url: "http://127.0.0.1:9001" }, green: { url: "http://127.0.0.1:9002" } },
      },
    });
    expect(response.status).toBe(201);
  });

  it("401 without a token, 403 for read scope on a write; tokens never leak into responses or audit", async () => {
    const read = await mintToken("read");
    const none = await call("POST", "/flags", { token: null, body: flagBody("f-auth") });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect((await call("POST", "/flags", { token: "syk_wrong", body: flagBody("f-auth") })).status).toBe(401);
    const forbidden = await call("POST", "/flags", { token: read, body: flagBody("f-auth") });
    expect(forbidden.status).toBe(403);
    expect((await json(forbidden)).error.code).toBe("forbidden");
    expect((await call("GET", "/flags", { token: read })).status).toBe(200);
    const everything = JSON.stringify(await auditRows());
    expect(everything).not.toContain(read);
    expect(everything).not.toContain("syk_test_bootstrap");
  });
});
