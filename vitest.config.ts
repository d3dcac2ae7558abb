// Two projects. "workers": the tests run inside workerd (the Workers runtime)
// with real local D1/KV; migrations are read here (Node side) and applied by
// test/setup/apply-migrations.ts. "bench-smoke": Node-side smoke runs of the
// benchmark harnesses, which start Miniflare and child processes themselves.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";
import path from "node:path";

const BENCH_SMOKE = "test/bench-smoke/**";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: { TEST_MIGRATIONS: migrations, OUTCOMES_EMBEDDED: "1", DEV_MODE: "1", VERSION_PROBE_SECONDS: "0" },
              },
            }),
          ],
          test: {
            name: "workers",
            setupFiles: ["./test/setup/apply-migrations.ts"],
            include: ["test/**/*.test.ts"],
            exclude: [...configDefaults.exclude, BENCH_SMOKE],
          },
        },
        {
          test: {
            name: "bench-smoke",
            environment: "node",
            include: [`${BENCH_SMOKE}/*.test.ts`],
          },
        },
      ],
    },
  };
});
