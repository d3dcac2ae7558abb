// Analytics Engine reads of what inspected answers predicted, per group, in
// the shape of core/health/metrics.ts PredictionGroup (the embedded twin is
// store/prediction-repo.ts). Two queries per read: label counts, and numbers
// as weighted deciles (quantileExactWeighted, as the latency quantiles) or
// as weighted counts per bin of the edges the caller gives. Measure only.
// Labels are listed per group up to MAX_PREDICTION_LABELS, the rest counted
// together; the query keeps at most LABEL_ROWS_LIMIT rows in all, which
// bounds the answer's size (a label is at most MAX_LABEL_CHARS).
import { DECILE_LEVELS, MAX_PREDICTION_LABELS, type PredictionGroup } from "../../core/health";
import type { MetricsWindow } from "../../ports";
import { GROUP_COLUMNS, IS_REQUEST, W, b, d, keyOf, num, sliceOf, whereOf, type Row } from "./ae-sql";

export const LABEL_ROWS_LIMIT = 10_000;

export function labelsQuery(window: MetricsWindow, dataset: string): string {
  const labeled = `${IS_REQUEST} AND ${b("predictedLabel")} != ''`;
  return (
    `SELECT ${GROUP_COLUMNS}, ${b("predictedLabel")} AS label, sum(${W}) AS n ` +
    whereOf(window, dataset, labeled, ", label", ` ORDER BY n DESC LIMIT ${LABEL_ROWS_LIMIT}`)
  );
}

const HAS_VALUE = `${IS_REQUEST} AND ${d("hasPredictedValue")} = 1`;

export function decilesQuery(window: MetricsWindow, dataset: string): string {
  const deciles = DECILE_LEVELS.map(
    (q, i) => `quantileExactWeighted(${q})(${d("predictedValue")}, ${W}) AS d${i}`,
  ).join(", ");
  return `SELECT ${GROUP_COLUMNS}, sum(${W}) AS n, ${deciles} ${whereOf(window, dataset, HAS_VALUE)}`;
}

/** Bin i holds values in (edges[i-1], edges[i]]; the first bin is open below, the last above. */
export function binsQuery(window: MetricsWindow, dataset: string, edges: readonly number[]): string {
  const value = d("predictedValue");
  const bins = Array.from({ length: edges.length + 1 }, (_, i) => {
    const conditions = [
      ...(i > 0 ? [`${value} > ${edges[i - 1]}`] : []),
      ...(i < edges.length ? [`${value} <= ${edges[i]}`] : []),
    ];
    return `sum(if(${conditions.length ? conditions.join(" AND ") : "1"}, ${W}, 0)) AS bin_${i}`;
  });
  return `SELECT ${GROUP_COLUMNS}, sum(${W}) AS n, ${bins.join(", ")} ${whereOf(window, dataset, HAS_VALUE)}`;
}

export async function readPredictions(
  query: (sql: string) => Promise<Row[]>,
  window: MetricsWindow,
  dataset: string,
  edges: number[] | null,
): Promise<PredictionGroup[]> {
  // Edges are numbers this process computed; a non-finite one would make invalid SQL.
  if (edges?.some((edge) => !Number.isFinite(edge))) throw new RangeError("prediction bin edges must be finite");
  const [labelRows, valueRows] = await Promise.all([
    query(labelsQuery(window, dataset)),
    query(edges === null ? decilesQuery(window, dataset) : binsQuery(window, dataset, edges)),
  ]);
  const groups = new Map<string, PredictionGroup>();
  const groupOf = (row: Row) => {
    const key = keyOf(row);
    let group = groups.get(key);
    if (!group)
      groups.set(key, (group = { ...sliceOf(row), labels: [], labeled: 0, values: 0, deciles: null, bins: null }));
    return group;
  };
  for (const row of labelRows) {
    const group = groupOf(row);
    const count = num(row.n);
    group.labeled += count;
    // Rows arrive largest first; ties are ordered by label so both readers list the same ones.
    group.labels.push({ label: String(row.label), count });
  }
  for (const group of groups.values()) {
    group.labels.sort((x, y) => y.count - x.count || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0));
    group.labels.length = Math.min(group.labels.length, MAX_PREDICTION_LABELS);
  }
  for (const row of valueRows) {
    const group = groupOf(row);
    group.values = num(row.n);
    if (edges === null) group.deciles = DECILE_LEVELS.map((_, i) => num(row[`d${i}`]));
    else group.bins = Array.from({ length: edges.length + 1 }, (_, i) => num(row[`bin_${i}`]));
  }
  return [...groups.values()];
}
