// `npm run dev`: local D1/KV with migrations applied, the demo flag seeded,
// the two demo model origins started, then `wrangler dev` on 127.0.0.1:8787
// in the single-Worker layout (the control plane bundled into the router, so
// one local Worker serves the admin API, the dashboard and the cron trigger;
// README, "Deploy", for the two-Worker layout). Ctrl-C stops everything it started.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { startDemoOrigin, scoreV1, scoreV2 } from "./demo-origins.mjs";

const quiet = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const wrangler = (args, options = {}) =>
  spawnSync("npx", ["wrangler", ...args], { stdio: "inherit", env: quiet, ...options });

if (!existsSync(".dev.vars")) {
  const token = `syk_${randomBytes(24).toString("base64url")}`;
  writeFileSync(
    ".dev.vars",
    `ADMIN_TOKEN=${token}\nDEV_MODE=1\nOUTCOMES_EMBEDDED=1\nORIGIN_ALLOWLIST=127.0.0.1,localhost\n`,
    { mode: 0o600 },
  );
  console.log(`\nCreated .dev.vars with a local admin token (shown once):\n  ${token}\n`);
}

const migrate = wrangler(["d1", "migrations", "apply", "DB", "--local"], { env: { ...quiet, CI: "true" } });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);
const seed = wrangler(["d1", "execute", "DB", "--local", "--file", "scripts/demo-seed.sql"]);
if (seed.status !== 0) process.exit(seed.status ?? 1);

const servers = [await startDemoOrigin(8701, "v1", scoreV1), await startDemoOrigin(8702, "v2", scoreV2)];
console.log("demo origins: blue = sentiment v1 on :8701, green = sentiment v2 on :8702");

const single = ["--define", "CONTROL_PLANE_BUNDLED:true"];
const dev = spawn(
  "npx",
  ["wrangler", "dev", "--ip", "127.0.0.1", "--port", "8787", ...single, ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env: quiet,
  },
);
const stop = () => {
  for (const server of servers) server.close();
  dev.kill("SIGINT");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => {
  for (const server of servers) server.close();
  process.exit(code ?? 0);
});
