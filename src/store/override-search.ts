// Prefix search over one flag's overrides for the dashboard's "is this user
// pinned?" box. Read-only; bounded by `limit`; never scans other flags.
const OVERRIDE_SEARCH = `SELECT unit_key AS unitKey, variant FROM overrides
  WHERE flag_key = ?1 AND unit_key >= ?2 AND unit_key < ?3 ORDER BY unit_key LIMIT ?4`;

/**
 * Overrides whose unit key starts with `prefix` (a range on the primary key
 * (flag_key, unit_key), so a 50 000-pin flag is never scanned).
 */
export async function searchOverrides(
  d1: D1Database,
  flagKey: string,
  prefix: string,
  limit: number,
): Promise<{ unitKey: string; variant: string }[]> {
  // U+FFFF sorts after every character a unit key can realistically hold.
  const { results } = await d1
    .prepare(OVERRIDE_SEARCH)
    .bind(flagKey, prefix, `${prefix}\uffff`, limit)
    .all<{ unitKey: string; variant: string }>();
  return results;
}
