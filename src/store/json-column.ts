// The one reader of JSON text columns. Drizzle-free, so the hot path's D1
// index read (snapshot-store.ts) can use it without loading drizzle.

/** A JSON text column's value, or null when it is NULL or not valid JSON. */
export function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
