// types:env — writes src/env.generated.d.ts, the Worker's bindings and vars
// as `wrangler types` reads them from wrangler.toml (src/env.ts adds the
// secrets and optional vars that wrangler.toml does not declare). Runtime
// types come from @cloudflare/workers-types, so only the Env part is made;
// vars are typed `string` (tests and .dev.vars set other values than the
// defaults); no `.dev.vars`/`.env` is read, so a developer's local secrets
// never change the committed file. Offline: no metrics, no network.
//
//   node scripts/env-types.mjs            regenerate the committed file
//   (scripts/check-env-types.mjs checks that it is current)
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import path from "node:path";

export const ENV_TYPES_FILE = "src/env.generated.d.ts";
const ROOT = path.join(import.meta.dirname, "..");
const WRANGLER = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** Runs `wrangler types` into `outFile` (relative to the repository root); throws on failure. */
export function generateEnvTypes(outFile = ENV_TYPES_FILE) {
  // "--env-file=/dev/null": read an empty env file instead of .dev.vars/.env.
  const args = ["types", outFile, "--include-runtime=false", "--strict-vars=false", "--env-file=/dev/null"];
  const run = spawnSync(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  if (run.status !== 0) throw new Error(`wrangler types failed (${run.status}):\n${run.stdout}${run.stderr}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  generateEnvTypes();
  console.log(`wrote ${ENV_TYPES_FILE}`);
}
