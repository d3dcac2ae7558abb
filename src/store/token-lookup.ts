// The API-token lookup every authenticated request makes (admin API,
// dashboard, OFREP): one plain D1 statement, no drizzle, because OFREP runs
// in the router, whose every bundled module is compiled when an isolate
// starts. Token writes and listings stay in token-audit-repo.ts. The table
// and columns are held to schema.ts by test/store/token-lookup.test.ts.

/** The `api_tokens` columns read, by schema.ts property name. */
export const TOKEN_LOOKUP_SOURCE = {
  table: "api_tokens",
  columns: { id: "id", scope: "scope", secretHash: "secret_hash", revokedAt: "revoked_at" },
} as const;

const { table, columns } = TOKEN_LOOKUP_SOURCE;

const LOOKUP_SQL = `SELECT "${columns.id}" AS "id", "${columns.scope}" AS "scope", "${columns.secretHash}" AS "secretHash"
  FROM "${table}" WHERE "${columns.secretHash}" = ?1 AND "${columns.revokedAt}" IS NULL LIMIT 1`;

export interface LiveToken {
  id: string;
  scope: string;
  secretHash: string;
}

/** A live (not revoked) token by the hex SHA-256 of its secret, or null. */
export async function findTokenByHash(d1: D1Database, secretHash: string): Promise<LiveToken | null> {
  return d1.prepare(LOOKUP_SQL).bind(secretHash).first<LiveToken>();
}
