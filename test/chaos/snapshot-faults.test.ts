// A flag changed behind the admin API's back (straight SQL on D1) into a
// state whose snapshot fails validation. Contract: the router keeps serving
// the last good snapshot — in a warm isolate from memory, in a cold one from
// KV, which the cron reconcile never overwrites with an invalid snapshot —
// and when no good snapshot exists anywhere it serves blue with reason ERROR.
// Never a 5xx of its own, and every request still records an outcome.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runScheduled } from "../../src/cron/scheduled";
import type { Env } from "../../src/env";
import { reconcileSnapshots } from "../../src/store/snapshot-publish";
import { snapshotKvKey } from "../../src/store/snapshot-store";
import { installFakeOrigins } from "../helpers/fake-origins";
import { outcomeRows, seedFlag, seedOverride } from "../helpers/seed";
import { route } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The same database behind a new binding object: servicesFor() builds a fresh cache, as a cold isolate would. */
function coldIsolateEnv(): Env {
  const d1 = env.DB;
  const fresh = {
    prepare: (query: string) => d1.prepare(query),
    batch: (statements: D1PreparedStatement[]) => d1.batch(statements),
    exec: (query: string) => d1.exec(query),
  } as unknown as D1Database;
  return { ...env, DB: fresh };
}

async function breakBehindTheApi(key: string) {
  // An origin URL the snapshot validator refuses, written without the API's checks.
  await env.DB.prepare("UPDATE flags SET green_origin = ?, version = version + 1 WHERE key = ?")
    .bind(JSON.stringify({ url: "javascript:alert(1)" }), key)
    .run();
}

const kvVersion = async (key: string) =>
  (await env.SNAPSHOTS.get<{ version: number }>(snapshotKvKey(key), "json"))?.version ?? null;

describe("snapshot fails validation after a change that bypassed the admin API", () => {
  it("warm and cold isolates serve the last good snapshot; the cron does not publish the bad one", async () => {
    installFakeOrigins();
    await seedFlag(env.DB, { key: "bypass" });
    await seedOverride(env.DB, "bypass", "pinned", "green");
    await reconcileSnapshots(env.DB, env.SNAPSHOTS);
    const good = await kvVersion("bypass");
    const first = await route("/bypass/predict", "pinned");
    expect(first).toMatchObject({ status: 200, variant: "green", reason: "OVERRIDE" });

    await breakBehindTheApi("bypass");
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    await runScheduled(env, Date.now());
    expect(await kvVersion("bypass")).toBe(good); // reconcile skipped the invalid snapshot

    for (const [isolate, testEnv] of [
      ["warm", env],
      ["cold", coldIsolateEnv()],
    ] as const) {
      const answer = await route("/bypass/predict", "pinned", testEnv);
      expect(answer, isolate).toMatchObject({
        status: 200,
        variant: "green",
        reason: "OVERRIDE",
        contentType: expect.stringContaining("application/json"),
      });
      expect(JSON.parse(answer.body).model, isolate).toBe("green");
      expect(answer.requestId, isolate).toMatch(/\S/);
    }
    const rows = await outcomeRows(env.DB, "bypass");
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.reason === "OVERRIDE" && row.variant === "green")).toBe(true);
  });

  it("with no good snapshot anywhere (KV lost too), a cold isolate serves blue with ERROR and records it", async () => {
    installFakeOrigins();
    await seedFlag(env.DB, { key: "bypass-nokv" });
    await seedOverride(env.DB, "bypass-nokv", "pinned", "green");
    await breakBehindTheApi("bypass-nokv");
    await env.SNAPSHOTS.put(snapshotKvKey("bypass-nokv"), "{not json");
    const answer = await route("/bypass-nokv/predict", "pinned", coldIsolateEnv());
    expect(answer).toMatchObject({ status: 200, variant: "blue", reason: "ERROR" });
    expect(JSON.parse(answer.body).model).toBe("blue");
    expect((await outcomeRows(env.DB, "bypass-nokv"))[0]).toMatchObject({ variant: "blue", reason: "ERROR" });
  });
});
