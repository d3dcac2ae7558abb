// wrk driver: runs one bounded load test against a URL and parses the
// `--latency` report into { rps, p50Ms, p99Ms, requests, non2xx, socketErrors }.
// Contract: async (never spawnSync — the caller's event loop serves the
// origin while wrk runs), always bounded by `durationS` plus a kill timer,
// and the child is killed by `stopAll()` on early exit.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { ensureAptTool } from "./apt.mjs";

const running = new Set();

/** `npm run bench` needs wrk for its throughput figures (lib/apt.mjs). */
export const ensureWrk = () => ensureAptTool("wrk", "wrk", "npm run bench");

/**
 * A wrk Lua script: POST with a small JSON body, and a different `x-user-id`
 * per request from a pool, so every request carries a unit key (no cookie is
 * minted) and the 25 % split sees many units, as production traffic does.
 */
export function writeLuaScript(dir, { path: urlPath, userPool = 1000 }) {
  const file = path.join(dir, "bench-request.lua");
  writeFileSync(
    file,
    `
wrk.method = "POST"
wrk.path = "${urlPath}"
wrk.body = '{"inputs":"the service was great"}'
wrk.headers["content-type"] = "application/json"
local n = math.random(0, ${userPool - 1})
request = function()
  n = (n + 1) % ${userPool}
  wrk.headers["x-user-id"] = "bench-user-" .. n
  return wrk.format()
end
`,
  );
  return file;
}

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function toMs(text) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) throw new Error(`wrk: cannot parse duration "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

export function parseWrk(output) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p50 = /^\s+50%\s+(\S+)/m.exec(output);
  const p99 = /^\s+99%\s+(\S+)/m.exec(output);
  const requests = /(\d+) requests in/.exec(output);
  if (!rps || !p50 || !p99 || !requests) throw new Error(`wrk: unexpected output:\n${output}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    rps: Number(rps[1]),
    p50Ms: toMs(p50[1]),
    p99Ms: toMs(p99[1]),
    requests: Number(requests[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

export function runWrk({ url, threads, connections, durationS, script }) {
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${durationS}s`,
    "--latency",
    "--timeout",
    "5s",
    "-s",
    script,
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    // wrk stops itself after durationS; this only guards against a hung wrk.
    const guard = setTimeout(() => child.kill("SIGKILL"), (durationS + 15) * 1000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      running.delete(child);
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      try {
        resolve(parseWrk(out));
      } catch (error) {
        reject(error);
      }
    });
  });
}

export function stopAll() {
  for (const child of running) child.kill("SIGKILL");
}
