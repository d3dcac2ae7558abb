// The dashboard's hono environment and its in-process admin API client.
// Every read and write goes through `adminApp.fetch` with the session's
// token as a Bearer, so auth, scopes, ETags, validation and auditing are the
// admin API's own — the dashboard never re-implements a rule or a query the
// API already owns. Nothing here touches the network.
import type { Context } from "hono";
import { adminApp } from "../admin/app";
import type { Scope } from "../admin/auth";
import type { Env } from "../env";

export interface Session {
  token: string;
  actor: string;
  scope: Scope;
}

export interface DashEnv {
  Bindings: Env;
  Variables: { session: Session };
}

export type DashContext = Context<DashEnv>;

export interface ApiError {
  code: string;
  message: string;
  details?: unknown;
}

export interface ApiResult<T> {
  status: number;
  etag: string | null;
  /** Parsed JSON on 2xx, else null. */
  data: T | null;
  error: ApiError | null;
}

export interface ApiCallOptions {
  body?: unknown;
  ifMatch?: string;
}

function executionContext(c: Context): ExecutionContext {
  try {
    return c.executionCtx as ExecutionContext;
  } catch {
    // Only in unit tests that call the app without a context: waitUntil runs inline.
    return { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
  }
}

/** One admin API call in-process; `path` is below /admin/api (e.g. "/flags"). */
export async function callApi<T = Record<string, unknown>>(
  c: Context<DashEnv>,
  token: string,
  method: string,
  path: string,
  options: ApiCallOptions = {},
): Promise<ApiResult<T>> {
  const headers = new Headers({ authorization: `Bearer ${token}` });
  // The browser's address, so the admin API charges failed sign-ins to the
  // right client (its auth-failure limiter keys on it), not to the dashboard.
  const client = c.req.header("cf-connecting-ip");
  if (client !== undefined) headers.set("cf-connecting-ip", client);
  if (options.ifMatch) headers.set("if-match", options.ifMatch);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers.set("content-type", "application/json");
  }
  const url = new URL(`/admin/api${path}`, c.req.url);
  const response = await adminApp.fetch(new Request(url, { method, headers, body }), c.env, executionContext(c));
  const etag = response.headers.get("etag");
  const text = await response.text();
  const parsed = text === "" ? null : (JSON.parse(text) as unknown);
  if (response.ok) return { status: response.status, etag, data: parsed as T, error: null };
  const error = (parsed as { error?: ApiError } | null)?.error ?? {
    code: "internal",
    message: `HTTP ${response.status}`,
  };
  return { status: response.status, etag, data: null, error };
}

/** Reads through the session's token. */
export const api = <T = Record<string, unknown>>(
  c: DashContext,
  method: string,
  path: string,
  options?: ApiCallOptions,
) => callApi<T>(c, c.get("session").token, method, path, options);

/** True when the API has no such route at all (a feature not deployed yet), not "no such flag". */
export const routeMissing = (result: ApiResult<unknown>): boolean =>
  result.status === 404 && (result.error?.message.startsWith("No admin route") ?? false);

export const SCOPE_RANK: Record<Scope, number> = { read: 1, operate: 2, admin: 3 };
export const canDo = (session: Session, needed: Scope): boolean => SCOPE_RANK[session.scope] >= SCOPE_RANK[needed];
