// `switchyard` CLI entry logic: parse, dispatch, print, exit code. All I/O
// comes in through `io` (env, fetch, stdout/stderr writers, file reading,
// clock, sleep) so tests can run a command in-process; bin/switchyard.mjs
// wires the real process. Returns the exit code; never calls process.exit.
import { parseArgv } from "./args.mjs";
import { CliError, errorJson, EXIT, usageError } from "./errors.mjs";
import { configFrom, createApi } from "./http.mjs";
import { showAnswers } from "./commands/answers.mjs";
import { audit, flagShow, flagsList } from "./commands/flags.mjs";
import { setKill } from "./commands/kill.mjs";
import { importOverrides } from "./commands/overrides.mjs";
import { ROLLOUT_ACTIONS, rolloutAction, rolloutStatus, startRollout } from "./commands/rollout.mjs";

export const USAGE = `switchyard — operate switchyard flags and rollouts from a terminal

usage: switchyard <command> [options]

  flags list                              all flags
  flag show KEY                           one flag and its rollout
  kill KEY --reason R                     kill switch ON: everything to blue
  unkill KEY --reason R                   kill switch off
  rollout start KEY [--plan shadow,5,25,50,100] [--min-duration S] [--min-samples N] [--hold S]
  rollout status KEY [--watch] [--interval S] [--count N]
  rollout pause|resume|advance|rollback|promote KEY
  answers KEY [--minutes N | --stage serve:P]
                                          blue vs green answers (invalid share, predictions,
                                          drift) and usage (tokens, cost per request, green/blue)
  overrides import KEY file.csv [--chunk N]    CSV lines: unitKey,variant
  audit KEY [--limit N]                   audit log of a flag, newest first

options: --json (machine output on stdout; errors as JSON on stderr)
         --url URL (instead of SWITCHYARD_URL)   -h, --help
environment: SWITCHYARD_URL (the Worker, e.g. http://127.0.0.1:8787), SWITCHYARD_TOKEN (syk_… API token)
exit codes: 0 ok, 1 usage or input file, 2 API error or unreachable, 3 conflict or
            precondition (409/412/428: re-run), 4 auth (401/403)`;

function need(positionals, count, usage) {
  if (positionals.length < count || positionals.slice(0, count).some((p) => !p))
    throw usageError(`usage: switchyard ${usage}`);
  if (positionals.length > count)
    throw usageError(`unexpected argument "${positionals[count]}"; usage: switchyard ${usage}`);
  return positionals;
}

async function dispatch(ctx, words) {
  const [command, sub, ...rest] = words;
  const joined = `${command ?? ""} ${sub ?? ""}`.trim();
  switch (command) {
    case "flags":
      need([sub], 1, "flags list");
      if (sub !== "list" || rest.length > 0) throw usageError("usage: switchyard flags list");
      return flagsList(ctx);
    case "flag":
      if (sub !== "show") throw usageError("usage: switchyard flag show KEY");
      return flagShow(ctx, need(rest, 1, "flag show KEY")[0]);
    case "kill":
    case "unkill":
      return setKill(
        ctx,
        need(
          [sub, ...rest].filter((w) => w !== undefined),
          1,
          `${command} KEY --reason R`,
        )[0],
        command === "kill",
      );
    case "rollout": {
      const usage = `rollout ${sub ?? "start|status|pause|resume|advance|rollback|promote"} KEY`;
      const [key] = need(rest, 1, usage);
      if (sub === "start") return startRollout(ctx, key);
      if (sub === "status") return rolloutStatus(ctx, key);
      if (ROLLOUT_ACTIONS.includes(sub)) return rolloutAction(ctx, key, sub);
      throw usageError(`unknown rollout command "${sub ?? ""}"; one of start, status, ${ROLLOUT_ACTIONS.join(", ")}`);
    }
    case "overrides": {
      if (sub !== "import") throw usageError("usage: switchyard overrides import KEY file.csv");
      const [key, file] = need(rest, 2, "overrides import KEY file.csv");
      return importOverrides(ctx, key, file);
    }
    case "answers":
      return showAnswers(
        ctx,
        need(
          [sub, ...rest].filter((w) => w !== undefined),
          1,
          "answers KEY [--minutes N | --stage serve:P]",
        )[0],
      );
    case "audit":
      return audit(
        ctx,
        need(
          [sub, ...rest].filter((w) => w !== undefined),
          1,
          "audit KEY",
        )[0],
      );
    default:
      throw usageError(`unknown command "${joined}"\n\n${USAGE}`);
  }
}

/**
 * @param {string[]} argv arguments after the program name
 * @param {{ env: Record<string,string|undefined>, fetch: typeof fetch, stdout: (s: string) => void, stderr: (s: string) => void,
 *           isTTY: boolean, readFile: (p: string) => Promise<string>, now: () => number, sleep: (ms: number) => Promise<void>,
 *           stopped?: () => boolean }} io
 */
export async function run(argv, io) {
  let json = argv.includes("--json");
  try {
    const { positionals, options } = parseArgv(argv);
    json = options.json === true;
    if (options.help || positionals.length === 0) {
      io.stdout(`${USAGE}\n`);
      return positionals.length === 0 && !options.help ? EXIT.USAGE : EXIT.OK;
    }
    const api = createApi(configFrom(io.env, { url: options.url }), io.fetch);
    const ctx = {
      api,
      options,
      json,
      isTTY: io.isTTY,
      now: io.now,
      sleep: io.sleep,
      readFile: io.readFile,
      stopped: io.stopped ?? (() => false),
      print: (text) => io.stdout(`${text}\n`),
      printJson: (value) => io.stdout(`${JSON.stringify(value)}\n`),
      // Clear the screen and draw again (watch mode on a terminal).
      redraw: (text) => io.stdout(`\x1b[H\x1b[2J${text}\n`),
      // One self-overwriting status line on stderr; null ends it.
      progress: (text) => io.stderr(text === null ? "\n" : `\r${text}`),
    };
    await dispatch(ctx, positionals);
    return EXIT.OK;
  } catch (error) {
    const failure =
      error instanceof CliError
        ? error
        : new CliError(`unexpected error: ${error?.message ?? error}`, EXIT.API, { code: "internal" });
    io.stderr(json ? `${JSON.stringify(errorJson(failure))}\n` : `switchyard: ${failure.message}\n`);
    return failure.exitCode;
  }
}
