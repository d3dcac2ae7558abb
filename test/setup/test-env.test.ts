// The test Worker's env is wrangler.toml's bindings plus the pool's test
// overrides (vitest.config.ts), never a developer's `.dev.vars` or `.env`:
// `npm run dev` writes one with an admin token and an origin allow-list, and
// either would quietly change what the admin and SSRF tests prove.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const FROM_WRANGLER_TOML = [
  "DB",
  "SNAPSHOTS",
  "OUTCOMES",
  "SNAPSHOT_STORE",
  "VERSION_PROBE_SECONDS",
  "OUTCOMES_EMBEDDED",
  "DEV_MODE",
];
const TEST_OVERRIDES = ["TEST_MIGRATIONS", "KV_WRITE_GAP_MS"];
/** The pool's own plumbing (self service, runner object, loopback), not configuration. */
const POOL_INTERNAL = /^__VITEST_POOL_WORKERS_/;

describe("the test Worker's env", () => {
  it("holds only wrangler.toml's bindings and the test overrides", () => {
    expect(
      Object.keys(env)
        .filter((key) => !POOL_INTERNAL.test(key))
        .sort(),
    ).toEqual([...FROM_WRANGLER_TOML, ...TEST_OVERRIDES].sort());
  });

  it("has no secret a developer's local files could supply", () => {
    expect(env.ADMIN_TOKEN).toBeUndefined();
    expect(env.ORIGIN_ALLOWLIST).toBeUndefined();
  });

  it("applies the test overrides over wrangler.toml's values", () => {
    expect({ embedded: env.OUTCOMES_EMBEDDED, dev: env.DEV_MODE, probe: env.VERSION_PROBE_SECONDS }).toEqual({
      embedded: "1",
      dev: "1",
      probe: "0",
    });
  });
});
