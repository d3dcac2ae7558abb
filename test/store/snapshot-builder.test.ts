// The snapshot builder reads a flag's rows with plain D1 statements (the
// router's D1 fallback loads it, and drizzle stays out of the router): its
// tables and columns are held to schema.ts here, and the snapshot it
// assembles to what the rows say — rules in position order with their
// segments, overrides, the live rollout (never an ended one), settings.
import { env } from "cloudflare:test";
import { getTableName } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEFAULT_RESPONSE } from "../../src/core/response-settings";
import { DEFAULT_SHADOW } from "../../src/core/shadow/settings";
import { HASH_VERSION, SNAPSHOT_SCHEMA_VERSION } from "../../src/core/types";
import * as schema from "../../src/store/schema";
import { buildValidSnapshot, readFlagSnapshot, SNAPSHOT_SOURCES } from "../../src/store/snapshot-builder";
import { db, seedFlag, seedOverride, seedSegmentRule } from "../helpers/seed";

/** schema.ts's tables by the names SNAPSHOT_SOURCES uses. */
const SCHEMA_TABLES = {
  flags: schema.flags,
  flagRules: schema.flagRules,
  segments: schema.segments,
  overrides: schema.overrides,
  rollouts: schema.rollouts,
};

const read = (key: string) => readFlagSnapshot(env.DB, key);

async function insertRollout(flagKey: string, id: string, state: string, stageIndex: number) {
  await db(env.DB)
    .insert(schema.rollouts)
    .values({
      id,
      flagKey,
      state,
      stageIndex,
      stageStartedAt: 1,
      stages: JSON.stringify([
        { mode: "shadow", percent: 0, minDurationSeconds: 60, minSamples: 10 },
        { mode: "serve", percent: 25, minDurationSeconds: 60, minSamples: 10 },
      ]),
    });
}

describe("the snapshot builder's statements", () => {
  type Source = { table: string; columns: Record<string, string> };
  const tables = Object.entries(SNAPSHOT_SOURCES) as [keyof typeof SNAPSHOT_SOURCES, Source][];

  it.each(tables)("reads %s from schema.ts's table of that name", (name, { table }) => {
    expect(getTableName(SCHEMA_TABLES[name])).toBe(table);
  });

  it.each(
    tables.flatMap(([name, source]) =>
      Object.entries(source.columns).map(([property, column]) => [name, property, column] as const),
    ),
  )("reads %s.%s from schema.ts's column %s", (name, property, column) => {
    const table = SCHEMA_TABLES[name] as unknown as Record<string, { name: string }>;
    expect(table[property]?.name).toBe(column);
  });
});

describe("a flag's snapshot from its rows", () => {
  it("assembles every field: rules by position with their segments, overrides, the live rollout, settings", async () => {
    await seedFlag(env.DB, {
      key: "sb-full",
      routeMethod: "GET",
      routeHost: "api.example",
      blueOrigin: JSON.stringify({ service: "BLUE" }),
      greenOrigin: JSON.stringify({ url: "https://green.example" }),
      timeoutMs: 1234,
      failover: true,
      unitKeySource: "cookie",
      unitKeyName: "uid",
      settings: JSON.stringify({ shadow: { sampleRate: 5 }, response: { sampleRate: 50 } }),
    });
    // Inserted out of position order; one segment negated; a rule of another flag on a shared segment.
    const eu = [{ attribute: "country", operator: "in", values: ["DE", "FR"] }];
    const beta = [{ attribute: "plan", operator: "eq", values: ["beta"] }];
    await seedSegmentRule(env.DB, "sb-full", {
      id: "r-last",
      position: 2,
      segmentKey: "sb-eu",
      constraints: eu,
      percent: 12.5,
    });
    await seedSegmentRule(env.DB, "sb-full", {
      id: "r-first",
      position: 0,
      segmentKey: "sb-not-beta",
      constraints: beta,
      negate: true,
      variant: "green",
    });
    await seedSegmentRule(env.DB, "sb-full", {
      id: "r-mid",
      position: 1,
      segmentKey: "sb-eu",
      constraints: eu,
      variant: "blue",
    });
    await seedFlag(env.DB, { key: "sb-other" });
    await seedSegmentRule(env.DB, "sb-other", {
      id: "r-other",
      position: 0,
      segmentKey: "sb-eu",
      constraints: eu,
      percent: 1,
    });
    await seedOverride(env.DB, "sb-full", "alice", "green");
    await seedOverride(env.DB, "sb-full", "bob", "blue");
    await seedOverride(env.DB, "sb-other", "carol", "green");
    await insertRollout("sb-full", "ro-ended", "rolled_back", 0);
    await insertRollout("sb-full", "ro-live", "active", 1);
    const version = (await db(env.DB).query.flags.findFirst({ where: (f, { eq }) => eq(f.key, "sb-full") }))!.version;

    expect(await read("sb-full")).toEqual({
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      hashVersion: HASH_VERSION,
      key: "sb-full",
      version,
      killSwitch: false,
      route: { method: "GET", path: "/sb-full/predict", host: "api.example" },
      origins: { blue: { service: "BLUE" }, green: { url: "https://green.example" } },
      timeoutMs: 1234,
      failover: true,
      unitKey: { source: "cookie", name: "uid" },
      rules: [
        { id: "r-first", segment: { key: "sb-not-beta", constraints: beta, negate: true }, variant: "green" },
        { id: "r-mid", segment: { key: "sb-eu", constraints: eu, negate: false }, variant: "blue" },
        { id: "r-last", segment: { key: "sb-eu", constraints: eu, negate: false }, percent: 12.5 },
      ],
      overrides: { alice: "green", bob: "blue" },
      rollout: { id: "ro-live", state: "active", stageIndex: 1, stageMode: "serve", percent: 25 },
      shadow: { ...DEFAULT_SHADOW, sampleRate: 5 },
      response: { ...DEFAULT_RESPONSE, sampleRate: 50 },
    });
  });

  it.each([
    [
      "a paused rollout in a shadow stage",
      [["ro-p", "paused", 0]],
      { id: "ro-p", state: "paused", stageIndex: 0, stageMode: "shadow", percent: 0 },
    ],
    [
      "only ended rollouts",
      [
        ["ro-a", "aborted", 1],
        ["ro-b", "promoted", 1],
      ],
      null,
    ],
    ["no rollout", [], null],
  ] as const)("with %s the rollout is %j", async (_case, rollouts, expected) => {
    const key = `sb-ro-${rollouts.map(([id]) => id).join("") || "none"}`;
    await seedFlag(env.DB, { key, killSwitch: true });
    for (const [id, state, stage] of rollouts) await insertRollout(key, `${key}-${id}`, state, stage);
    const snapshot = await read(key);
    expect(snapshot?.rollout).toEqual(expected && { ...expected, id: `${key}-${expected.id}` });
    expect(snapshot).toMatchObject({ killSwitch: true, rules: [], overrides: {}, route: { method: "POST" } });
    expect(snapshot?.route).not.toHaveProperty("host");
    expect(snapshot?.shadow).toEqual(DEFAULT_SHADOW);
  });

  it("an unknown flag reads as null and builds as not_found", async () => {
    expect(await read("sb-missing")).toBeNull();
    expect(await buildValidSnapshot(env.DB, "sb-missing")).toEqual({ ok: false, error: { code: "not_found" } });
  });
});
