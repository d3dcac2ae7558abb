// Applies the `npm run dev` seed (scripts/demo-seed.sql) to the test D1,
// statement by statement, as dev.mjs's `wrangler d1 execute --file` does.
import { env } from "cloudflare:test";
import seedSql from "../../scripts/demo-seed.sql?raw";

export async function applyDemoSeed(): Promise<void> {
  const statements = seedSql
    .replace(/^--.*$/gm, "")
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
  for (const statement of statements) await env.DB.prepare(statement).run();
}
