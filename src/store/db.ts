// The drizzle handle over D1 and the row types every repository shares, plus
// the one reader of JSON text columns (re-exported from json-column.ts).
// Repositories, the snapshot builder and the admin/cron callers take a `Db`
// from `openDb` and never build their own.
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema";

export { parseJson } from "./json-column";

export type Db = DrizzleD1Database<typeof schema>;
export type FlagRow = typeof schema.flags.$inferSelect;
export type RolloutRow = typeof schema.rollouts.$inferSelect;

export function openDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}
