// Human output for the CLI. Pure: data in, strings out (no colour codes, no
// I/O), so the same text works in a terminal, a pipe and a test. Blue and
// green are always named, never only coloured. The `answers` screen lives in
// format-answers.mjs; numbers and their units in units.mjs.
import { formatMs, formatP, formatShare, formatTokens, formatUsd, formatValue, MISSING } from "./units.mjs";

/** Left-aligned columns; `columns` = [header, row => cell]. */
export function table(rows, columns) {
  const cells = rows.map((row) => columns.map(([, cell]) => String(cell(row) ?? "")));
  const widths = columns.map(([header], i) => Math.max(header.length, ...cells.map((row) => row[i].length)));
  const line = (values) =>
    values
      .map((value, i) => value.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(columns.map(([header]) => header)), ...cells.map(line)].join("\n");
}

export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const when = (ms) => (typeof ms === "number" ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z") : "-");

export function progressBar(done, total, width = 30) {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total}`;
}

const routeOf = (flag) =>
  `${flag.route?.method ?? "?"} ${flag.route?.path ?? "?"}${flag.route?.host ? ` (${flag.route.host})` : ""}`;
const killOf = (flag) => (flag.killSwitch ? "KILLED" : "-");

export function formatFlagList(items) {
  if (items.length === 0) return "no flags";
  return table(items, [
    ["KEY", (f) => f.key],
    ["ROUTE", routeOf],
    ["KILL", killOf],
    ["VERSION", (f) => f.version],
    ["UPDATED", (f) => when(f.updatedAt)],
  ]);
}

const stageName = (stage) => (stage?.mode === "shadow" ? "shadow" : `${stage?.percent}%`);

/** `shadow > 5% > [25%] > 50% > 100%`, the current stage bracketed. */
export function formatPlan(rollout) {
  return (rollout.stages ?? [])
    .map((stage, i) => (i === rollout.stageIndex ? `[${stageName(stage)}]` : stageName(stage)))
    .join(" > ");
}

export function formatFlag(flag, rollout) {
  const lines = [
    `flag ${flag.key} (version ${flag.version})`,
    `  route      ${routeOf(flag)}`,
    `  blue       ${flag.origins?.blue?.url ?? `service:${flag.origins?.blue?.service}`}`,
    `  green      ${flag.origins?.green?.url ?? `service:${flag.origins?.green?.service}`}`,
    `  unit key   ${flag.unitKey?.source} ${flag.unitKey?.name}`,
    `  kill       ${flag.killSwitch ? `ON (everything to blue): ${flag.killReason ?? ""}` : "off"}`,
  ];
  if (flag.description) lines.splice(1, 0, `  about      ${flag.description}`);
  lines.push(rollout ? `  rollout    ${rollout.id} ${rollout.state}: ${formatPlan(rollout)}` : "  rollout    none");
  return lines.join("\n");
}

const psi = (value) => (value === null ? MISSING : `PSI ${formatValue(value)}`);

/** Each guard's figures (green, control, limit) in its own unit; a guard not listed prints as a plain number. */
export const GUARD_UNITS = new Map([
  ["cap_error_rate", formatShare],
  ["error_rate", formatShare],
  ["timeout_rate", formatShare],
  ["shadow_agreement", formatShare],
  ["feedback", formatShare],
  ["invalid_rate", formatShare],
  ["cap_latency_p99", formatMs],
  ["latency_p95", formatMs],
  ["ttfb_p95", formatMs],
  ["prediction_drift", psi],
  ["cost_per_request", formatUsd],
  ["output_tokens", formatTokens],
]);

/** A decision's guard figures: one row per judged guard, then the guards that are off on one line. */
export function formatGuards(guards) {
  const judged = guards.filter((g) => g.status !== "off");
  const unit = (g) => GUARD_UNITS.get(g.guard) ?? formatValue;
  const lines =
    judged.length === 0
      ? ["none judged"]
      : table(judged, [
          ["GUARD", (g) => g.guard],
          ["STATUS", (g) => g.status],
          ["GREEN", (g) => unit(g)(g.green)],
          ["CONTROL", (g) => unit(g)(g.control)],
          ["LIMIT", (g) => unit(g)(g.threshold)],
          ["P", (g) => formatP(g.pValue)],
        ]).split("\n");
  const off = guards.filter((g) => g.status === "off").map((g) => g.guard);
  if (off.length > 0) lines.push(`off: ${off.join(", ")}`);
  return lines;
}

/** The `rollout status` screen: plan with progress, stage clock, last decision and its guard figures. */
export function formatRolloutStatus({ flag, rollout, decision, decisionsAvailable, nowMs }) {
  if (!rollout) return `flag ${flag.key}: no rollout${flag.killSwitch ? " (kill switch ON: everything to blue)" : ""}`;
  const stage = rollout.stage ?? rollout.stages?.[rollout.stageIndex];
  const green = stage?.mode === "serve" ? stage.percent : 0;
  const elapsed = typeof rollout.stageStartedAt === "number" ? nowMs - rollout.stageStartedAt : NaN;
  const needMs = (stage?.minDurationSeconds ?? 0) * 1000;
  const lines = [
    `flag ${flag.key}  rollout ${rollout.id}  ${rollout.state.toUpperCase()}${flag.killSwitch ? "  (kill switch ON: everything to blue)" : ""}`,
    `  plan       ${formatPlan(rollout)}`,
    `  stage      ${rollout.stageIndex + 1}/${rollout.stages?.length ?? "?"} ${stage?.mode === "shadow" ? "shadow (green mirrored, 0 % served)" : `green ${green} % / blue ${100 - green} %`}`,
    `  in stage   ${formatDuration(elapsed)} of at least ${formatDuration(needMs)}, ≥ ${stage?.minSamples ?? "?"} samples`,
    `             ${progressBar((Math.max(0, Math.min(elapsed, needMs)) / 1000) | 0, (needMs / 1000) | 0, 24)} (time)`,
  ];
  if (!decisionsAvailable) lines.push("  decision   (no health decisions endpoint on this server)");
  else if (!decision) lines.push("  decision   none yet");
  else
    lines.push(
      `  decision   ${decision.action} at ${when(decision.at)}${decision.reason ? `: ${decision.reason}` : ""}${decision.applied === false ? " (not applied)" : ""}`,
    );
  const guards = decision?.figures?.guards ?? [];
  if (guards.length > 0)
    lines.push(...formatGuards(guards).map((line, i) => `${i === 0 ? "  guards     " : "             "}${line}`));
  return lines.join("\n");
}

export function formatAudit(items) {
  if (items.length === 0) return "no audit entries";
  return table(items, [
    ["WHEN", (a) => when(a.at)],
    ["ACTOR", (a) => a.actor],
    ["ACTION", (a) => a.action],
    ["RESOURCE", (a) => `${a.resource?.type}:${a.resource?.id}`],
    ["REASON", (a) => a.after?.reason ?? ""],
  ]);
}

export function formatRolloutAction(action, rollout) {
  return `rollout ${rollout.id} ${action}: now ${rollout.state}, ${formatPlan(rollout)}`;
}
