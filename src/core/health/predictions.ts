// From what the readers measured (PredictionGroup per slice) to the counts
// the prediction_drift guard compares: control's and green's predictions
// over the same categories (docs/design/answer-checks.md).
// - Labels: every label either arm lists, plus one "other" for the rest.
// - Numbers: bins cut at control's deciles (distinct cut points only), so
//   control spreads about evenly and PSI/KS read as usual.
// Which kind a flag predicts is read from control: whichever it has more of.
// Pure: no I/O.
import type { CategoryCounts } from "../stats";
import { inScope, type HealthScope, type PredictionGroup } from "./metrics";
import type { OutcomeKind } from "../outcome";
import type { Variant } from "../types";

/** One arm's predictions, summed over the groups in scope. */
export interface PredictionArm {
  labels: Map<string, number>;
  labeled: number;
  values: number;
  /** From the arm's largest group (quantiles cannot be merged from aggregates). */
  deciles: number[] | null;
  bins: number[] | null;
}

export const OTHER_LABELS = "(other)";

export function predictionArmOf(
  groups: readonly PredictionGroup[],
  variant: Variant,
  scope: HealthScope,
  kind: OutcomeKind = "served",
): PredictionArm {
  const arm: PredictionArm = { labels: new Map(), labeled: 0, values: 0, deciles: null, bins: null };
  let largestValues = -1;
  for (const group of groups) {
    if (group.variant !== variant || group.kind !== kind || !inScope(group, scope)) continue;
    for (const { label, count } of group.labels) arm.labels.set(label, (arm.labels.get(label) ?? 0) + count);
    arm.labeled += group.labeled;
    arm.values += group.values;
    if (group.values > largestValues && group.deciles) {
      largestValues = group.values;
      arm.deciles = group.deciles;
    }
    if (group.bins) arm.bins = arm.bins ? arm.bins.map((n, i) => n + (group.bins![i] ?? 0)) : [...group.bins];
  }
  return arm;
}

/** Predictions are numbers when control has more numeric than labelled ones. */
export const predictsNumbers = (control: PredictionArm): boolean => control.values > control.labeled;

/** Distinct ascending cut points from control's deciles; empty when control has no numbers. */
export function binEdges(control: PredictionArm): number[] {
  const cuts = (control.deciles ?? []).filter((x) => Number.isFinite(x));
  return [...new Set(cuts)].sort((a, b) => a - b);
}

export interface DriftCounts extends CategoryCounts {
  /** Category names, in the order of the counts: labels, or bin ranges such as "(0.2, 0.4]". */
  categories: string[];
}

/** Labels of both arms over the union of listed labels, with one category for the rest of each. */
export function labelCounts(control: PredictionArm, green: PredictionArm): DriftCounts {
  const categories = [...new Set([...control.labels.keys(), ...green.labels.keys()])].sort();
  const countsOf = (arm: PredictionArm) => categories.map((label) => arm.labels.get(label) ?? 0);
  const c = countsOf(control);
  const g = countsOf(green);
  const rest = (arm: PredictionArm, listed: number[]) => Math.max(0, arm.labeled - listed.reduce((a, b) => a + b, 0));
  const restControl = rest(control, c);
  const restGreen = rest(green, g);
  if (restControl > 0 || restGreen > 0) {
    categories.push(OTHER_LABELS);
    c.push(restControl);
    g.push(restGreen);
  }
  return { categories, control: c, green: g };
}

/** Numbers of both arms counted in the bins of `edges` (both arms read with the same edges). */
export function valueCounts(
  edges: readonly number[],
  control: PredictionArm,
  green: PredictionArm,
): DriftCounts | null {
  if (!control.bins || !green.bins) return null;
  return { categories: binCategories(edges), control: control.bins, green: green.bins };
}

/** Names of the bins of ascending `edges`: "≤ e0", "(e0, e1]", …, "> eLast". */
export function binCategories(edges: readonly number[]): string[] {
  return Array.from({ length: edges.length + 1 }, (_, i) =>
    i === 0 ? `≤ ${edges[0] ?? "∞"}` : i === edges.length ? `> ${edges[i - 1]}` : `(${edges[i - 1]}, ${edges[i]}]`,
  );
}
