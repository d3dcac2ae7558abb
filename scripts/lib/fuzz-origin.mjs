// The model origin of the proxy fuzzer (scripts/proxy-fuzz.mjs), in process
// on 127.0.0.1. The first path segment after /fuzz/ picks how it answers:
// well-formed answers whose body the fuzzer can recompute (echo, big, dup,
// nolen), origin-made 5xx (err), and answers a proxy must survive: 204/304
// with a body, a 103 before the answer, headers then an early close, a reset.
// It also watches what reaches it: a switchyard credential or a header the
// client listed in `Connection` is a leak, counted per fuzz id.
import { createHash } from "node:crypto";
import http from "node:http";
import { CREDENTIAL_MARKS, HOP_MARK_HEADER, originBody } from "./fuzz-cases.mjs";

const raw = (socket, text) => {
  socket.end(text);
};

function answer(mode, req, res, fuzzId, bodyHash) {
  const body = originBody(mode, fuzzId, bodyHash);
  const head = `x-origin: fuzz\r\nx-fuzz-id: ${fuzzId}\r\nx-body-sha256: ${bodyHash}\r\n`;
  res.setHeader("x-body-sha256", bodyHash);
  switch (mode) {
    case "big":
    case "echo":
      res.writeHead(200, {
        "x-origin": "fuzz",
        "content-type": "application/octet-stream",
        "content-length": body.length,
      });
      return res.end(body);
    case "dup":
      res.setHeader("x-origin", "fuzz");
      res.setHeader("x-dup", ["one", "two"]);
      res.setHeader("set-cookie", ["a=1; Path=/", "b=2; Path=/"]);
      return res.end(body);
    case "err":
      res.writeHead(503, { "x-origin": "fuzz", "content-type": "text/plain" });
      return res.end(body);
    case "nolen":
      return raw(req.socket, `HTTP/1.1 200 OK\r\n${head}connection: close\r\n\r\n${body}`);
    case "204":
      return raw(req.socket, `HTTP/1.1 204 No Content\r\n${head}content-length: 5\r\nconnection: close\r\n\r\nhello`);
    case "304":
      return raw(req.socket, `HTTP/1.1 304 Not Modified\r\n${head}content-length: 5\r\nconnection: close\r\n\r\nhello`);
    case "103":
      return raw(
        req.socket,
        `HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\n${head}content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
    case "close":
      req.socket.write(`HTTP/1.1 200 OK\r\n${head}content-length: 1000\r\n\r\n${body.slice(0, 10)}`);
      return req.socket.destroy();
    case "reset":
      return req.socket.destroy();
    default:
      res.writeHead(404, { "x-origin": "fuzz" });
      return res.end(body);
  }
}

/** Starts the origin; `leaks` lists fuzz ids whose request carried a credential or a Connection-listed header. */
export async function startFuzzOrigin() {
  const leaks = [];
  let requests = 0;
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    requests++;
    const fuzzId = String(req.headers["x-fuzz-id"] ?? "none").slice(0, 40);
    const seen = JSON.stringify(req.headers);
    if (CREDENTIAL_MARKS.some((mark) => seen.includes(mark)) || req.headers[HOP_MARK_HEADER] !== undefined)
      leaks.push(fuzzId);
    const mode = new URL(req.url, "http://origin").pathname.split("/")[2] ?? "";
    const hash = createHash("sha256");
    req.on("data", (chunk) => hash.update(chunk));
    req.on("error", () => undefined);
    req.on("end", () => answer(mode, req, res, fuzzId, hash.digest("hex")));
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    leaks,
    requests: () => requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
