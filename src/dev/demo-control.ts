// Dev-only control surface for the `npm run dev` walkthrough:
// POST /__demo/{blue|green}/fail-rate {"rate": 0.5} sets the demo origin's
// failure rate (scripts/demo-origins.mjs). index.ts mounts it only when
// DEV_MODE=1; it only ever talks to the local demo origins.

const DEMO_PORTS = { blue: 8701, green: 8702 } as const;

export async function handleDemoControl(request: Request, path: string): Promise<Response> {
  const match = /^\/__demo\/(blue|green)\/fail-rate$/.exec(path);
  if (!match || request.method !== "POST") return Response.json({ error: { code: "not_found", message: "POST /__demo/{blue|green}/fail-rate" } }, { status: 404 });
  const body = (await request.json().catch(() => null)) as { rate?: unknown } | null;
  const rate = body?.rate;
  if (typeof rate !== "number" || rate < 0 || rate > 1) return Response.json({ error: { code: "invalid_request", message: 'send {"rate": 0..1}' } }, { status: 400 });
  const port = DEMO_PORTS[match[1] as keyof typeof DEMO_PORTS];
  const answer = await fetch(`http://127.0.0.1:${port}/__control/fail-rate`, { method: "POST", body: JSON.stringify({ rate }), headers: { "content-type": "application/json" } });
  return new Response(answer.body, { status: answer.status, headers: { "content-type": "application/json" } });
}
