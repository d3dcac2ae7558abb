// The hot path's D1 index read is one plain statement (no drizzle on the
// start-up path): its columns are held to schema.ts here, and its entries to
// what the flags' rows say.
import { env } from "cloudflare:test";
import { getTableName } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../src/store/schema";
import { INDEX_COLUMNS, INDEX_TABLE, readIndexFromD1 } from "../../src/store/snapshot-store";
import { seedFlag } from "../helpers/seed";

describe("the D1 index read", () => {
  it("names the flags table of schema.ts", () => {
    expect(getTableName(schema.flags)).toBe(INDEX_TABLE);
  });

  it.each(Object.entries(INDEX_COLUMNS))("reads %s from schema.ts's column %s", (property, column) => {
    expect(schema.flags[property as keyof typeof INDEX_COLUMNS].name).toBe(column);
  });

  it("maps each row to its index entry (kill switch as a boolean, host kept, origin parsed)", async () => {
    await seedFlag(env.DB, { key: "idx-live", timeoutMs: 750 });
    await seedFlag(env.DB, {
      key: "idx-killed",
      killSwitch: true,
      routeMethod: "GET",
      routeHost: "api.example",
      blueOrigin: JSON.stringify({ service: "BLUE" }),
      version: 4,
    });
    const entries = await readIndexFromD1(env.DB);
    expect(entries.filter((entry) => entry.key.startsWith("idx-"))).toEqual([
      {
        key: "idx-live",
        version: 1,
        killSwitch: false,
        route: { method: "POST", path: "/idx-live/predict", host: null },
        blue: { url: "https://blue.test" },
        timeoutMs: 750,
      },
      {
        key: "idx-killed",
        version: 4,
        killSwitch: true,
        route: { method: "GET", path: "/idx-killed/predict", host: "api.example" },
        blue: { service: "BLUE" },
        timeoutMs: 500,
      },
    ]);
  });
});
