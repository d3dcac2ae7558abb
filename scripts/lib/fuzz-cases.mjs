// Seeded request generator of the proxy fuzzer (scripts/proxy-fuzz.mjs) and
// the body contract it shares with the fuzz origin (./fuzz-origin.mjs).
// Case `i` of seed `s` is always the same request: a failing case is
// replayed with `--seed s --only i`. Two kinds: "http" cases go through
// node:http (methods, paths, queries, header names/values/sizes, Expect,
// Connection lists, TE/Upgrade, credentials, bodies empty/huge/chunked/
// aborted); "raw" cases write bytes on a socket (pipelining, absolute-form
// and `*` targets, CL/TE conflicts, obs-fold, bad chunking, slowloris).
export const CREDENTIAL_MARKS = ["syk_fuzzleak", "sy_admin=fuzzleak"];
/** A header the client names in `Connection`: hop-by-hop, it must never reach the origin. */
export const HOP_MARK_HEADER = "x-fuzz-hop";
export const BODY_MODES = new Set(["echo", "big", "dup", "nolen", "err", "103"]);
/** workerd drops a chunked request body on these methods (seen with a bare pass-through Worker too). */
export const RUNTIME_DROPS_CHUNKED = new Set(["GET", "DELETE", "OPTIONS", "TRACE"]);
/** Methods the runtime hands to the Worker (anything else gets workerd's own 501 before the router runs). */
export const STANDARD_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

/** What the fuzz origin answers for (mode, fuzz id, sha256 of the body it received): the fuzzer recomputes it. */
export function originBody(mode, fuzzId, bodyHash) {
  const text = `${mode}|${fuzzId}|${bodyHash}|`;
  if (mode === "big") return text + "b".repeat(100_000);
  if (mode === "echo") return text + "e".repeat(fnv(fuzzId) % 3000);
  return text;
}

function fnv(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** mulberry32: small, seeded, reproducible. */
export function rngFor(seed, index) {
  let a = (fnv(`${seed}:${index}`) ^ 0x9e3779b9) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const METHODS = ["GET", "GET", "POST", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const ODD_METHODS = ["get", "post", "Patch", "PROPFIND", "QUERY", "FOO-BAR", "M-SEARCH", "TRACE", "TRACK", "PURGE"];
const MODES = ["echo", "echo", "echo", "echo", "big", "dup", "nolen", "err", "204", "304", "close", "reset"];
// An origin's 103 before its answer: opt-in (--origin-1xx), because workerd's own fetch takes the 103 as
// the final answer and pools the connection with the real answer still in it, which the NEXT request to
// that origin then receives (docs/design/metrics-conformance.md). Not the router's code; judged when asked for.
const MODES_1XX = [...MODES, "103"];
const SUFFIXES = ["", "a/b/c", "%20x", "%zz", "%C3%BC", "a;b=c", "..%2F..%2Fadmin", "./x/../y", "a//b", "~!$&'()*+,="];
const QUERIES = ["", "?", "?a=1&a=2", "?q=%00", "?x=%E2%82%AC", "?a[]=1&a[]=2", "?=&=&", "?k=%ZZ"];
const UNROUTED = ["/", "/FUZZ/echo/x", "//fuzz/echo", "/fuzz", "/admin/api/flags", "/_switchyard/healthz", "/%2e%2e/"];

function bytes(rng, size) {
  const out = Buffer.allocUnsafe(size);
  let x = rng.int(2 ** 31) | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function httpCase(rng, id, origin1xx) {
  const method = rng.chance(0.2) ? rng.pick(ODD_METHODS) : rng.pick(METHODS);
  const mode = rng.pick(origin1xx ? MODES_1XX : MODES);
  const path = rng.chance(0.06)
    ? rng.pick(UNROUTED)
    : `/fuzz/${mode}/${rng.chance(0.03) ? "p".repeat(rng.pick([2000, 9000])) : rng.pick(SUFFIXES)}${rng.pick(QUERIES)}${rng.chance(0.02) ? `&${"k=v&".repeat(500)}` : ""}`;
  const headers = [["x-fuzz-id", id]];
  const add = (name, value) => headers.push([name, value]);
  if (rng.chance(0.1)) for (let i = 0; i < 20 + rng.int(80); i++) add(`x-h${i}`, `v${i}`);
  if (rng.chance(0.05)) add("x-long", "L".repeat(rng.pick([1024, 8 * 1024, 32 * 1024, 100 * 1024])));
  if (rng.chance(0.08)) add(rng.pick(["x-under_score", "X-MiXeD-CaSe", "x-dot.name", "x-tilde~", "x-1"]), "odd");
  if (rng.chance(0.08)) add("x-dups", ["a", "b", "c"]);
  if (rng.chance(0.06)) {
    add("connection", `keep-alive, ${HOP_MARK_HEADER}`);
    add(HOP_MARK_HEADER, "hop");
  }
  if (rng.chance(0.04)) add("te", rng.pick(["trailers", "gzip, chunked", "deflate;q=0.5"]));
  if (rng.chance(0.03)) add("upgrade", rng.pick(["h2c", "websocket", "HTTP/2.0"]));
  if (rng.chance(0.05)) add("authorization", `Bearer ${CREDENTIAL_MARKS[0]}`);
  if (rng.chance(0.05)) add("x-api-key", CREDENTIAL_MARKS[0]);
  if (rng.chance(0.05)) add("cookie", `theme=dark; ${CREDENTIAL_MARKS[1]}; lang=en`);
  if (rng.chance(0.04)) add("x-request-id", rng.pick(["../../etc", "a".repeat(300), "", "  "]));
  if (rng.chance(0.04)) add("content-type", rng.pick(["", "application/json; charset=ünknown", "multipart/form-data"]));
  if (rng.chance(0.03)) add("x-user-id", rng.pick(["", " ", "\t", "x".repeat(5000)]));
  const canHaveBody = !["GET", "HEAD", "get"].includes(method) || rng.chance(0.1);
  let body = { type: "none" };
  if (canHaveBody) {
    const roll = rng.next();
    if (roll < 0.15) body = { type: "empty" };
    else if (roll < 0.55) body = { type: "bytes", data: bytes(rng, rng.int(4096)) };
    else if (roll < 0.565) body = { type: "bytes", data: bytes(rng, 1_000_000 + rng.int(600_000)) };
    else if (roll < 0.75)
      body = { type: "chunked", parts: Array.from({ length: 1 + rng.int(6) }, () => bytes(rng, rng.int(3000))) };
    else if (roll < 0.85) body = { type: "expect", data: bytes(rng, rng.pick([16, 2000, 200_000])) };
    else if (roll < 0.92) body = { type: "abort", data: bytes(rng, 20_000 + rng.int(60_000)) };
  }
  // workerd leaves the body of an unknown method (its own 501) and a chunked body on GET/DELETE/OPTIONS
  // unread, and parses the leftover bytes as the next request on that connection (a 501 for an innocent
  // request): these cases get their own connection so they cannot poison the shared ones. So does
  // Expect: a body sent after an early final answer would be read as the next request.
  return {
    kind: "http",
    id,
    method,
    path,
    mode,
    headers,
    body,
    ownConnection:
      ODD_METHODS.includes(method) ||
      body.type === "expect" ||
      (body.type === "chunked" && RUNTIME_DROPS_CHUNKED.has(method.toUpperCase())),
  };
}

function rawCase(rng, id) {
  const h = (extra = "") => `Host: router\r\nx-fuzz-id: ${id}\r\n${extra}`;
  const line = (target, method = "GET", version = "HTTP/1.1") => `${method} ${target} ${version}\r\n`;
  const echo = `/fuzz/echo/raw`;
  const variants = [
    () => [
      `${line(`${echo}1`)}${h()}\r\n${line(`${echo}2`, "POST")}${h("Content-Length: 3\r\n")}\r\nabc${line(`${echo}3`)}${h("Connection: close\r\n")}\r\n`,
    ],
    () => [`${line(`http://router${echo}`)}${h("Connection: close\r\n")}\r\n`],
    () => [`${line("*", "OPTIONS")}${h("Connection: close\r\n")}\r\n`],
    () => [
      `${line(echo, "POST")}${h("Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n")}\r\n5\r\nhello\r\n0\r\n\r\n`,
    ],
    () => [
      `${line(echo, "POST")}${h(`Content-Length: ${rng.pick(["abc", "-1", "5, 6", "99999999999999999999"])}\r\nConnection: close\r\n`)}\r\nhello`,
    ],
    () => [`${line(echo, "POST")}${h("Content-Length: 5\r\nContent-Length: 6\r\nConnection: close\r\n")}\r\nhello!`],
    () => [`${line(echo)}${h("X-Fold: a\r\n  b\r\nConnection: close\r\n")}\r\n`],
    () => [`${line(echo, "GET", "HTTP/1.0")}x-fuzz-id: ${id}\r\n\r\n`],
    () => [`${line(echo, "GET", "HTTP/9.9")}${h("Connection: close\r\n")}\r\n`],
    () => [`GARBAGE\r\n\r\n`],
    () => [`${line(echo)}${h("NoColonHere\r\nConnection: close\r\n")}\r\n`],
    () => [`${line(echo)}${h("Bad\u0000Nul: x\r\nConnection: close\r\n")}\r\n`],
    () => [`${line(echo)}${h("Spaced : x\r\nConnection: close\r\n")}\r\n`],
    () => [
      `${line(echo, "POST")}${h("Transfer-Encoding: chunked\r\nConnection: close\r\n")}\r\n${rng.pick(["zz\r\nhello\r\n0\r\n\r\n", "5;ext=1\r\nhello\r\n0\r\nx-trailer: t\r\n\r\n", "5\r\nhel"])}`,
    ],
    () => [
      `${line(echo, "POST")}${h("Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n")}\r\n5\r\nhello\r\n0\r\n\r\n`,
    ],
    () => [
      `${line(echo, "POST")}${h("Expect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n")}\r\n`,
      "body",
    ],
    () => [
      `${line(echo)}${h("Upgrade: websocket\r\nConnection: Upgrade, close\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n")}\r\n`,
    ],
    () => [`${line(echo, rng.pick(["get", "BREW", "G\tET"]))}${h("Connection: close\r\n")}\r\n`],
    () => [`${line(`/fuzz/echo/${"r".repeat(rng.pick([20_000, 70_000]))}`)}${h("Connection: close\r\n")}\r\n`],
    () => {
      const text = `${line(echo)}${h("Connection: close\r\n")}\r\n`;
      return Array.from({ length: 8 }, (_, i) => text.slice((i * text.length) / 8, ((i + 1) * text.length) / 8));
    },
  ];
  const index = rng.int(variants.length);
  return { kind: "raw", id, variant: index, chunks: variants[index](), slow: index === variants.length - 1 };
}

/** Case `index` of `seed`: 85 % through node:http, 15 % as raw bytes. */
export function caseFor(seed, index, { origin1xx = false } = {}) {
  const rng = rngFor(seed, index);
  const id = `${seed}-${index}`;
  return rng.chance(0.15) ? rawCase(rng, id) : httpCase(rng, id, origin1xx);
}
