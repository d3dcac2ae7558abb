// `npm run test:cli`: the `switchyard` CLI end to end. Builds the deployed
// layout (router + control-plane Worker, as `npm run build`), serves it with
// Miniflare on 127.0.0.1 (the CLI talks to the router, which forwards the
// admin API through CONTROL; fresh in-memory D1/KV,
// migrations applied, one flag seeded), then runs every CLI command as a
// child process (`node bin/switchyard.mjs …`) and checks exit codes and the
// shape of each --json answer. Also evaluates the flag over real HTTP with
// the official OpenFeature OFREP provider.
//
//   node scripts/cli-e2e.mjs [--build-dir dist]   # reuse `npm run build`'s output
//
// Contract: prints one line per check and "N passed, M failed"; exit code 0
// only if all pass; Miniflare and the temp dir are removed on every exit.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Miniflare } from "miniflare";
import { buildDeployed, deployedIn, deployedMiniflare, migrationStatements } from "../bench/lib/harness.mjs";
import { checkShape, SHAPES } from "./lib/cli-shapes.mjs";

const TOKEN = "syk_cli_e2e_bootstrap_token_0123456789abcdef";
const FLAG = "e2e-model";
const CLI = path.resolve("bin/switchyard.mjs");
const work = mkdtempSync(path.join(tmpdir(), "switchyard-cli-e2e-"));
let mf = null;
let passed = 0;
let failed = 0;

async function cleanup() {
  await mf?.dispose().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => cleanup().finally(() => process.exit(130)));

function cli(args, { token = TOKEN, url } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, SWITCHYARD_URL: url, SWITCHYARD_TOKEN: token },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function check(name, condition, detail = "") {
  if (condition) passed++;
  else failed++;
  console.log(`${condition ? "ok  " : "FAIL"} ${name}${condition || !detail ? "" : `\n     ${detail}`}`);
}

/** Runs a CLI command and checks its exit code and (for --json) its output shape. */
async function expectCli(name, args, { code = 0, shape, options, test } = {}) {
  const result = await cli(args, options);
  const detail = `exit ${result.code}; stdout: ${result.stdout.slice(0, 300)}; stderr: ${result.stderr.slice(0, 300)}`;
  let value = null;
  const stream = code === 0 ? result.stdout : result.stderr;
  if (args.includes("--json")) {
    try {
      value = JSON.parse(stream.trim().split("\n").pop());
    } catch {
      value = undefined;
    }
  }
  const problems =
    shape && value !== undefined ? checkShape(value, shape) : value === undefined ? ["output is not JSON"] : [];
  const extra = test && problems.length === 0 ? test(value, result) : null;
  check(
    name,
    result.code === code && problems.length === 0 && !extra,
    `${problems.join("; ")}${extra ? ` ${extra}` : ""} (${detail})`,
  );
  return value;
}

async function startRouter(scripts) {
  mf = new Miniflare(
    deployedMiniflare(scripts, {
      ADMIN_TOKEN: TOKEN,
      SNAPSHOT_STORE: "hybrid",
      VERSION_PROBE_SECONDS: "0",
      OUTCOMES_EMBEDDED: "1",
      DEV_MODE: "1",
    }),
  );
  const url = await mf.ready;
  const db = await mf.getD1Database("DB");
  for (const statement of migrationStatements()) await db.prepare(statement).run();
  await db
    .prepare(`INSERT INTO flags (key, description, route_method, route_path, blue_origin, green_origin, timeout_ms, unit_key_source, unit_key_name, version)
    VALUES (?1, 'cli e2e', 'POST', '/e2e/predict', '{"url":"https://blue.example"}', '{"url":"https://green.example"}', 2000, 'header', 'x-user-id', 1)`)
    .bind(FLAG)
    .run();
  return url.toString().replace(/\/$/, "");
}

async function mintToken(url, scope) {
  const response = await fetch(`${url}/admin/api/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `e2e-${scope}`, scope }),
  });
  return (await response.json()).token;
}

async function ofrepWithOfficialClient(url, readToken) {
  const { OpenFeature } = await import("@openfeature/server-sdk");
  const { OFREPProvider } = await import("@openfeature/ofrep-provider");
  await OpenFeature.setProviderAndWait("e2e", new OFREPProvider({ baseUrl: url, headers: { "x-api-key": readToken } }));
  const client = OpenFeature.getClient("e2e");
  const details = await client.getStringDetails(FLAG, "fallback", { targetingKey: "user-1" });
  check(
    "OFREP over HTTP (official provider, X-API-Key): value is a variant",
    ["blue", "green"].includes(details.value) && details.errorCode === undefined,
    JSON.stringify(details),
  );
  const missing = await client.getStringDetails("no-such-flag", "fallback", { targetingKey: "user-1" });
  check(
    "OFREP over HTTP: missing flag → default + FLAG_NOT_FOUND",
    missing.value === "fallback" && missing.errorCode === "FLAG_NOT_FOUND",
    JSON.stringify(missing),
  );
  await OpenFeature.close();
}

async function main() {
  const started = performance.now();
  const argBuild = process.argv.indexOf("--build-dir");
  const scripts = argBuild > 0 ? deployedIn(path.resolve(process.argv[argBuild + 1])) : buildDeployed(work);
  const url = await startRouter(scripts);
  const options = { url };
  const J = "--json";
  console.log(`router on ${url} (${((performance.now() - started) / 1000).toFixed(1)} s to start)`);

  await expectCli("flags list --json", ["flags", "list", J], {
    options,
    shape: SHAPES.flagList,
    test: (v) => (v.items.some((f) => f.key === FLAG) ? null : "seeded flag missing"),
  });
  await expectCli("flag show --json", ["flag", "show", FLAG, J], {
    options,
    shape: SHAPES.flagShow,
    test: (v) => (v.rollout === null ? null : "expected no rollout"),
  });
  await expectCli("flag show unknown → exit 2", ["flag", "show", "nope", J], { options, code: 2, shape: SHAPES.error });
  await expectCli("kill without --reason → exit 1", ["kill", FLAG], { options, code: 1 });
  await expectCli("kill --json", ["kill", FLAG, "--reason", "e2e brake", J], {
    options,
    shape: SHAPES.kill,
    test: (v) => (v.killSwitch && v.changed ? null : "not killed"),
  });
  await expectCli("kill again is idempotent", ["kill", FLAG, "--reason", "again", J], {
    options,
    shape: SHAPES.kill,
    test: (v) => (v.changed === false ? null : "changed twice"),
  });
  await expectCli("rollout start while killed → exit 3 (409)", ["rollout", "start", FLAG, J], {
    options,
    code: 3,
    shape: SHAPES.error,
  });
  await expectCli("unkill --json", ["unkill", FLAG, "--reason", "fixed", J], {
    options,
    shape: SHAPES.kill,
    test: (v) => (v.killSwitch === false ? null : "still killed"),
  });
  await expectCli("rollout status without rollout", ["rollout", "status", FLAG, J], {
    options,
    shape: SHAPES.status,
    test: (v) => (v.rollout === null ? null : "unexpected rollout"),
  });
  await expectCli("answers without rollout: answers, and no usage (no_rollout)", ["answers", FLAG, J], {
    options,
    shape: SHAPES.answers,
    test: (v) => (v.window && v.answers && v.usageMissing?.reason === "no_rollout" ? null : "wrong view"),
  });
  await expectCli(
    "rollout start --plan --json",
    ["rollout", "start", FLAG, "--plan", "shadow,5,25,50,100", "--min-duration", "0", "--min-samples", "0", J],
    {
      options,
      shape: SHAPES.rollout,
      test: (v) => (v.state === "active" && v.stages.length === 5 && v.stageIndex === 0 ? null : "wrong rollout"),
    },
  );
  await expectCli("answers in the shadow stage: no usage (no_split_traffic, the API's 409)", ["answers", FLAG, J], {
    options,
    shape: SHAPES.answers,
    test: (v) => (v.usageMissing?.reason === "no_split_traffic" ? null : "wrong view"),
  });
  await expectCli("rollout start --plan garbage → exit 1", ["rollout", "start", FLAG, "--plan", "shadow,lots"], {
    options,
    code: 1,
  });
  await expectCli("rollout status --json", ["rollout", "status", FLAG, J], {
    options,
    shape: SHAPES.status,
    test: (v) => (v.rollout?.state === "active" ? null : "not active"),
  });
  await expectCli("rollout status (human)", ["rollout", "status", FLAG], {
    options,
    test: (_, r) => (r.stdout.includes("[shadow] > 5% > 25% > 50% > 100%") ? null : "plan line missing"),
  });
  await expectCli("rollout advance --json", ["rollout", "advance", FLAG, J], {
    options,
    shape: SHAPES.rollout,
    test: (v) => (v.stageIndex === 1 ? null : "did not advance"),
  });
  await expectCli(
    "answers at serve:5 --json: the stage's experiment says the flag reads no usage",
    ["answers", FLAG, J],
    {
      options,
      shape: SHAPES.answers,
      test: (v) => (v.stage === "serve:5" && v.usageMissing?.reason === "not_declared" ? null : "wrong view"),
    },
  );
  await expectCli("answers --stage 5 (human)", ["answers", FLAG, "--stage", "5"], {
    options,
    test: (_, r) => (r.stdout.includes("stage serve:5\n") && r.stdout.includes("\nANSWERS ") ? null : "tables missing"),
  });
  await expectCli("answers --stage shadow → exit 1", ["answers", FLAG, "--stage", "shadow"], { options, code: 1 });
  await expectCli("rollout pause --json", ["rollout", "pause", FLAG, J], {
    options,
    shape: SHAPES.rollout,
    test: (v) => (v.state === "paused" ? null : "not paused"),
  });
  await expectCli("rollout resume --json", ["rollout", "resume", FLAG, J], {
    options,
    shape: SHAPES.rollout,
    test: (v) => (v.state === "active" ? null : "not resumed"),
  });
  await expectCli("rollout promote before 100 % → exit 3 (409)", ["rollout", "promote", FLAG, J], {
    options,
    code: 3,
    shape: SHAPES.error,
    test: (v) => (v.error.status === 409 ? null : "wrong status"),
  });

  const csv = path.join(work, "pins.csv");
  writeFileSync(
    csv,
    `unitKey,variant\n${Array.from({ length: 2500 }, (_, i) => `"user,${i}",${i % 2 ? "green" : "blue"}`).join("\n")}\n`,
  );
  await expectCli(
    "overrides import (2 500 rows, chunks of 1 000) --json",
    ["overrides", "import", FLAG, csv, "--chunk", "1000", J],
    { options, shape: SHAPES.import, test: (v) => (v.imported === 2500 && v.chunks === 3 ? null : "wrong counts") },
  );
  const bad = path.join(work, "bad.csv");
  writeFileSync(bad, "u1,blue\nu2,purple\n");
  await expectCli("overrides import invalid CSV → exit 1, nothing sent", ["overrides", "import", FLAG, bad, J], {
    options,
    code: 1,
    shape: SHAPES.error,
    test: (v) => (v.error.message.includes("line 2") ? null : "no line number"),
  });

  const read = await mintToken(url, "read");
  await expectCli("read token may not kill → exit 4 (403)", ["kill", FLAG, "--reason", "x", J], {
    options: { ...options, token: read },
    code: 4,
    shape: SHAPES.error,
  });
  await expectCli("bad token → exit 4 (401)", ["flags", "list", J], {
    options: { ...options, token: "syk_wrong" },
    code: 4,
    shape: SHAPES.error,
  });
  await expectCli("unreachable server → exit 2", ["flags", "list", J], {
    options: { url: "http://127.0.0.1:9" },
    code: 2,
    shape: SHAPES.error,
  });

  await expectCli("rollout rollback --json", ["rollout", "rollback", FLAG, J], {
    options,
    shape: SHAPES.rollout,
    test: (v) => (v.state === "rolled_back" ? null : "not rolled back"),
  });
  await expectCli(
    "rollout status --watch stops by itself on a finished rollout",
    ["rollout", "status", FLAG, "--watch", "--interval", "1", J],
    {
      options,
      shape: SHAPES.status,
      test: (v) => (v.rollout.state === "rolled_back" && v.flag.killSwitch ? null : "wrong final state"),
    },
  );
  await expectCli("audit --json", ["audit", FLAG, J], {
    options,
    shape: SHAPES.audit,
    test: (v) => {
      const actions = v.items.map((item) => item.action);
      return [
        "flag.kill",
        "flag.unkill",
        "rollout.start",
        "rollout.advance",
        "flag.overrides.bulk",
        "rollout.rollback",
      ].every((a) => actions.includes(a))
        ? null
        : `actions: ${actions.join(",")}`;
    },
  });
  await expectCli("unknown command → exit 1", ["frobnicate"], { options, code: 1 });

  await ofrepWithOfficialClient(url, read);
  console.log(`${passed} passed, ${failed} failed (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return failed === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error("cli-e2e:", error);
} finally {
  await cleanup();
}
process.exit(code);
