// Feedback's attribution check is one plain statement (the router carries no
// drizzle): its columns are held to schema.ts here, and its answers to the
// rows — the flag exists, and the rollout is that flag's, another's or unknown.
import { env } from "cloudflare:test";
import { getTableName } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/store/schema";
import { FEEDBACK_LOOKUP_SOURCES, readFeedbackTargets } from "../../src/store/feedback-lookup";
import { seedFlag, seedRollout } from "../helpers/seed";

const SCHEMA_TABLES = { flags: schema.flags, rollouts: schema.rollouts };

describe("the feedback lookup", () => {
  beforeAll(async () => {
    for (const key of ["fl-a", "fl-b"]) {
      await seedFlag(env.DB, { key });
      await seedRollout(env.DB, key, `fl-ro-${key.slice(-1)}`, 10);
    }
  });

  it.each(Object.entries(FEEDBACK_LOOKUP_SOURCES))("reads %s's table and columns of schema.ts", (name, source) => {
    const table = SCHEMA_TABLES[name as keyof typeof SCHEMA_TABLES];
    expect(getTableName(table)).toBe(source.table);
    for (const [property, column] of Object.entries(source.columns))
      expect((table as unknown as Record<string, { name: string }>)[property]?.name, property).toBe(column);
  });

  it.each([
    ["fl-a", "fl-ro-a", { flagExists: true, rolloutFlagKey: "fl-a" }],
    ["fl-a", null, { flagExists: true, rolloutFlagKey: null }],
    ["fl-a", "fl-ro-b", { flagExists: true, rolloutFlagKey: "fl-b" }],
    ["fl-a", "fl-no-such-rollout", { flagExists: true, rolloutFlagKey: null }],
    ["fl-gone", "fl-ro-a", { flagExists: false, rolloutFlagKey: "fl-a" }],
  ] as const)("flag %s with rollout %s reads %j", async (flagKey, rolloutId, expected) => {
    expect(await readFeedbackTargets(env.DB, flagKey, rolloutId)).toEqual(expected);
  });
});
