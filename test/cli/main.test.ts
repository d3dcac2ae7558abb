// The CLI in-process (cli/main.mjs `run`) against a scripted fake API: the
// request each command sends (method, path, If-Match, body) and what the
// operator sees, including 412 advice and a server without /decisions.
// The `answers` command has its own file (answers.test.ts).
import { describe, expect, it } from "vitest";
import { EXIT } from "../../cli/errors.mjs";
import { run } from "../../cli/main.mjs";
import { cliHarness as harness, tableCells } from "../helpers/cli-harness";

const rollout = (state: string, stageIndex = 0) => ({
  id: "r1",
  flagKey: "f",
  state,
  stageIndex,
  stages: [
    { mode: "shadow", percent: 0 },
    { mode: "serve", percent: 100 },
  ],
  stageStartedAt: 0,
  version: 3,
});
const flag = { key: "f", version: 7, killSwitch: false, route: { method: "POST", path: "/p" } };

describe("switchyard run()", () => {
  it("rollout advance reads the rollout ETag and sends it as If-Match", async () => {
    const h = harness({
      "GET /flags/f/rollouts/current": { status: 200, body: rollout("active"), etag: '"rollout-3"' },
      "POST /flags/f/rollouts/current/advance": { status: 200, body: rollout("active", 1) },
    });
    expect(await run(["rollout", "advance", "f"], h.io)).toBe(EXIT.OK);
    expect(h.seen[1]).toMatchObject({ method: "POST", ifMatch: '"rollout-3"' });
    expect(h.out()).toBe("rollout r1 advance: now active, shadow > [100%]\n");
  });

  it("a 412 becomes exit 3 with 're-run' advice (human and --json)", async () => {
    const routes = () => ({
      "GET /flags/f/rollouts/current": { status: 200, body: rollout("active"), etag: '"rollout-3"' },
      "POST /flags/f/rollouts/current/promote": {
        status: 412,
        body: { error: { code: "precondition_failed", message: "stale" } },
      },
    });
    const human = harness(routes());
    expect(await run(["rollout", "promote", "f"], human.io)).toBe(EXIT.CONFLICT);
    expect(human.err()).toBe(
      'switchyard: rollout of flag "f" changed since you read it; re-run the command (it reads the current version first)\n',
    );
    const json = harness(routes());
    expect(await run(["rollout", "promote", "f", "--json"], json.io)).toBe(EXIT.CONFLICT);
    expect(JSON.parse(json.err())).toMatchObject({ error: { code: "precondition_failed", status: 412, exitCode: 3 } });
  });

  it("rollout start sends the flag ETag and the parsed plan", async () => {
    const h = harness({
      "GET /flags/f": { status: 200, body: flag, etag: '"flag-7"' },
      "POST /flags/f/rollouts": { status: 201, body: rollout("active") },
    });
    expect(
      await run(
        ["rollout", "start", "f", "--plan", "shadow,100", "--min-duration", "60", "--hold", "30", "--json"],
        h.io,
      ),
    ).toBe(EXIT.OK);
    expect(h.seen[1]).toMatchObject({
      ifMatch: '"flag-7"',
      body: {
        holdSeconds: 30,
        stages: [
          { mode: "shadow", percent: 0, minDurationSeconds: 60, minSamples: 200 },
          { mode: "serve", percent: 100, minDurationSeconds: 60, minSamples: 1000 },
        ],
      },
    });
    expect(JSON.parse(h.out())).toMatchObject({ id: "r1", state: "active" });
  });

  it("rollout status degrades when the server has no decisions endpoint, and --watch polls until --count", async () => {
    let polls = 0;
    const h = harness(
      {
        "GET /flags/f": { status: 200, body: flag },
        "GET /flags/f/rollouts/current": { status: 200, body: rollout("active") },
      },
      { sleep: async () => void polls++ },
    );
    expect(await run(["rollout", "status", "f", "--watch", "--count", "3", "--json"], h.io)).toBe(EXIT.OK);
    const lines = h
      .out()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(polls).toBe(2);
    expect(lines[0]).toMatchObject({ decisionsAvailable: false, lastDecision: null, rollout: { state: "active" } });
  });

  it("rollout status shows the last decision's guard figures, each in its unit; guards that are off on one line", async () => {
    const guard = (
      name: string,
      status: string,
      green: number | null,
      control: number | null,
      threshold: number | null,
      pValue: number | null = null,
    ) => ({
      guard: name,
      status,
      green,
      control,
      threshold,
      pValue,
      interval: null,
      evidence: null,
    });
    const decision = {
      id: 1,
      at: 60_000,
      flagKey: "f",
      rolloutId: "r1",
      scope: "rollout",
      action: "hold",
      reason: "cost_per_request suspect",
      stageIndex: 0,
      rolloutVersion: 3,
      applied: true,
      blueReady: true,
      figures: {
        guards: [
          guard("invalid_rate", "suspect", 0.021, 0.005, 0.015, 0.08),
          guard("prediction_drift", "ok", 0.05, 0, 0.2, 0.6),
          guard("ttfb_p95", "insufficient", 900, 400, 600),
          guard("cost_per_request", "breach", 0.0000345, 0.00000945, 0.0000189, 0.001),
          guard("output_tokens", "off", null, null, null),
          guard("feedback", "off", null, null, null),
        ],
      },
    };
    const h = harness({
      "GET /flags/f": { status: 200, body: flag },
      "GET /flags/f/rollouts/current": { status: 200, body: rollout("active") },
      "GET /flags/f/decisions?limit=1&scope=rollout&rolloutId=r1": {
        status: 200,
        body: { items: [decision], nextCursor: null },
      },
    });
    expect(await run(["rollout", "status", "f"], h.io)).toBe(EXIT.OK);
    const rows = tableCells(h.out());
    expect(rows).toContainEqual(["guards", "GUARD", "STATUS", "GREEN", "CONTROL", "LIMIT", "P"]);
    expect(rows).toContainEqual(["invalid_rate", "suspect", "2.10 %", "0.50 %", "1.50 %", "0.08"]);
    expect(rows).toContainEqual(["prediction_drift", "ok", "PSI 0.05", "PSI 0", "PSI 0.2", "0.6"]);
    expect(rows).toContainEqual(["ttfb_p95", "insufficient", "900 ms", "400 ms", "600 ms", "-"]);
    expect(rows).toContainEqual(["cost_per_request", "breach", "$0.0000345", "$0.00000945", "$0.0000189", "0.001"]);
    expect(h.out()).toContain("\n             off: output_tokens, feedback\n");
  });

  it("overrides import chains ETags across chunks and reports where a failure stopped", async () => {
    const csv = Array.from({ length: 5 }, (_, i) => `u${i},green`).join("\n");
    const h = harness(
      {
        "GET /flags/f": { status: 200, body: flag, etag: '"flag-7"' },
        "POST /flags/f/overrides": [
          { status: 200, body: { version: 8 }, etag: '"flag-8"' },
          { status: 412, body: { error: { code: "precondition_failed", message: "stale" } } },
        ],
      },
      { readFile: async () => csv },
    );
    expect(await run(["overrides", "import", "f", "pins.csv", "--chunk", "2"], h.io)).toBe(EXIT.CONFLICT);
    expect(h.seen.filter((s) => s.method === "POST").map((s) => s.ifMatch)).toEqual(['"flag-7"', '"flag-8"']);
    expect(h.seen[1]!.body).toEqual({
      upsert: [
        { unitKey: "u0", variant: "green" },
        { unitKey: "u1", variant: "green" },
      ],
    });
    expect(h.err()).toContain("chunk 2/3 (from line 3) failed after 2 of 5 rows were applied");
  });

  it("usage errors exit 1 without touching the network; missing config is named", async () => {
    const h = harness({});
    expect(await run(["kill", "f"], h.io)).toBe(EXIT.USAGE);
    expect(h.err()).toContain("--reason");
    expect(await run(["rollout", "explode", "f"], h.io)).toBe(EXIT.USAGE);
    expect(await run(["flag", "show"], h.io)).toBe(EXIT.USAGE);
    expect(h.seen).toEqual([]);
    const bare = harness({}, { env: {} });
    expect(await run(["flags", "list"], bare.io)).toBe(EXIT.USAGE);
    expect(bare.err()).toContain("SWITCHYARD_URL");
    expect(await run(["--help"], bare.io)).toBe(EXIT.OK);
  });
});
