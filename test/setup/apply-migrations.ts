// Applies the real SQL migrations to the per-test-file D1 before any test runs.
import { applyD1Migrations, env } from "cloudflare:test";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);
