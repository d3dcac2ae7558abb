// The drizzle handle over D1 and the row types every repository shares, plus
// the one reader of JSON text columns. Repositories, the snapshot builder and
// the admin/cron callers take a `Db` from `openDb` and never build their own.
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = DrizzleD1Database<typeof schema>;
export type FlagRow = typeof schema.flags.$inferSelect;
export type RolloutRow = typeof schema.rollouts.$inferSelect;

export function openDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}

/** A JSON text column's value, or null when it is NULL or not valid JSON. */
export function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
