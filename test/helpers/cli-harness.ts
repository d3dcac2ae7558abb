// Runs the CLI in-process (cli/main.mjs `run`) against a scripted fake API:
// routes are "METHOD /path?query" → a reply (or a list, answered in turn);
// an unscripted route answers 404. Records every request (method, path,
// If-Match, body) and collects stdout/stderr. `tableCells` reads a printed
// table back as cells, so a test names rows rather than padding.
import type { CliIo } from "../../cli/main.mjs";

export type Reply = { status: number; body?: unknown; etag?: string };
export interface Seen {
  method: string;
  path: string;
  ifMatch: string | null;
  body: unknown;
}

export function cliHarness(routes: Record<string, Reply | Reply[]>, extra: Partial<CliIo> = {}) {
  const seen: Seen[] = [];
  let out = "";
  let err = "";
  const io: CliIo = {
    env: { SWITCHYARD_URL: "http://sy.test", SWITCHYARD_TOKEN: "syk_t" },
    fetch: (async (url: string, init: RequestInit) => {
      const path = url.replace("http://sy.test/admin/api", "");
      const headers = init.headers as Record<string, string>;
      seen.push({
        method: init.method!,
        path,
        ifMatch: headers["if-match"] ?? null,
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      });
      const entry = routes[`${init.method} ${path}`];
      const reply = Array.isArray(entry) ? entry.shift() : entry;
      if (!reply)
        return new Response(JSON.stringify({ error: { code: "not_found", message: "no route" } }), { status: 404 });
      return new Response(reply.body === undefined ? "" : JSON.stringify(reply.body), {
        status: reply.status,
        headers: reply.etag ? { etag: reply.etag } : {},
      });
    }) as unknown as typeof fetch,
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
    isTTY: false,
    readFile: async () => "",
    now: () => 1_000_000,
    sleep: async () => {},
    ...extra,
  };
  return { io, seen, out: () => out, err: () => err };
}

/** A printed table's rows as cells (columns are two or more spaces apart; a cell never holds two). */
export const tableCells = (text: string) => text.split("\n").map((line) => line.trim().split(/\s{2,}/));
