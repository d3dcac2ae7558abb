// A local model origin run as its own process, so load and chaos runs can
// kill it for real. Every answer carries `x-origin: <name>` — that is how
// the load scripts tell an origin's own 5xx (passed through by the router)
// from one the router made. With --fail-every k, every k-th request answers
// 503 (a deterministic 1/k failure rate). Listens on 127.0.0.1 only; prints
// one JSON line {"port": n} once listening; exits on SIGTERM/SIGINT.
//   node scripts/lib/fault-origin.mjs --name green --port 0 --fail-every 5
import http from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    name: { type: "string", default: "origin" },
    port: { type: "string", default: "0" },
    "fail-every": { type: "string", default: "0" },
  },
});
const failEvery = Number(values["fail-every"]);
const ok = JSON.stringify({ model: values.name, label: "positive", score: 0.97 });
const failed = JSON.stringify({ model: values.name, error: "model failed" });
let served = 0;

const server = http.createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    served++;
    const failing = failEvery > 0 && served % failEvery === 0;
    const body = failing ? failed : ok;
    response.writeHead(failing ? 503 : 200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-origin": values.name,
    });
    response.end(body);
  });
});
// workerd pools upstream connections; Node's 5 s default would churn them.
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
