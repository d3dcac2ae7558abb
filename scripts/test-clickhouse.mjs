// test:clickhouse — the Analytics Engine reader's SQL executed by a real
// ClickHouse engine (test/clickhouse/). The engine is the `chdb` npm package
// (embedded ClickHouse, ~550 MB unpacked), so it is not a dependency of the
// repository: it is installed here, at one pinned version, into a cache
// directory outside the repository ($SWITCHYARD_CHDB_DIR, default
// ~/.cache/switchyard-chdb) and reused on later runs.
//
//   node scripts/test-clickhouse.mjs [vitest args...]
//
// Contract: touches nothing in the repository; the engine runs in-process,
// offline (the npm registry is only asked when the cache lacks the version).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

const CHDB_VERSION = "3.4.0";
const root = path.join(import.meta.dirname, "..");
const cacheHome = process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
const dir = path.resolve(process.env.SWITCHYARD_CHDB_DIR || path.join(cacheHome, "switchyard-chdb"));
const installed = path.join(dir, "node_modules", "chdb", "package.json");

const versionIn = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).version : null);

if (versionIn(installed) !== CHDB_VERSION) {
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  console.log(`installing chdb@${CHDB_VERSION} into ${dir} (once; ~550 MB)`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const install = spawnSync(
    npm,
    ["install", "--prefix", dir, "--no-audit", "--no-fund", "--save-exact", `chdb@${CHDB_VERSION}`],
    { stdio: "inherit" },
  );
  if (install.status !== 0 || versionIn(installed) !== CHDB_VERSION) {
    console.error(`could not install chdb@${CHDB_VERSION} into ${dir}`);
    process.exit(1);
  }
  console.log(`chdb@${CHDB_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const run = spawnSync(
  process.execPath,
  [vitest, "run", "--config", "test/clickhouse/vitest.config.ts", ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit", env: { ...process.env, SWITCHYARD_CHDB_DIR: dir } },
);
process.exit(run.status ?? 1);
