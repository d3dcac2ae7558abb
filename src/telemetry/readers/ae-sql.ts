// Analytics Engine SQL pieces shared by the reader's queries
// (analytics-engine.ts, analytics-engine-predictions.ts): column names from
// the one data-point layout, the window filter every query applies, string
// literals, and parsing of AE's JSON rows into group slices. No HTTP here.
import type { OutcomeKind } from "../../core/outcome";
import type { Variant } from "../../core/types";
import { CLIENT_ABORTED } from "../../core/outcome";
import { DECISION_ONLY_STAGE_PREFIX } from "../../core/stage-label";
import { SHADOW_SKIP_REASONS } from "../../core/shadow/report";
import type { MetricsWindow } from "../../ports";
import { BLOB, DOUBLE, NO_VALUE, column } from "../outcome-layout";
import { MetricsReadError } from "./metrics-read-error";

export const b = (name: keyof typeof BLOB) => column("blob", BLOB[name]);
export const d = (name: keyof typeof DOUBLE) => column("double", DOUBLE[name]);
export const IS_REQUEST = `${d("feedbackValue")} = ${NO_VALUE}`;
export const IS_FEEDBACK = `${d("feedbackValue")} != ${NO_VALUE}`;
export const W = "_sample_interval";

/** AE SQL string literal: quotes and backslashes escaped; control characters refused. */
export function sqlString(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f]/.test(value))
    throw new MetricsReadError("bad_response", "refusing a control character in a query literal");
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** FROM … WHERE … GROUP BY the slice (plus `groupExtra`) … FORMAT JSON; `tail` goes before FORMAT (ORDER BY, LIMIT). */
export function whereOf(
  window: MetricsWindow,
  dataset: string,
  extra: string | null,
  groupExtra = "",
  tail = "",
): string {
  // No rollout is stored as ""; `{ any: true }` keeps rows of any rollout or none.
  const anyRollout = typeof window.rolloutId === "object" && window.rolloutId !== null;
  const conditions = [
    `index1 = ${sqlString(window.flagKey)}`,
    ...(anyRollout
      ? []
      : [`${b("rolloutId")} = ${sqlString(typeof window.rolloutId === "string" ? window.rolloutId : "")}`]),
    `timestamp >= toDateTime(${Math.floor(window.fromMs / 1000)})`,
    `timestamp < toDateTime(${Math.ceil(window.toMs / 1000)})`,
  ];
  if (window.stage !== null) conditions.push(`${b("stage")} = ${sqlString(window.stage)}`);
  // Decision-only points (OFREP) had no origin call and never count toward health.
  conditions.push(`NOT startsWith(${b("stage")}, ${sqlString(DECISION_ONLY_STAGE_PREFIX)})`);
  // Skipped shadow pairs (green never called) carry no latency or error figures.
  conditions.push(
    `NOT (${b("kind")} = 'shadow' AND ${b("comparatorReason")} IN (${SHADOW_SKIP_REASONS.map(sqlString).join(", ")}))`,
  );
  // A client that went away before the body ended says nothing about either variant: not a request.
  conditions.push(`${b("errorClass")} != ${sqlString(CLIENT_ABORTED)}`);
  if (extra) conditions.push(extra);
  return `FROM ${dataset} WHERE ${conditions.join(" AND ")} GROUP BY variant, reason, rule, kind${groupExtra}${tail} FORMAT JSON`;
}

export const GROUP_COLUMNS = `${b("variant")} AS variant, ${b("reason")} AS reason, ${b("rule")} AS rule, ${b("kind")} AS kind`;

export type Row = Record<string, unknown>;
export const num = (value: unknown): number => {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
};
export const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined || value === "" ? null : Number.isFinite(Number(value)) ? Number(value) : null;
export const keyOf = (row: Row) => `${row.variant}|${row.reason}|${row.rule}|${row.kind}`;
// Points written before the kind blob existed read as "": they were served requests.
export const sliceOf = (row: Row) => ({
  variant: String(row.variant) as Variant,
  reason: String(row.reason),
  ruleId: row.rule ? String(row.rule) : null,
  kind: (row.kind === "shadow" ? "shadow" : "served") as OutcomeKind,
});
