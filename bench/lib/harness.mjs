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
