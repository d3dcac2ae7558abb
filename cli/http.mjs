// The CLI's only network code: a tiny client for /admin/api. Reads config
// from the environment (SWITCHYARD_URL, SWITCHYARD_TOKEN) once; sends the
// token as a Bearer header and never prints it; turns every non-2xx answer
// into a CliError (errors.mjs). `fetch` is injectable for tests.
import { apiError, CliError, EXIT, networkError } from "./errors.mjs";

/** Base URL of the admin API from SWITCHYARD_URL (the Worker's origin, or …/admin/api itself). */
export function adminBase(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`SWITCHYARD_URL is not a URL: ${url}`, EXIT.USAGE, { code: "usage" });
  }
  const path = parsed.pathname.replace(/\/+$/, "");
  parsed.pathname = path.endsWith("/admin/api") ? path : `${path}/admin/api`;
  return parsed.toString().replace(/\/$/, "");
}

export function configFrom(env, overrides = {}) {
  const url = overrides.url ?? env.SWITCHYARD_URL;
  const token = env.SWITCHYARD_TOKEN;
  if (!url)
    throw new CliError("set SWITCHYARD_URL (e.g. http://127.0.0.1:8787) or pass --url", EXIT.USAGE, { code: "usage" });
  if (!token) throw new CliError("set SWITCHYARD_TOKEN to an API token (syk_…)", EXIT.USAGE, { code: "usage" });
  return { base: adminBase(url), token };
}

/**
 * @returns {{ request: (method: string, path: string, options?: { body?: unknown, ifMatch?: string, what?: string, allow404?: boolean }) => Promise<{ status: number, etag: string | null, body: any }> }}
 */
export function createApi({ base, token }, fetchImpl = globalThis.fetch) {
  async function request(method, path, options = {}) {
    const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (options.ifMatch) headers["if-match"] = options.ifMatch;
    const url = `${base}${path}`;
    let response;
    try {
      response = await fetchImpl(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (cause) {
      throw networkError(base, cause);
    }
    const text = await response.text();
    let body = null;
    try {
      body = text === "" ? null : JSON.parse(text);
    } catch {
      body = { error: { message: text.slice(0, 200) } };
    }
    if (response.status === 404 && options.allow404) return { status: 404, etag: null, body: null };
    if (response.status < 200 || response.status > 299) throw apiError(response.status, body, options.what ?? path);
    return { status: response.status, etag: response.headers.get("etag"), body };
  }
  return { request };
}

export const enc = encodeURIComponent;
