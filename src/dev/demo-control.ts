// Dev-only control surface for the `npm run dev` walkthroughs: the demo
// origins' fault switches (scripts/demo-origins.mjs; names, validation and
// effects live in scripts/lib/demo-faults.mjs, their one home).
//   POST /__demo/{blue|green}/{fail-rate|invalid-rate|label-shift|stream-break-rate} {"rate": 0..1}
//   GET  /__demo/{blue|green}/faults      POST /__demo/{blue|green}/reset
// Forwarded as is to the origin's /__control/ route, whose answer (including
// its 400/404 errors) is returned unchanged. index.ts mounts it only when
// DEV_MODE=1; it only ever talks to the local demo origins.

const DEMO_PORTS = { blue: 8701, green: 8702 } as const;
const ROUTE = /^\/__demo\/(blue|green)\/([a-z-]+)$/;
const USAGE =
  "GET /__demo/{blue|green}/faults, POST /__demo/{blue|green}/{fail-rate|invalid-rate|label-shift|stream-break-rate|reset}";

const problem = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status });

export async function handleDemoControl(request: Request, path: string): Promise<Response> {
  const match = ROUTE.exec(path);
  if (!match || (request.method !== "GET" && request.method !== "POST")) return problem(404, "not_found", USAGE);
  const port = DEMO_PORTS[match[1] as keyof typeof DEMO_PORTS];
  const body = request.method === "POST" ? await request.text() : undefined;
  let answer: Response;
  try {
    answer = await fetch(`http://127.0.0.1:${port}/__control/${match[2]}`, {
      method: request.method,
      body,
      headers: { "content-type": "application/json" },
    });
  } catch (error) {
    return problem(
      502,
      "origin_unreachable",
      `demo ${match[1]} origin on :${port} did not answer (is npm run dev running?): ${String(error)}`,
    );
  }
  return new Response(answer.body, { status: answer.status, headers: { "content-type": "application/json" } });
}
