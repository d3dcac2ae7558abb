// Run by `npm run test:clickhouse` (scripts/test-clickhouse.mjs), which
// installs chdb into a cache directory first and names it in
// SWITCHYARD_CHDB_DIR. Not part of `npm test`: the engine is ~550 MB.
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: path.join(import.meta.dirname, "../.."),
    name: "clickhouse",
    environment: "node",
    include: ["test/clickhouse/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
