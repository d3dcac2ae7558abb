// The router's dev-only demo control (src/dev/demo-control.ts): forwards to
// the right local demo origin's /__control/ route and returns its answer; an
// unknown route or an absent origin is a clear error, never a throw.
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleDemoControl } from "../../src/dev/demo-control";

afterEach(() => {
  vi.restoreAllMocks();
});

function recordOrigin(status = 200) {
  const seen: { url: string; method: string; body: string }[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input as RequestInfo, init);
    seen.push({ url: request.url, method: request.method, body: await request.text() });
    return Response.json({ from: "origin" }, { status });
  });
  return seen;
}

const control = (method: string, path: string, body?: string) =>
  handleDemoControl(new Request(`http://127.0.0.1:8787${path}`, { method, body }), path);

describe("demo control", () => {
  it.each<[string, string, string | undefined, string]>([
    ["POST", "/__demo/green/invalid-rate", '{"rate":0.2}', "http://127.0.0.1:8702/__control/invalid-rate"],
    ["POST", "/__demo/green/label-shift", '{"rate":0.3}', "http://127.0.0.1:8702/__control/label-shift"],
    ["POST", "/__demo/green/stream-break-rate", '{"rate":0.5}', "http://127.0.0.1:8702/__control/stream-break-rate"],
    ["POST", "/__demo/blue/fail-rate", '{"rate":0.1}', "http://127.0.0.1:8701/__control/fail-rate"],
    ["GET", "/__demo/green/faults", undefined, "http://127.0.0.1:8702/__control/faults"],
    ["POST", "/__demo/green/reset", "", "http://127.0.0.1:8702/__control/reset"],
  ])("%s %s goes to %s", async (method, path, body, url) => {
    const seen = recordOrigin();
    const answer = await control(method, path, body);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ from: "origin" });
    expect(seen).toEqual([{ url, method, body: body ?? "" }]);
  });

  it("returns the origin's refusal unchanged", async () => {
    recordOrigin(400);
    const answer = await control("POST", "/__demo/green/invalid-rate", '{"rate":2}');
    expect(answer.status).toBe(400);
  });

  it.each<[string, string]>([
    ["POST", "/__demo/purple/fail-rate"],
    ["DELETE", "/__demo/green/reset"],
    ["POST", "/__demo/green"],
    ["POST", "/__demo/green/../admin"],
  ])("%s %s is a 404 with the error shape and reaches no origin", async (method, path) => {
    const seen = recordOrigin();
    const answer = await control(method, path, "{}");
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({
      error: { code: "not_found", message: expect.stringContaining("/__demo/") },
    });
    expect(seen).toEqual([]);
  });

  it("an origin that is not running is a 502, not a throw", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("connection refused"));
    const answer = await control("GET", "/__demo/green/faults");
    expect(answer.status).toBe(502);
    expect(await answer.json()).toMatchObject({ error: { code: "origin_unreachable" } });
  });
});
