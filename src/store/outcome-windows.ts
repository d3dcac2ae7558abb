// The SQL every embedded read of the D1 `outcomes` table shares (health
// metrics in metrics-repo.ts, predictions in prediction-repo.ts): how a list
// of windows is passed, which rows count as requests of a window, the group
// key (variant, reason, rule, kind) and the nearest-rank test. One home, so
// the health figures and the prediction figures can never count different
// rows. Builds SQL and reads group keys only; no I/O, no judging. Any number
// of windows is one statement, so one round trip (docs/design/health-loop.md).
import type { OutcomeKind } from "../core/outcome";
import type { MetricsWindow } from "../ports";
import { CLIENT_ABORTED } from "../core/outcome";
import { DECISION_ONLY_STAGE_PREFIX } from "../core/stage-label";
import { SHADOW_SKIP_REASONS } from "../core/shadow/report";

// Many windows are measured in ONE statement: they arrive as a JSON array
// (?1) and are joined against `outcomes`, one window row at a time (CROSS JOIN
// keeps the window list as the outer loop, so each window is an index range
// scan on outcomes_flag_ts). `wi` is the window's position in the array;
// `w_any` = 1 keeps rows of any rollout or none (MetricsWindow.rolloutId).
export const WINDOWS = `w AS MATERIALIZED (SELECT key AS wi, value ->> '$[0]' AS w_flag, value ->> '$[1]' AS w_from, value ->> '$[2]' AS w_to,
  value ->> '$[3]' AS w_rollout, value ->> '$[4]' AS w_stage, value -> '$[5]' AS w_t, value ->> '$[6]' AS w_any FROM json_each(?1))`;
// Decision-only rows (OFREP) never count toward health: they had no origin call.
// Client-aborted rows (core/outcome.ts) are not requests either.
// Skipped shadow pairs (green never called) would count as green samples with latency 0.
const SKIPPED = SHADOW_SKIP_REASONS.map((reason) => `'${reason}'`).join(", ");
// A client that went away before the body ended says nothing about either variant: not a request.
export const WHERE = `flag_key = w_flag AND ts >= w_from AND ts < w_to AND (w_any = 1 OR rollout_id IS w_rollout) AND (w_stage IS NULL OR stage = w_stage) AND stage NOT LIKE '${DECISION_ONLY_STAGE_PREFIX}%'
  AND NOT (kind = 'shadow' AND comparator_reason IN (${SKIPPED})) AND error_class IS NOT '${CLIENT_ABORTED}'`;
export const GROUP = "wi, variant, reason, rule_id, kind";

// Nearest rank q is the one row with n·q ≤ k < n·q + 1 (the smallest k ≥ n·q).
export const rank = (q: string) => `(k >= n * ${q} AND k < n * ${q} + 1)`;

export interface GroupKey {
  wi: number;
  variant: string;
  reason: string;
  rule_id: string | null;
  kind: string;
}

export const keyOf = (row: GroupKey) => `${row.wi}|${row.variant}|${row.reason}|${row.rule_id ?? ""}|${row.kind}`;
export const kindOf = (value: unknown) => (value === "shadow" ? "shadow" : "served") as OutcomeKind;
/** Non-finite thresholds travel as null (JSON has no Infinity) and count 0. */
export const windowsJson = (windows: readonly MetricsWindow[], thresholds?: readonly number[][]) =>
  JSON.stringify(
    windows.map((w, i) => [
      w.flagKey,
      w.fromMs,
      w.toMs,
      typeof w.rolloutId === "object" ? null : w.rolloutId,
      w.stage,
      (thresholds?.[i] ?? []).map((t) => (Number.isFinite(t) ? t : null)),
      typeof w.rolloutId === "object" && w.rolloutId !== null ? 1 : 0,
    ]),
  );
export const perWindow = <T>(count: number) => Array.from({ length: count }, () => [] as T[]);
