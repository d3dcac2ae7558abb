// Argument parsing for `switchyard`. Pure: argv in, { command, positionals,
// options } out, or a usage CliError. Accepts `--name value`, `--name=value`
// and boolean `--flag`; `--` ends options. Unknown options are errors (a
// typo must not silently run a different command).
import { usageError } from "./errors.mjs";

/** Every option the CLI knows: boolean or string-valued. */
export const OPTIONS = Object.freeze({
  json: "boolean",
  help: "boolean",
  watch: "boolean",
  url: "string",
  reason: "string",
  plan: "string",
  interval: "string",
  count: "string",
  limit: "string",
  chunk: "string",
  "min-duration": "string",
  "min-samples": "string",
  hold: "string",
  minutes: "string",
  stage: "string",
});

const SHORT = Object.freeze({ h: "help", w: "watch" });

export function parseArgv(argv) {
  const positionals = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name = null;
    let inline;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (/^-[a-z]$/.test(arg)) {
      name = SHORT[arg.slice(1)] ?? null;
      if (name === null) throw usageError(`unknown option ${arg}`);
    }
    if (name === null) {
      positionals.push(arg);
      continue;
    }
    const kind = OPTIONS[name];
    if (kind === undefined) throw usageError(`unknown option --${name}`);
    if (kind === "boolean") {
      if (inline !== undefined) throw usageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--")))
      throw usageError(`--${name} needs a value`);
    options[name] = value;
  }
  return { positionals, options };
}

/** A positive integer option, or the default; usage error otherwise. */
export function intOption(options, name, fallback, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
  const raw = options[name];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw usageError(`--${name} must be an integer from ${min} to ${max}`);
  return Number(raw);
}

/** Minimums per stage when --plan gives only percentages (the API's default plan uses the same). */
export const PLAN_DEFAULTS = Object.freeze({ minDurationSeconds: 600, shadowMinSamples: 200, serveMinSamples: 1000 });

/**
 * `shadow,5,25,50,100` → the API's stage list. Shape rules (shadow first,
 * non-decreasing, ending at 100) are the server's to enforce; this only
 * rejects what is not a stage at all.
 */
export function parsePlan(text, { minDurationSeconds = PLAN_DEFAULTS.minDurationSeconds, minSamples } = {}) {
  const parts = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (parts.length === 0) throw usageError("--plan needs stages, e.g. shadow,5,25,50,100");
  return parts.map((part) => {
    if (part.toLowerCase() === "shadow") {
      return {
        mode: "shadow",
        percent: 0,
        minDurationSeconds,
        minSamples: minSamples ?? PLAN_DEFAULTS.shadowMinSamples,
      };
    }
    const percent = Number(part.replace(/%$/, ""));
    if (!/^\d+(\.\d{1,3})?%?$/.test(part) || percent <= 0 || percent > 100)
      throw usageError(`--plan: "${part}" is neither "shadow" nor a percentage in (0, 100]`);
    return { mode: "serve", percent, minDurationSeconds, minSamples: minSamples ?? PLAN_DEFAULTS.serveMinSamples };
  });
}
