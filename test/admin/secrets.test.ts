// Tokens never leak: a real session of admin, OFREP, dashboard and proxy
// traffic — successes, every kind of error, and a forced internal error —
// is recorded (response bodies and headers, console output, audit rows,
// outcome rows, what the origin received), then searched for the bootstrap
// secret, a minted secret, a wrong guess and their SHA-256 hashes.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { hashSecret } from "../../src/admin/auth";
import { installFakeOrigins } from "../helpers/fake-origins";
import { evaluate } from "../ofrep/helpers";
import { page } from "../dashboard/helpers";
import { adminEnv, BOOTSTRAP, call, createFlag, mintToken } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("secrets never leak", () => {
  it("not in responses, logs, audit rows, outcomes or forwarded requests", async () => {
    const logged: unknown[][] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args));
    }
    const origins = installFakeOrigins();
    const minted = await mintToken("admin", "leak-check");
    const read = await mintToken("read", "leak-check-read");
    const guess = "syk_this_is_a_wrong_guess_0123456789";
    const seen: string[] = [];
    const keep = async (response: Response) => {
      seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
      return response;
    };

    // Admin API: successes and every error class, with both secrets.
    const etag = await createFlag("leak-flag", {
      origins: { blue: { url: "https://blue.test" }, green: { url: "https://green.test" } },
    });
    for (const token of [BOOTSTRAP, minted]) {
      await keep(await call("GET", "/flags/leak-flag", { token }));
      await keep(
        await call("PATCH", "/flags/leak-flag", { token, ifMatch: '"flag-999"', body: { description: "stale" } }),
      ); // 412
      await keep(await call("PATCH", "/flags/leak-flag", { token, ifMatch: etag, body: { nope: token } })); // 400, secret in the body
      await keep(await call("GET", "/flags/does-not-exist", { token })); // 404
      await keep(await call("POST", "/flags/leak-flag/kill", { token, body: { reason: "leak test" } }));
      await keep(await call("DELETE", "/flags/leak-flag/kill", { token, body: { reason: "leak test over" } }));
    }
    await keep(await call("POST", "/tokens", { token: read, body: { name: "x", scope: "read" } })); // 403
    await keep(await call("GET", "/flags", { token: guess })); // 401
    // 500: the store throws; the error handler logs, the body stays generic.
    const brokenDb = {
      prepare: () => {
        throw new Error(`D1 exploded near ${"token"}`);
      },
    } as unknown as D1Database;
    for (const token of [minted, BOOTSTRAP]) {
      const internal = await keep(await call("GET", "/flags", { token, env: { ...adminEnv, DB: brokenDb } }));
      expect(internal.status).toBe(500);
    }

    // OFREP and the dashboard.
    await keep(await evaluate("leak-flag", { targetingKey: "u" }, { token: guess, ip: "192.0.2.77" }));
    await keep(await evaluate("leak-flag", { targetingKey: "u" }, { token: minted }));
    await keep(await page("POST", "/admin/login", { form: { token: guess } }));
    // By design the one place a secret travels back: the HttpOnly session cookie (dashboard/session.ts).
    const signedIn = await page("POST", "/admin/login", { form: { token: minted } });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("set-cookie")).toMatch(/HttpOnly/);

    // Proxy path: every credential form a client might send along.
    const ctx = createExecutionContext();
    await keep(
      await worker.fetch(
        new Request("https://router.example/leak-flag/predict", {
          method: "POST",
          body: "{}",
          headers: {
            authorization: `Bearer ${minted}`,
            "x-api-key": BOOTSTRAP,
            cookie: `sy_admin=${minted}; theme=dark`,
            "x-user-id": "leaker",
          },
        }),
        adminEnv,
        ctx,
      ),
    );
    await waitOnExecutionContext(ctx);

    const statuses = seen.map((entry) => Number(entry.slice(0, 3)));
    expect(statuses).toEqual(expect.arrayContaining([200, 400, 401, 403, 404, 412, 500]));
    const audit = JSON.stringify((await env.DB.prepare("SELECT * FROM audit_log").all()).results);
    const outcomes = JSON.stringify((await env.DB.prepare("SELECT * FROM outcomes").all()).results);
    const forwarded = JSON.stringify(origins.seen.map((request) => [...request.headers]));
    expect(origins.seen.length).toBe(1);
    expect(audit).toContain("kill"); // the audit trail was written at all
    const haystacks = {
      responses: seen.join("\n"),
      logs: JSON.stringify(logged, (_k, v) => (v instanceof Error ? `${v.message} ${v.stack}` : v)),
      audit,
      outcomes,
      forwarded,
    };
    expect(haystacks.logs).toContain("admin api internal error"); // the 500 was logged
    for (const secret of [BOOTSTRAP, minted, read, guess]) {
      const needles = [secret, secret.slice(4), await hashSecret(secret)];
      for (const [where, text] of Object.entries(haystacks)) {
        for (const needle of needles) {
          const at = text.indexOf(needle);
          expect(at, `${where} contains a secret: …${text.slice(Math.max(0, at - 200), at + 80)}…`).toBe(-1);
        }
      }
    }
  });
});
