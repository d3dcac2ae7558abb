// A tiny local model origin for load tests: drains the request body and
// answers a small fixed JSON body on 127.0.0.1. Contract: `startOrigin(name)`
// resolves to { port, close() }; close() also drops keep-alive sockets so no
// server outlives the bench.
import http from "node:http";

export async function startOrigin(name) {
  const body = JSON.stringify({ model: name, label: "positive", score: 0.97 });
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      response.end(body);
    });
  });
  // workerd pools upstream connections; Node's 5 s default would churn them between runs.
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
