// The `answers` screen: what blue and green answered (the admin API's answer
// figures) and what their answers cost (the experiment report's usage), side
// by side with green ÷ blue. Pure: the command's view in, text out; no I/O,
// no colour. A figure that does not apply says why ("no contract", "not
// read") instead of printing 0; statistics are labelled as fixed-sample,
// because the health loop's guards, not these figures, decide a rollout.
import { table } from "./format.mjs";
import {
  formatCount,
  formatMs,
  formatP,
  formatRatio,
  formatShare,
  formatTokens,
  formatUsd,
  formatValue,
  MISSING,
  ratioOf,
} from "./units.mjs";

/** Labels shown per flag (by the larger share in either arm); the rest of each arm is one "(other)" row. */
export const LABELS_SHOWN = 5;
/** Deciles shown for numeric predictions: levels 0.1, 0.5 and 0.9. */
const DECILES_SHOWN = [
  ["p10", 0],
  ["p50", 4],
  ["p90", 8],
];

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Rows of [figure, blue, green, green ÷ blue]; a null ratio prints blank. */
const sideBySide = (title, rows) =>
  table(rows, [
    [title, (r) => r[0]],
    ["BLUE", (r) => r[1]],
    ["GREEN", (r) => r[2]],
    ["GREEN/BLUE", (r) => (r[3] === undefined ? "" : formatRatio(r[3]))],
  ]);

function invalidCell(arm, schema) {
  // Answers inspected for a prediction path alone cannot be invalid: without a schema the share means nothing.
  if (!schema) return "no contract";
  if (arm.inspected === 0) return "none inspected";
  return `${formatShare(arm.invalidRate)} (${formatCount(arm.invalid)})`;
}

/** Top labels of both arms by the larger share, then each arm's remainder as "(other)". */
function labelRows(blue, green) {
  const share = (arm, count) => (arm.labeled > 0 ? count / arm.labeled : null);
  const counts = (arm) => new Map(arm.labels.map(({ label, count }) => [label, count]));
  const b = counts(blue);
  const g = counts(green);
  const top = [...new Set([...b.keys(), ...g.keys()])]
    .map((label) => ({
      label,
      weight: Math.max(share(blue, b.get(label) ?? 0) ?? 0, share(green, g.get(label) ?? 0) ?? 0),
    }))
    .sort((x, y) => y.weight - x.weight || x.label.localeCompare(y.label))
    .slice(0, LABELS_SHOWN)
    .map(({ label }) => label);
  const rows = top.map((label) => {
    const sb = share(blue, b.get(label) ?? 0);
    const sg = share(green, g.get(label) ?? 0);
    return [`label ${label}`, formatShare(sb, 1), formatShare(sg, 1), ratioOf(sg, sb)];
  });
  const rest = (arm, shown) => arm.labeled - top.reduce((sum, label) => sum + (shown.get(label) ?? 0), 0);
  const restBlue = rest(blue, b);
  const restGreen = rest(green, g);
  if (restBlue > 0.5 || restGreen > 0.5)
    rows.push(["label (other)", formatShare(share(blue, restBlue), 1), formatShare(share(green, restGreen), 1)]);
  return rows;
}

function predictionRows(figures) {
  const { blue, green, contract } = figures;
  if (blue.labeled + blue.values + green.labeled + green.values === 0)
    return [["predictions", contract.prediction === null ? "no prediction path" : "none yet", ""]];
  // The kind is read from blue, as the drift guard does; from green while blue has predicted nothing.
  const reference = blue.labeled + blue.values > 0 ? blue : green;
  if (reference.values <= reference.labeled)
    return [["labelled", formatCount(blue.labeled), formatCount(green.labeled)], ...labelRows(blue, green)];
  return [
    ["numbers", formatCount(blue.values), formatCount(green.values)],
    ...DECILES_SHOWN.map(([name, i]) => {
      const vb = blue.deciles?.[i] ?? null;
      const vg = green.deciles?.[i] ?? null;
      return [`predicted ${name}`, formatValue(vb), formatValue(vg), ratioOf(vg, vb)];
    }),
  ];
}

function driftLine(figures) {
  const d = figures.drift;
  if (d === null) {
    const predicted = figures.blue.labeled + figures.blue.values + figures.green.labeled + figures.green.values > 0;
    return figures.contract.prediction === null && !predicted ? null : "drift: needs predictions from both variants";
  }
  const over = d.kind === "labels" ? "labels" : "bins at blue's deciles";
  const ks = d.ks ? `, KS D ${formatValue(d.ks.statistic)} p ${formatP(d.ks.pValue)}` : "";
  return `drift of green from blue (${over}): PSI ${formatValue(d.psi)}, chi-square p ${formatP(d.chiSquare.pValue)} (df ${d.chiSquare.degreesOfFreedom})${ks}; fixed-sample figures, the prediction_drift guard decides`;
}

/** The answers table and drift line, or why there are none. */
export function formatAnswerFigures(figures) {
  if (figures === null) return "answers: unavailable (the metrics reader could not be read; see the Worker's logs)";
  const { blue, green, contract } = figures;
  const streamed = blue.streamed + green.streamed > 0;
  const rows = [
    ["requests", formatCount(blue.requests), formatCount(green.requests)],
    ["inspected", formatCount(blue.inspected), formatCount(green.inspected)],
    [
      "invalid",
      invalidCell(blue, contract.schema),
      invalidCell(green, contract.schema),
      contract.schema ? ratioOf(green.invalidRate, blue.invalidRate) : undefined,
    ],
    ["streamed", formatCount(blue.streamed), formatCount(green.streamed)],
    ...(streamed
      ? [["ttfb p95", formatMs(blue.ttfbP95Ms), formatMs(green.ttfbP95Ms), ratioOf(green.ttfbP95Ms, blue.ttfbP95Ms)]]
      : []),
    ...predictionRows(figures),
  ];
  const contractLine = `contract: ${contract.schema ? "response schema" : "no response schema"}, ${contract.prediction === null ? "no prediction path" : `prediction ${contract.prediction}`} (reader ${figures.reader})`;
  return [contractLine, sideBySide("ANSWERS", rows), driftLine(figures)].filter((line) => line !== null).join("\n");
}

const spreadCell = (spread, format) => (spread.n === 0 ? MISSING : `${format(spread.mean)} / ${format(spread.p95)}`);

/** The usage table (tokens and cost per request, time to first token), or why there is none. */
export function formatUsage(usage, missing) {
  if (usage === null) return `usage: ${missing?.message ?? "none"}`;
  const { blue, green } = usage;
  const knownCell = (u) =>
    u.requests === 0 ? "0" : `${formatCount(u.usageKnown)} (${formatShare(u.usageKnown / u.requests, 1)})`;
  const rows = [
    ["requests", formatCount(blue.requests), formatCount(green.requests)],
    ["usage known", knownCell(blue), knownCell(green)],
    [
      "input tokens/req mean / p95",
      spreadCell(blue.inputTokens, formatTokens),
      spreadCell(green.inputTokens, formatTokens),
      ratioOf(green.inputTokens.mean, blue.inputTokens.mean),
    ],
    [
      "output tokens/req mean / p95",
      spreadCell(blue.outputTokens, formatTokens),
      spreadCell(green.outputTokens, formatTokens),
      ratioOf(green.outputTokens.mean, blue.outputTokens.mean),
    ],
    [
      "cost/req",
      formatUsd(blue.costPerRequest.mean),
      formatUsd(green.costPerRequest.mean),
      ratioOf(green.costPerRequest.mean, blue.costPerRequest.mean),
    ],
    ["cost/1000 req", formatUsd(blue.costPerRequest.per1000Requests), formatUsd(green.costPerRequest.per1000Requests)],
  ];
  if (blue.ttftMs.n + green.ttftMs.n > 0)
    rows.push([
      "first token p50 / p95",
      spreadCell({ ...blue.ttftMs, mean: blue.ttftMs.p50 }, formatMs),
      spreadCell({ ...green.ttftMs, mean: green.ttftMs.p50 }, formatMs),
      ratioOf(green.ttftMs.p95, blue.ttftMs.p95),
    ]);
  const unpriced = blue.costPerRequest.n + green.costPerRequest.n === 0 && blue.usageKnown + green.usageKnown > 0;
  return [
    sideBySide("USAGE", rows),
    ...(unpriced ? ["cost: no answer was priced (set origins.<variant>.price)"] : []),
  ].join("\n");
}

/** The whole screen: a title naming the window or stage, answers, then usage. */
export function formatAnswers(view) {
  const where = view.window
    ? `over the last ${Math.round((view.window.toMs - view.window.fromMs) / 60_000)} min (${iso(view.window.fromMs)} to ${iso(view.window.toMs)})`
    : `in rollout ${view.rolloutId} stage ${view.stage}`;
  const lines = [`flag ${view.flag}: answers ${where}`, formatAnswerFigures(view.answers), ""];
  // In window mode the usage is the current stage's, whose bounds differ from the answers' window: say so.
  if (view.usage && view.window)
    lines.push(`usage in rollout ${view.rolloutId} stage ${view.stage} (the stage so far):`);
  lines.push(formatUsage(view.usage, view.usageMissing));
  return lines.join("\n");
}
