// The floor Worker of bench:router stands for the work SPEC asks of every
// routed request; its outcome point must stay the size of the real layout, or
// router/floor flatters or blames the router for a layout change. Runs the
// floor's script in Node with a stand-in origin and AE binding.
import { afterEach, describe, expect, it, vi } from "vitest";
import { BLOB, DOUBLE } from "../../../src/telemetry/outcome-layout";
// @ts-expect-error -- plain .mjs helper shared with the benchmarks (no type declarations)
import { FLOOR_SCRIPT } from "../../../bench/lib/floor-worker.mjs";

type Point = { indexes: string[]; blobs: string[]; doubles: number[] };

async function floorOnce(): Promise<{ response: Response; points: Point[]; forwarded: Headers }> {
  const worker = (await import(`data:text/javascript,${encodeURIComponent(FLOOR_SCRIPT)}`)).default;
  let forwarded = new Headers();
  vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
    forwarded = new Headers(init.headers);
    return new Response('{"label":"positive"}', {
      headers: { "content-type": "application/json", "content-length": "20" },
    });
  });
  const points: Point[] = [];
  const request = new Request("http://router.test/bench/predict", {
    method: "POST",
    body: "{}",
    headers: { connection: "keep-alive", "x-model-variant": "green", authorization: "Bearer syk_admin" },
  });
  const response = await worker.fetch(request, {
    ORIGIN: "http://origin.test",
    OUTCOMES: { writeDataPoint: (p: Point) => points.push(p) },
  });
  return { response, points, forwarded };
}

afterEach(() => vi.unstubAllGlobals());

describe("the floor Worker", () => {
  it("writes one outcome point with every blob and double of the real layout", async () => {
    const { response, points } = await floorOnce();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"label":"positive"}');
    expect(points).toHaveLength(1);
    expect(points[0]!.blobs).toHaveLength(Math.max(...Object.values(BLOB)));
    expect(points[0]!.doubles).toHaveLength(Math.max(...Object.values(DOUBLE)));
    expect(points[0]!.blobs[BLOB.requestId - 1]).toBe(response.headers.get("x-request-id"));
  });

  it("does the router's header hygiene on what it forwards", async () => {
    const { forwarded } = await floorOnce();
    for (const name of ["connection", "x-model-variant", "authorization"]) expect(forwarded.has(name)).toBe(false);
    expect(forwarded.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
