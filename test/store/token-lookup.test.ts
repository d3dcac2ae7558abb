// The per-request token lookup is one plain statement (OFREP runs in the
// router, which carries no drizzle): its columns are held to schema.ts here,
// and its answer to what the rows say — a live token by hash, never a revoked one.
import { env } from "cloudflare:test";
import { getTableName } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../src/store/schema";
import { findTokenByHash, TOKEN_LOOKUP_SOURCE } from "../../src/store/token-lookup";
import { db } from "../helpers/seed";

describe("the token lookup", () => {
  it("names the api_tokens table of schema.ts", () => {
    expect(getTableName(schema.apiTokens)).toBe(TOKEN_LOOKUP_SOURCE.table);
  });

  it.each(Object.entries(TOKEN_LOOKUP_SOURCE.columns))("reads %s from schema.ts's column %s", (property, column) => {
    expect(schema.apiTokens[property as keyof typeof TOKEN_LOOKUP_SOURCE.columns].name).toBe(column);
  });

  it("finds a live token by its hash; a revoked or unknown hash is null", async () => {
    const row = { name: "n", scope: "operate", createdBy: "test", createdAt: 1, updatedAt: 1 };
    await db(env.DB)
      .insert(schema.apiTokens)
      .values([
        { ...row, id: "tl-live", secretHash: "aa".repeat(32) },
        { ...row, id: "tl-revoked", secretHash: "bb".repeat(32), revokedAt: 2 },
      ]);
    expect(await findTokenByHash(env.DB, "aa".repeat(32))).toEqual({
      id: "tl-live",
      scope: "operate",
      secretHash: "aa".repeat(32),
    });
    expect(await findTokenByHash(env.DB, "bb".repeat(32))).toBeNull();
    expect(await findTokenByHash(env.DB, "cc".repeat(32))).toBeNull();
  });
});
