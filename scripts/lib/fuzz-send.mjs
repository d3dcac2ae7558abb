// Senders of the proxy fuzzer: one case (./fuzz-cases.mjs) → the answers it
// got, as { status, headers, body } (a raw case may get several: pipelining)
// or an `error` (the connection failed before any answer). Every send is
// bounded in time; nothing here judges.
import { createHash } from "node:crypto";
import http from "node:http";
import net from "node:net";

const CASE_TIMEOUT_MS = 15_000;
/** A raw case ends this long after the router last sent a byte (workerd may keep a connection open). */
const RAW_IDLE_MS = 700;

/** One node:http case. Resolves to { answers, sentHash, aborted }. */
export function sendHttp(base, agent, c) {
  return new Promise((resolve) => {
    const url = new URL(base);
    const headers = {};
    for (const [name, value] of c.headers) headers[name] = value;
    const b = c.body;
    const sent = b.type === "chunked" ? Buffer.concat(b.parts) : (b.data ?? Buffer.alloc(0));
    if (b.type === "bytes" || b.type === "expect") headers["content-length"] = sent.length;
    if (b.type === "empty") headers["content-length"] = 0;
    if (b.type === "expect") headers.expect = "100-continue";
    if (b.type === "abort") headers["content-length"] = sent.length;
    const done = (result) => {
      clearTimeout(timer);
      resolve({ sentHash: createHash("sha256").update(sent).digest("hex"), ...result });
    };
    let request;
    try {
      request = http.request({
        host: url.hostname,
        port: url.port,
        method: c.method,
        path: c.path,
        headers,
        agent: c.ownConnection ? false : agent,
        insecureHTTPParser: true,
      });
    } catch (error) {
      return resolve({ answers: [], skipped: `client refused: ${error.code ?? error.message}` });
    }
    const timer = setTimeout(() => {
      request.destroy(new Error("client timeout"));
    }, CASE_TIMEOUT_MS);
    request.on("response", (response) => {
      const parts = [];
      response.on("data", (chunk) => parts.push(chunk));
      response.on("end", () =>
        done({
          answers: [{ status: response.statusCode, headers: response.headers, body: Buffer.concat(parts) }],
        }),
      );
      response.on("error", (error) => done({ answers: [], error: `body: ${error.message}` }));
      response.on("aborted", () => done({ answers: [], error: "body aborted" }));
    });
    request.on("error", (error) =>
      done({ answers: [], error: error.code ?? error.message, aborted: b.type === "abort" }),
    );
    if (b.type === "expect") {
      let wrote = false;
      const send = () => {
        if (wrote) return;
        wrote = true;
        request.end(sent);
      };
      request.on("continue", send);
      setTimeout(send, 1000);
    } else if (b.type === "chunked") {
      for (const part of b.parts) request.write(part);
      request.end();
    } else if (b.type === "abort") {
      request.write(sent.subarray(0, sent.length >> 1));
      setTimeout(() => request.destroy(new Error("aborted by the fuzzer")), 20);
    } else request.end(b.type === "bytes" ? sent : undefined);
  });
}

/** Splits a raw HTTP/1.1 byte stream into answers (1xx interim answers skipped). */
export function parseAnswers(buffer) {
  const answers = [];
  let at = 0;
  while (at < buffer.length) {
    const end = buffer.indexOf("\r\n\r\n", at);
    if (end < 0) break;
    const lines = buffer.subarray(at, end).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(lines[0])?.[1] ?? 0);
    const headers = {};
    for (const l of lines.slice(1)) {
      const colon = l.indexOf(":");
      if (colon > 0) headers[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim();
    }
    at = end + 4;
    if (status >= 100 && status < 200) continue;
    let body;
    if (status === 204 || status === 304) body = Buffer.alloc(0);
    else if (headers["content-length"] !== undefined) {
      body = buffer.subarray(at, at + Number(headers["content-length"]));
      at += body.length;
    } else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
      const parts = [];
      for (;;) {
        const lineEnd = buffer.indexOf("\r\n", at);
        if (lineEnd < 0) break;
        const size = Number.parseInt(buffer.subarray(at, lineEnd).toString("latin1"), 16);
        at = lineEnd + 2;
        if (!(size > 0)) {
          at = buffer.indexOf("\r\n\r\n", at - 2) + 4 || buffer.length;
          break;
        }
        parts.push(buffer.subarray(at, at + size));
        at += size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      body = buffer.subarray(at);
      at = buffer.length;
    }
    answers.push({ status, headers, body });
  }
  return answers;
}

/** One raw case on its own socket, read until the router closes it (or the case times out). */
export function sendRaw(base, c) {
  return new Promise((resolve) => {
    const url = new URL(base);
    const socket = net.connect(Number(url.port), url.hostname);
    const received = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, CASE_TIMEOUT_MS);
    let idle = null;
    const quiet = () => {
      clearTimeout(idle);
      idle = setTimeout(() => socket.destroy(), RAW_IDLE_MS);
    };
    socket.on("connect", async () => {
      for (const chunk of c.chunks) {
        if (chunk === "body") {
          await new Promise((r) => setTimeout(r, 300));
          socket.write("body");
        } else
          socket.write(chunk.replaceAll("Host: router", `Host: ${url.host}`).replaceAll("http://router", url.origin));
        if (c.slow) await new Promise((r) => setTimeout(r, 60));
      }
      quiet();
    });
    socket.on("data", (chunk) => {
      received.push(chunk);
      quiet();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      clearTimeout(idle);
      resolve({ answers: parseAnswers(Buffer.concat(received)), timedOut });
    });
  });
}
