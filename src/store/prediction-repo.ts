// Embedded prediction reads: what inspected answers predicted, per group, over
// the D1 `outcomes` table, in the shape of core/health/metrics.ts
// PredictionGroup. Measure only — the drift guard judges.
// Labels: the MAX_PREDICTION_LABELS most frequent per group (ties by label),
// with the group's labelled total so the rest can be counted as one "other".
// Numbers: nearest-rank deciles (as the latency quantiles), or counts per bin
// of edges the caller gives (control's deciles). Many windows share one
// statement (outcome-windows.ts), as in metrics-repo.ts.
import { DECILE_LEVELS, MAX_PREDICTION_LABELS, type PredictionGroup } from "../core/health";
import type { Variant } from "../core/types";
import type { MetricsWindow } from "../ports";
import { GROUP, WHERE, WINDOWS, keyOf, kindOf, perWindow, rank, windowsJson, type GroupKey } from "./outcome-windows";

const REQUEST = "feedback_value IS NULL";

const LABELS = `WITH ${WINDOWS}, counted AS (
  SELECT ${GROUP}, predicted_label AS label, COUNT(*) AS n FROM w CROSS JOIN outcomes
  WHERE ${WHERE} AND ${REQUEST} AND predicted_label IS NOT NULL GROUP BY ${GROUP}, predicted_label),
ranked AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY ${GROUP} ORDER BY n DESC, label) AS r,
  SUM(n) OVER (PARTITION BY ${GROUP}) AS labeled FROM counted)
SELECT ${GROUP}, label, n, labeled FROM ranked WHERE r <= ${MAX_PREDICTION_LABELS}`;

const VALUE_ROWS = `FROM w CROSS JOIN outcomes WHERE ${WHERE} AND ${REQUEST} AND predicted_value IS NOT NULL`;

const DECILES = `WITH ${WINDOWS}, ranked AS (
  SELECT ${GROUP}, predicted_value AS v, ROW_NUMBER() OVER byValue AS k,
    COUNT(*) OVER (byValue ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n
  ${VALUE_ROWS} WINDOW byValue AS (PARTITION BY ${GROUP} ORDER BY predicted_value))
SELECT ${GROUP}, MAX(n) AS n${DECILE_LEVELS.map((q, i) => `, MIN(CASE WHEN ${rank(String(q))} THEN v END) AS d${i}`).join("")}
FROM ranked GROUP BY ${GROUP}`;

/**
 * Bin i holds values in (edge[i-1], edge[i]]; the first bin is open below and a
 * window's last bin above (its edge list may be shorter than `width`).
 */
function binsSql(width: number): string {
  const edge = (i: number) => `(w_t ->> '$[${i}]')`;
  const columns = Array.from({ length: width + 1 }, (_, i) => {
    const lower = i === 0 ? "1" : `${edge(i - 1)} IS NOT NULL AND predicted_value > ${edge(i - 1)}`;
    return `, SUM(CASE WHEN ${lower} AND (${edge(i)} IS NULL OR predicted_value <= ${edge(i)}) THEN 1 ELSE 0 END) AS bin_${i}`;
  });
  return `WITH ${WINDOWS} SELECT ${GROUP}, COUNT(*) AS n${columns.join("")} ${VALUE_ROWS} GROUP BY ${GROUP}`;
}

type Row = GroupKey & Record<string, unknown>;

/**
 * Predictions per group for each window (in order). `edges` null = deciles,
 * else counts per bin of those (ascending) edges. One round trip per kind of read.
 */
export async function readPredictionsMany(
  d1: D1Database,
  items: readonly { window: MetricsWindow; edges: number[] | null }[],
): Promise<PredictionGroup[][]> {
  if (items.length === 0) return [];
  const edgesOf = (item: (typeof items)[number]) => item.edges ?? [];
  const json = windowsJson(
    items.map((item) => item.window),
    items.map(edgesOf),
  );
  const width = Math.max(0, ...items.map((item) => edgesOf(item).length));
  const binned = items.some((item) => item.edges !== null);
  const statements = [d1.prepare(LABELS).bind(json), d1.prepare(DECILES).bind(json)];
  if (binned) statements.push(d1.prepare(binsSql(width)).bind(json));
  const [labels, deciles, bins] = (await d1.batch(statements)).map((result) => result.results as Row[]);
  const groups = new Map<string, PredictionGroup & { wi: number }>();
  const groupOf = (row: Row) => {
    const key = keyOf(row);
    let group = groups.get(key);
    if (!group)
      groups.set(
        key,
        (group = {
          wi: Number(row.wi),
          variant: row.variant as Variant,
          reason: row.reason,
          ruleId: row.rule_id ?? null,
          kind: kindOf(row.kind),
          labels: [],
          labeled: 0,
          values: 0,
          deciles: null,
          bins: null,
        }),
      );
    return group;
  };
  for (const row of labels!) {
    const group = groupOf(row);
    group.labels.push({ label: String(row.label), count: Number(row.n) });
    group.labeled = Number(row.labeled);
  }
  for (const row of deciles!) {
    const group = groupOf(row);
    group.values = Number(row.n);
    if (items[group.wi]!.edges === null) group.deciles = DECILE_LEVELS.map((_, i) => Number(row[`d${i}`]));
  }
  for (const row of bins ?? []) {
    const group = groupOf(row);
    const edges = items[group.wi]!.edges;
    if (edges !== null) group.bins = Array.from({ length: edges.length + 1 }, (_, i) => Number(row[`bin_${i}`] ?? 0));
  }
  const out = perWindow<PredictionGroup>(items.length);
  for (const { wi, ...group } of groups.values()) out[wi]!.push(group);
  return out;
}
