// Two projects. "workers": the tests run inside workerd (the Workers runtime)
// with real local D1/KV; migrations are read here (Node side) and applied by
// test/setup/apply-migrations.ts. "bench-node" (test/bench/node/): Node-side smoke runs
// of the benchmark harnesses, which start Miniflare and child processes themselves.
//
// The test Worker's bindings are wrangler.toml's (as `wrangler dev` sees them)
// plus the test overrides below, and nothing else: a developer's `.dev.vars`
// or `.env` (which `npm run dev` writes, with an admin token and an origin
// allow-list) must not change what the tests see. Wrangler skips both when it
// is given env files to read instead; the one named here never exists, so no
// secret reaches the tests unless a test sets it itself.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { configDefaults, defineConfig } from "vitest/config";
import path from "node:path";

const BENCH_NODE = "test/bench/node/**";
// Run by `npm run test:clickhouse` with its own config (the engine is installed on demand).
const CLICKHOUSE = "test/clickhouse/**";
// Tests assert behaviour, never speed (speed lives in `npm run bench`). On a
// loaded 2-core CI machine a scenario that takes 1 s when idle took over 5 s
// (vitest's default), so the limit only catches a test that hangs.
const TEST_TIMEOUT_MS = 120_000;
const NO_ENV_FILE = "test/setup/no-secrets-in-tests.env";

/**
 * wrangler.toml's bindings for Miniflare, read without `.dev.vars`/`.env` (see the header).
 * The tests run the single-Worker layout (control plane bundled), so the
 * router's CONTROL binding to the separate control Worker is left out.
 */
function wranglerBindings(configPath: string) {
  // `envFiles` is accepted at run time though missing from wrangler's declared options.
  const options = { envFiles: [NO_ENV_FILE] } as Parameters<typeof unstable_getMiniflareWorkerOptions>[2];
  const { serviceBindings, ...workerOptions } = unstable_getMiniflareWorkerOptions(
    configPath,
    undefined,
    options,
  ).workerOptions;
  const { CONTROL: _controlWorker, ...otherServices } = (serviceBindings ?? {}) as Record<string, unknown>;
  return { ...workerOptions, serviceBindings: otherServices as typeof serviceBindings };
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  const fromWrangler = wranglerBindings(path.join(import.meta.dirname, "wrangler.toml"));
  return {
    test: {
      projects: [
        {
          // The single-Worker layout: src/index.ts serves the control plane itself.
          define: { CONTROL_PLANE_BUNDLED: "true" },
          plugins: [
            cloudflareTest({
              main: "./src/index.ts",
              miniflare: {
                ...fromWrangler,
                bindings: {
                  ...fromWrangler.bindings,
                  TEST_MIGRATIONS: migrations,
                  OUTCOMES_EMBEDDED: "1",
                  DEV_MODE: "1",
                  VERSION_PROBE_SECONDS: "0",
                  // Publish every admin change to KV at once (local KV has no per-key write rate).
                  KV_WRITE_GAP_MS: "0",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            testTimeout: TEST_TIMEOUT_MS,
            hookTimeout: TEST_TIMEOUT_MS,
            setupFiles: ["./test/setup/apply-migrations.ts"],
            include: ["test/**/*.test.ts"],
            exclude: [...configDefaults.exclude, BENCH_NODE, CLICKHOUSE],
          },
        },
        {
          test: {
            name: "bench-node",
            environment: "node",
            include: [`${BENCH_NODE}/*.test.ts`],
          },
        },
      ],
    },
  };
});
