// Calls the real Worker's /ofrep/v1 with the admin test env (bootstrap
// ADMIN_TOKEN), so tokens minted through the admin API work here too.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { adminEnv, BOOTSTRAP } from "../admin/helpers";

export interface OfrepCallOptions {
  /** Sent as Bearer; null = no Authorization header. Default: the bootstrap token. */
  token?: string | null;
  apiKey?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** CF-Connecting-IP, the auth limiter's client key; unique per test keeps tests independent. */
  ip?: string;
}

export async function ofrep(path: string, options: OfrepCallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? BOOTSTRAP : options.token;
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  if (options.apiKey !== undefined) headers.set("x-api-key", options.apiKey);
  if (options.ip !== undefined) headers.set("cf-connecting-ip", options.ip);
  headers.set("content-type", "application/json");
  const body = options.raw ?? JSON.stringify(options.body ?? {});
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example/ofrep/v1${path}`, { method: "POST", headers, body }),
    adminEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

export const evaluate = (key: string, context: Record<string, unknown>, options: OfrepCallOptions = {}) =>
  ofrep(`/evaluate/flags/${key}`, { ...options, body: { context } });
