// Shared pieces of the Miniflare benchmark harnesses: build the deployable
// bundle exactly as `npm run build` does, and the SQL of every migration.
// Contract: no side effects beyond the given output directory.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const COMPATIBILITY = { compatibilityDate: "2026-04-20", compatibilityFlags: ["nodejs_compat"] };

/** wrangler's own bundle, exactly what `npm run build` would deploy. */
export function buildBundle(outdir) {
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  const built = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], { env, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`wrangler build failed:\n${built.stdout}\n${built.stderr}`);
  return path.join(outdir, "index.js");
}

export function migrationStatements() {
  return readdirSync("migrations")
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .flatMap((name) => readFileSync(path.join("migrations", name), "utf8").split("--> statement-breakpoint"))
    .map((statement) => statement.trim())
    .filter((statement) => statement !== "");
}

/**
 * Migrates a fresh D1 and seeds flag `key` (POST /<key>/predict) with a rollout at
 * 100 % green, so a kill switch shows as every user turning blue.
 */
export async function seedAllGreenFlag(db, key, blue, green) {
  for (const statement of migrationStatements()) await db.prepare(statement).run();
  await db
    .prepare(
      "INSERT INTO flags (key, route_method, route_path, blue_origin, green_origin, timeout_ms) VALUES (?1, 'POST', ?2, ?3, ?4, 2000)",
    )
    .bind(
      key,
      `/${key}/predict`,
      JSON.stringify({ url: `http://127.0.0.1:${blue.port}` }),
      JSON.stringify({ url: `http://127.0.0.1:${green.port}` }),
    )
    .run();
  await db
    .prepare(
      "INSERT INTO rollouts (id, flag_key, stages, stage_index, stage_started_at, state) VALUES (?1, ?2, ?3, 0, ?4, 'active')",
    )
    .bind(
      `${key}-r`,
      key,
      JSON.stringify([{ mode: "serve", percent: 100, minDurationSeconds: 60, minSamples: 1 }]),
      Date.now(),
    )
    .run();
}
