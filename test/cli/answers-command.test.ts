// `switchyard answers` in-process against a scripted API: which reports it
// reads (a window, or one stage with --stage), when a missing usage is a note
// rather than a failure, what --json prints, and the exit codes of API and
// usage errors (nothing is sent on a usage error).
import { describe, expect, it } from "vitest";
import { EXIT } from "../../cli/errors.mjs";
import { run } from "../../cli/main.mjs";
import { arm, figures, variant } from "../helpers/answer-fixtures";
import { cliHarness, type Reply } from "../helpers/cli-harness";

const REPORT = { flag: "f", fromMs: 0, toMs: 3_600_000, ...figures({ blue: arm({ requests: 10 }) }) };
const EXPERIMENT = {
  flag: "f",
  rolloutId: "r1",
  stage: "serve:25",
  answers: figures(),
  usage: { blue: variant(), green: variant() },
};
const error = (status: number, code: string, message: string, details?: unknown): Reply => ({
  status,
  body: { error: { code, message, details } },
});

describe("switchyard answers", () => {
  it("reads the window's answers and the current stage's usage, and prints them with --json as read", async () => {
    const h = cliHarness({
      "GET /flags/f/answers?minutes=15": { status: 200, body: REPORT },
      "GET /flags/f/experiment": { status: 200, body: EXPERIMENT },
    });
    expect(await run(["answers", "f", "--minutes", "15", "--json"], h.io)).toBe(EXIT.OK);
    expect(h.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      "GET /flags/f/answers?minutes=15",
      "GET /flags/f/experiment",
    ]);
    const { flag: _f, fromMs: _from, toMs: _to, ...answers } = REPORT;
    expect(JSON.parse(h.out())).toEqual({
      flag: "f",
      window: { fromMs: 0, toMs: 3_600_000 },
      rolloutId: "r1",
      stage: "serve:25",
      answers,
      usage: EXPERIMENT.usage,
      usageMissing: null,
    });
  });

  it("--stage reads one stage's experiment report only (25, 25% and serve:25 alike)", async () => {
    for (const stage of ["25", "25%", "serve:25"]) {
      const h = cliHarness({ "GET /flags/f/experiment?stage=serve%3A25": { status: 200, body: EXPERIMENT } });
      expect(await run(["answers", "f", "--stage", stage], h.io)).toBe(EXIT.OK);
      expect(h.seen).toHaveLength(1);
      expect(h.out()).toMatch(/^flag f: answers in rollout r1 stage serve:25\n/);
    }
  });

  it.each<[string, Reply, string]>([
    ["no rollout yet", error(404, "not_found", 'flag "f" has no rollout yet'), "no_rollout"],
    ["a shadow stage", error(409, "conflict", "shadow", { reason: "no_split_traffic" }), "no_split_traffic"],
    ["a 100 % stage", error(409, "conflict", "no control", { reason: "no_control_arm" }), "no_control_arm"],
    ["a flag that reads no usage", { status: 200, body: { ...EXPERIMENT, usage: null } }, "not_declared"],
  ])("without usage (%s) the answers still show, with the reason", async (_name, reply, reason) => {
    const routes = () => ({ "GET /flags/f/answers": { status: 200, body: REPORT }, "GET /flags/f/experiment": reply });
    const json = cliHarness(routes());
    expect(await run(["answers", "f", "--json"], json.io)).toBe(EXIT.OK);
    expect(JSON.parse(json.out())).toMatchObject({
      answers: { blue: { requests: 10 } },
      usage: null,
      usageMissing: { reason },
    });
    const human = cliHarness(routes());
    expect(await run(["answers", "f"], human.io)).toBe(EXIT.OK);
    expect(human.out()).toContain("\nANSWERS");
    expect(human.out()).toMatch(/\nusage: \S.*\n$/);
    expect(human.err()).toBe("");
  });

  it.each<[string, string[], Record<string, Reply>, number, string]>([
    [
      "the reader fails",
      ["answers", "f"],
      { "GET /flags/f/answers": error(500, "internal", "the metrics reader could not be read: boom") },
      EXIT.API,
      "switchyard: the switchyard API failed (HTTP 500: the metrics reader could not be read: boom); try again\n",
    ],
    ["no such flag", ["answers", "nope"], {}, EXIT.API, 'switchyard: flag "nope" not found (no route)\n'],
    [
      "the experiment report fails (not a missing usage)",
      ["answers", "f"],
      {
        "GET /flags/f/answers": { status: 200, body: REPORT },
        "GET /flags/f/experiment": error(503, "unavailable", ""),
      },
      EXIT.API,
      "switchyard: the switchyard API failed (HTTP 503); try again\n",
    ],
    [
      "--stage names a stage without a split",
      ["answers", "f", "--stage", "100"],
      {
        "GET /flags/f/experiment?stage=serve%3A100": error(
          409,
          "conflict",
          "stage serve:100 has no control arm to compare with",
          { reason: "no_control_arm" },
        ),
      },
      EXIT.CONFLICT,
      "switchyard: conflict: stage serve:100 has no control arm to compare with [no_control_arm]\n",
    ],
    [
      "a token without read scope",
      ["answers", "f"],
      { "GET /flags/f/answers": error(401, "unauthorized", "") },
      EXIT.AUTH,
      "switchyard: the token was refused: check SWITCHYARD_TOKEN (a syk_… API token)\n",
    ],
  ])("API error: %s", async (_name, argv, routes, code, message) => {
    const h = cliHarness(routes);
    expect(await run(argv, h.io)).toBe(code);
    expect(h.err()).toBe(message);
    expect(h.out()).toBe("");
    const json = cliHarness(routes);
    expect(await run([...argv, "--json"], json.io)).toBe(code);
    expect(JSON.parse(json.err())).toMatchObject({ error: { exitCode: code } });
  });

  it.each([
    [["answers"]],
    [["answers", "f", "g"]],
    [["answers", "f", "--stage", "shadow"]],
    [["answers", "f", "--stage", "serve:x"]],
    [["answers", "f", "--stage", "25", "--minutes", "5"]],
    [["answers", "f", "--minutes", "0"]],
    [["answers", "f", "--minutes", "10081"]],
  ])("usage error %j: exit 1, nothing sent", async (argv) => {
    const h = cliHarness({});
    expect(await run(argv, h.io)).toBe(EXIT.USAGE);
    expect(h.seen).toEqual([]);
  });
});
