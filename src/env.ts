// Bindings and vars of the Worker, typed once. Everything that reads `env`
// goes through this shape; pure code never sees it. What wrangler.toml
// declares (D1, KV, Analytics Engine, [vars]) is generated into
// src/env.generated.d.ts by `npm run types:env` (scripts/check-env-types.mjs
// fails when it is stale); this module adds only what wrangler.toml cannot
// declare: secrets (`wrangler secret put`, `.dev.vars` in dev) and optional
// vars with a default in code.
/** Shape of one SQL migration as the test pool hands it over. */
export interface D1Migration {
  name: string;
  queries: string[];
}

/** Not in wrangler.toml, so `wrangler types` cannot see them: each is optional and has a default or a documented absence. */
interface UndeclaredBindings {
  /** Secret: the bootstrap admin API token (must start with "syk_"). */
  ADMIN_TOKEN?: string;
  /** Comma-separated hosts/IPs allowed as origins despite the SSRF guard (e.g. "127.0.0.1,localhost"). */
  ORIGIN_ALLOWLIST?: string;
  /** Health loop metrics source: "embedded" (D1 outcomes) or "analytics_engine"; default follows OUTCOMES_EMBEDDED. */
  METRICS_READER?: string;
  /** Secrets for the Analytics Engine SQL API reader. */
  CF_ACCOUNT_ID?: string;
  CF_API_TOKEN?: string;
  /** AE dataset name queried by the reader (default "switchyard_outcomes", as in wrangler.toml). */
  AE_DATASET?: string;
  /** Secret: HMAC key of self-describing request ids (a dev default applies only when DEV_MODE=1). */
  REQUEST_ID_SECRET?: string;
  /** Secret: default HMAC key of health-loop webhooks (a flag may name another secret). */
  HEALTH_WEBHOOK_SECRET?: string;
  /** Minimum ms between two KV snapshot publishes of one isolate (default 1000: KV's per-key write rate; 0 publishes every change at once). */
  KV_WRITE_GAP_MS?: string;
  /** Only present under vitest: the SQL migrations to apply. */
  TEST_MIGRATIONS?: D1Migration[];
}

declare global {
  namespace Cloudflare {
    // Merged into the generated Cloudflare.Env, which `cloudflare:test`'s env also uses.
    interface Env extends UndeclaredBindings {}
  }
}

/** wrangler.toml's bindings and vars (generated) plus the undeclared ones above. */
export interface Env extends Cloudflare.Env {}

/** Origin credentials and service bindings are looked up by name at run time. */
export function bindingByName(env: Env, name: string): unknown {
  return (env as unknown as Record<string, unknown>)[name];
}

/** A secret (or plain-text var) by name; undefined when unset or when the name is a binding, not a string. */
export function secretByName(env: Env, name: string): string | undefined {
  const value = bindingByName(env, name);
  return typeof value === "string" ? value : undefined;
}
