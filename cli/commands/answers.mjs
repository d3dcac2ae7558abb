// `answers KEY [--minutes N | --stage serve:P]` (read scope): what blue and
// green answered and what their answers cost, side by side.
// - Without --stage: the answer figures over the last --minutes (GET
//   /flags/:key/answers; the server's default window when not given) and the
//   usage of the latest rollout's current stage (GET /flags/:key/experiment).
//   Usage is a per-stage figure, so a flag without a rollout, or in a stage
//   without a blue/green split (shadow, 100 %), still shows its answers and
//   says why there is no usage: those 404/409s are a note, not a failure.
// - With --stage: both from the experiment report of that stage, whose
//   errors are then the command's own (exit codes from errors.mjs).
// --json prints { flag, window, rolloutId, stage, answers, usage, usageMissing }:
// `answers` and `usage` are the API's objects, `usageMissing` names why usage
// is null ({ reason, message }, reasons in USAGE_MISSING).
import { enc } from "../http.mjs";
import { intOption } from "../args.mjs";
import { CliError, usageError } from "../errors.mjs";
import { formatAnswers } from "../format-answers.mjs";

/** The API's cap on the answers window (a week). */
export const ANSWERS_MAX_MINUTES = 7 * 24 * 60;

/** Why a report has no usage section; the message is what the human output prints after "usage: ". */
export const USAGE_MISSING = Object.freeze({
  not_declared: "not read (the flag declares no settings.response.usage)",
  no_rollout: "none (usage is reported per rollout stage, and the flag has no rollout yet)",
  no_split_traffic: "none yet (the rollout is in its shadow stage: nobody is served green)",
  no_control_arm:
    "none for this stage (it serves everyone green: no blue to compare with); pass --stage serve:P for an earlier one",
});

/** "25", "25%" or "serve:25" → "serve:25", the label outcomes carry; anything else is a usage error. */
export function stageOption(text) {
  const match = /^(?:serve:)?(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  if (!match)
    throw usageError(
      `--stage must be a serving stage such as serve:25 (shadow has no blue/green split); got "${text}"`,
    );
  return `serve:${Number(match[1])}`;
}

/** A 404 (no rollout) or a 409 that names a stage without a split means "no usage here", not a failure. */
function usageGapOf(error) {
  if (!(error instanceof CliError)) return null;
  if (error.status === 404) return "no_rollout";
  const reason = error.status === 409 ? error.details?.reason : undefined;
  return reason === "no_split_traffic" || reason === "no_control_arm" ? reason : null;
}

const missing = (reason) => ({ reason, message: USAGE_MISSING[reason] });

async function readExperiment(api, key, stage) {
  const query = stage === null ? "" : `?stage=${enc(stage)}`;
  const { body } = await api.request("GET", `/flags/${enc(key)}/experiment${query}`, {
    what: `rollout of flag "${key}"`,
  });
  return body;
}

/** Everything the command shows, from one or two API reads. */
export async function readAnswers(api, key, { minutes, stage }) {
  let window = null;
  let answers;
  let experiment = null;
  let usageMissing = null;
  if (stage !== null) {
    experiment = await readExperiment(api, key, stage);
    answers = experiment.answers;
  } else {
    const query = minutes === undefined ? "" : `?minutes=${minutes}`;
    const { body } = await api.request("GET", `/flags/${enc(key)}/answers${query}`, { what: `flag "${key}"` });
    const { flag: _flag, fromMs, toMs, ...figures } = body;
    window = { fromMs, toMs };
    answers = figures;
    try {
      experiment = await readExperiment(api, key, null);
    } catch (error) {
      const gap = usageGapOf(error);
      if (gap === null) throw error;
      usageMissing = missing(gap);
    }
  }
  const usage = experiment?.usage ?? null;
  if (experiment !== null && usage === null) usageMissing = missing("not_declared");
  return {
    flag: key,
    window,
    rolloutId: experiment?.rolloutId ?? null,
    stage: experiment?.stage ?? null,
    answers,
    usage,
    usageMissing,
  };
}

export async function showAnswers(ctx, key) {
  const stage = ctx.options.stage === undefined ? null : stageOption(ctx.options.stage);
  if (stage !== null && ctx.options.minutes !== undefined)
    throw usageError("--minutes sets the window of the answers report; --stage reads a whole stage instead: not both");
  const minutes =
    ctx.options.minutes === undefined ? undefined : intOption(ctx.options, "minutes", 60, { max: ANSWERS_MAX_MINUTES });
  const view = await readAnswers(ctx.api, key, { minutes, stage });
  return ctx.json ? ctx.printJson(view) : ctx.print(formatAnswers(view));
}
