// Smoke runs of every benchmark harness (so they cannot rot), in
// Node rather than workerd (the "bench-node" vitest project; the snapshot
// harness, which is pure, is smoke-run inside workerd from test/bench/) because the harnesses start Miniflare, origins
// and child processes. Each runs its own `--smoke` mode: tiny sizes, no wrk (bench:instructions
// does need Valgrind, and installs it from apt where missing),
// no results written; the harness asserts its own behaviour (routing split,
// mirroring, kill propagation, tick decisions) and exits non-zero on failure.
// One single-Worker bundle is built for all of them, as `npm run bench` does.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- plain .mjs helper shared with the benchmarks (no type declarations)
import { buildBundle } from "../../../bench/lib/harness.mjs";

const MINUTE = 60_000;
let work = "";
let bundle = "";

interface Finished {
  code: number | null;
  output: string;
}

/** Runs one harness with a hard time bound; never leaves the child running. */
function run(args: string[], timeoutMs: number): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function expectSuccess(result: Finished): void {
  // The whole output on failure: it is the harness's own diagnosis.
  expect(result.code, result.output).toBe(0);
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "switchyard-bench-smoke-"));
  bundle = buildBundle(work) as string;
  expect(statSync(bundle).size).toBeGreaterThan(0);
}, 2 * MINUTE);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("benchmark harnesses (smoke)", () => {
  it(
    "bench:eval answers for every engine at every size, each with the flag's variant shares",
    async () => {
      const result = await run(["--expose-gc", "--import", "tsx", "bench/eval.bench.ts", "--smoke"], 2 * MINUTE);
      expectSuccess(result);
      for (const engine of ["switchyard", "flagd-core", "growthbook"]) {
        expect(result.output).toMatch(new RegExp(`${engine}\\s+overrides=\\s*2000\\s+[\\d.]+ ns/eval`));
        expect(result.output).toMatch(new RegExp(`${engine}\\s+green shares pinned 100\\.0 %, beta 100\\.0 %, eu`));
      }
    },
    2 * MINUTE,
  );

  it(
    "bench:router routes the split, the bare and floor Workers pass through, and every peer serves the split",
    async () => {
      // Three more Workers, each built by wrangler: more time than the others.
      const result = await run(["bench/router.bench.mjs", "--smoke", "--bundle", bundle], 4 * MINUTE);
      expectSuccess(result);
      for (const name of ["router", "bare", "floor", "launchdarkly", "growthbook", "flagd"])
        expect(result.output).toMatch(new RegExp(`^${name}: 200 requests ok`, "m"));
      // The answer scenarios: a contract at 100 % inspects every answer, and a stream arrives in pieces.
      expect(result.output).toMatch(/^inspect100: 100 of 100 answers inspected and valid/m);
      expect(result.output).toMatch(/^streamRouter: streamed 5 events in \d+ chunks/m);
      // Over real HTTP: a sized answer that breaks mid-body is incomplete for the client.
      expect(result.output).toMatch(/^streamRouter: a broken answer is incomplete for the client when sized/m);
      // A chat completion: its usage is read from the stream's final chunk.
      expect(result.output).toMatch(/^chatRouter: usage read from the stream \(\d+ known\)/m);
    },
    4 * MINUTE,
  );

  it(
    "bench:instructions counts router and floor instructions under callgrind and names where they differ",
    async () => {
      // Both Workers under Valgrind: each request runs ~40x slower, so few of them.
      const result = await run(["bench/instructions.bench.mjs", "--smoke", "--bundle", bundle], 4 * MINUTE);
      expectSuccess(result);
      // Both variants served (the harness itself checks the split); key order is arrival order.
      expect(result.output).toMatch(/^router: warmed up with 40 requests \{(?=.*"green":\d+)(?=.*"blue":\d+).*\}$/m);
      expect(result.output).toMatch(
        /^window 0 router +[\d.]+ k instructions\/request( \(\d+ resent after a reset so far\))?$/m,
      );
      expect(result.output).toMatch(
        /^window 0 floor +[\d.]+ k instructions\/request( \(\d+ resent after a reset so far\))?$/m,
      );
      expect(result.output).toMatch(
        /^instructions per request: router [\d.]+k, floor [\d.]+k; JIT code router \d+, floor \d+$/m,
      );
      expect(result.output).toMatch(/^floor \/ router instructions [\d.]+ /m);
    },
    4 * MINUTE,
  );

  it(
    "bench:startup profiles the deploy bundle's start-up and sizes it",
    async () => {
      const result = await run(["bench/startup.bench.mjs", "--smoke"], 3 * MINUTE);
      expectSuccess(result);
      expect(result.output).toMatch(/^startup: busy [\d.]+ ms \(min [\d.]+\), bundle \d+ bytes \(gzip \d+\)$/m);
    },
    3 * MINUTE,
  );

  it(
    "bench:shadow mirrors only the flag in shadow mode",
    async () => {
      const result = await run(["bench/shadow.bench.mjs", "--smoke", "--bundle", bundle], 2 * MINUTE);
      expectSuccess(result);
      expect(result.output).toMatch(/^smoke: 200 served by blue, \d+ mirrored to green/m);
    },
    2 * MINUTE,
  );

  it(
    "bench:killswitch sees instance B serve blue after a flip through A",
    async () => {
      const result = await run(
        ["bench/killswitch.bench.mjs", "--smoke", "--probe-seconds", "2", "--bundle", bundle],
        2 * MINUTE,
      );
      expectSuccess(result);
      expect(result.output).toMatch(/honoured by instance B within \d+ ms/);
    },
    2 * MINUTE,
  );

  it(
    "bench:tick decides every seeded rollout",
    async () => {
      const result = await run(["bench/tick.bench.mjs", "--smoke", "--bundle", bundle], 2 * MINUTE);
      expectSuccess(result);
      expect(result.output).toMatch(/decisions 3\b/);
    },
    2 * MINUTE,
  );
});
