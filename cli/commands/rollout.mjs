// `rollout start KEY [--plan shadow,5,25,50,100]`, `rollout status KEY
// [--watch]` and `rollout pause|resume|advance|rollback|promote KEY`.
// Every write reads first and sends If-Match with that ETag (flag ETag for
// start, rollout ETag for actions), so a concurrent change is a 412 the
// operator re-runs, never a blind overwrite. Decisions come from
// GET /flags/:key/decisions when the server has it, narrowed to the current
// rollout's own (rollout-scope) judgements so a previous rollout's last word
// never shows as this one's; a 404 there means "this server has no health
// loop endpoint" and status still works without it.
import { enc } from "../http.mjs";
import { intOption, parsePlan, PLAN_DEFAULTS } from "../args.mjs";
import { usageError } from "../errors.mjs";
import { formatRolloutAction, formatRolloutStatus } from "../format.mjs";

export const ROLLOUT_ACTIONS = ["pause", "resume", "advance", "rollback", "promote"];
const TERMINAL = new Set(["promoted", "rolled_back", "aborted"]);

export async function startRollout(ctx, key) {
  const body = {};
  if (ctx.options.plan !== undefined) {
    body.stages = parsePlan(ctx.options.plan, {
      minDurationSeconds: intOption(ctx.options, "min-duration", PLAN_DEFAULTS.minDurationSeconds, { min: 0 }),
      minSamples:
        ctx.options["min-samples"] === undefined ? undefined : intOption(ctx.options, "min-samples", 0, { min: 0 }),
    });
  } else if (ctx.options["min-duration"] !== undefined || ctx.options["min-samples"] !== undefined) {
    throw usageError(
      "--min-duration/--min-samples apply to --plan stages; without --plan the server's default plan is used",
    );
  }
  if (ctx.options.hold !== undefined) body.holdSeconds = intOption(ctx.options, "hold", 0, { min: 0 });
  const { etag } = await ctx.api.request("GET", `/flags/${enc(key)}`, { what: `flag "${key}"` });
  const { body: rollout } = await ctx.api.request("POST", `/flags/${enc(key)}/rollouts`, {
    body,
    ifMatch: etag,
    what: `flag "${key}"`,
  });
  return ctx.json ? ctx.printJson(rollout) : ctx.print(formatRolloutAction("started", rollout));
}

export async function rolloutAction(ctx, key, action) {
  const current = await ctx.api.request("GET", `/flags/${enc(key)}/rollouts/current`, {
    what: `rollout of flag "${key}"`,
  });
  const { body: rollout } = await ctx.api.request("POST", `/flags/${enc(key)}/rollouts/current/${action}`, {
    ifMatch: current.etag,
    what: `rollout of flag "${key}"`,
  });
  return ctx.json ? ctx.printJson(rollout) : ctx.print(formatRolloutAction(action, rollout));
}

/** One snapshot of everything `status` shows. */
export async function readStatus(api, key, now) {
  const { body: flag } = await api.request("GET", `/flags/${enc(key)}`, { what: `flag "${key}"` });
  const { body: rollout } = await api.request("GET", `/flags/${enc(key)}/rollouts/current`, { allow404: true });
  const query = new URLSearchParams({ limit: "1", scope: "rollout" });
  // With no rollout the call only tells whether the endpoint exists.
  if (rollout) query.set("rolloutId", rollout.id);
  const decisions = await api.request("GET", `/flags/${enc(key)}/decisions?${query}`, { allow404: true });
  const decisionsAvailable = decisions.status !== 404;
  return {
    flag,
    rollout,
    decision: rollout ? (decisions.body?.items?.[0] ?? null) : null,
    decisionsAvailable,
    nowMs: now(),
  };
}

const statusJson = ({ flag, rollout, decision, decisionsAvailable, nowMs }) => ({
  flag: { key: flag.key, version: flag.version, killSwitch: flag.killSwitch, killReason: flag.killReason },
  rollout,
  lastDecision: decision,
  decisionsAvailable,
  at: nowMs,
});

export async function rolloutStatus(ctx, key) {
  const watch = ctx.options.watch === true;
  const interval = intOption(ctx.options, "interval", 5, { max: 3600 });
  const count = intOption(ctx.options, "count", watch ? Infinity : 1);
  let previous = null;
  for (let poll = 1; ; poll++) {
    const status = await readStatus(ctx.api, key, ctx.now);
    if (ctx.json)
      ctx.printJson(statusJson(status)); // --watch --json: one JSON object per line
    else {
      const text = formatRolloutStatus(status);
      if (watch && ctx.isTTY) ctx.redraw(`${text}\n\n(refreshing every ${interval}s; Ctrl-C to stop)`);
      else if (text !== previous) ctx.print(watch ? `--- ${new Date(status.nowMs).toISOString()}\n${text}` : text);
      previous = text;
    }
    // A finished rollout will not change again: stop watching by itself.
    const finished = !status.rollout || TERMINAL.has(status.rollout.state);
    if (!watch || finished || poll >= count || ctx.stopped()) return;
    await ctx.sleep(interval * 1000);
    if (ctx.stopped()) return;
  }
}
