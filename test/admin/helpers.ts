// Calls the real Worker's /admin/api with a test env that carries a bootstrap
// ADMIN_TOKEN and an origin allow-list, plus small helpers to mint scoped
// tokens and count D1 rows (to prove rejected requests write nothing).
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import type { Env } from "../../src/env";

export const BOOTSTRAP = "syk_test_bootstrap_admin_token_0123456789";
export const adminEnv: Env = { ...env, ADMIN_TOKEN: BOOTSTRAP, ORIGIN_ALLOWLIST: "127.0.0.1" };

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Raw body text (sent as-is with a JSON content type). */
  raw?: string;
  ifMatch?: string;
  headers?: Record<string, string>;
  env?: Env;
}

export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? BOOTSTRAP : options.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  if (options.ifMatch !== undefined) headers.set("if-match", options.ifMatch);
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example/admin/api${path}`, { method, headers, body }),
    options.env ?? adminEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

export async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export async function mintToken(scope: "read" | "operate" | "admin", name = `t-${scope}`): Promise<string> {
  const response = await call("POST", "/tokens", { body: { name, scope } });
  if (response.status !== 201) throw new Error(`mint failed: ${response.status} ${await response.text()}`);
  return (await json<{ token: string }>(response)).token;
}

export const flagBody = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  route: { method: "POST", path: `/${key}/predict` },
  origins: { blue: { url: "https://blue.test" }, green: { url: "https://green.test" } },
  timeoutMs: 500,
  ...extra,
});

/** Creates a flag and returns its ETag. */
export async function createFlag(key: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await call("POST", "/flags", { body: flagBody(key, extra) });
  if (response.status !== 201) throw new Error(`create flag failed: ${response.status} ${await response.text()}`);
  return response.headers.get("etag")!;
}

export async function createSegment(
  key: string,
  constraints: unknown[] = [{ attribute: "cf.country", operator: "in", values: ["DE"] }],
): Promise<string> {
  const response = await call("POST", "/segments", { body: { key, constraints } });
  if (response.status !== 201) throw new Error(`create segment failed: ${response.status} ${await response.text()}`);
  return response.headers.get("etag")!;
}

export async function flagEtag(key: string): Promise<string> {
  return (await call("GET", `/flags/${key}`)).headers.get("etag")!;
}

const TABLES = ["flags", "segments", "flag_rules", "overrides", "rollouts", "audit_log", "api_tokens"];

/** Row counts of every admin-written table, plus a checksum of versions. */
export async function dbFingerprint(): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
    result[table] = row?.n ?? 0;
  }
  const versions = await env.DB.prepare("SELECT coalesce(sum(version), 0) AS v FROM flags").first<{ v: number }>();
  result.flagVersions = versions?.v ?? 0;
  return result;
}

export async function auditRows(): Promise<Record<string, unknown>[]> {
  return (await env.DB.prepare("SELECT * FROM audit_log ORDER BY id").all()).results;
}
