// What blue and green answered (the admin API's answer figures): per variant
// the invalid rate, time-to-first-byte p95 and predictions, green's drift
// from blue, and the predicted-value distribution — bars per label, or a
// histogram for numbers. A figure that does not apply says why ("no
// contract declared", "not streamed") instead of showing 0. Server-rendered
// SVG like the line charts: blue solid, green dashed, numbers in a table too.
import type { AnswerFiguresView } from "../../admin/answer-schemas";
import { OTHER_LABELS } from "../../core/health/predictions";
import { formatMs, formatNumber, formatPercent } from "../format";
import { VARIANT_LABEL } from "./line-chart";

type Arm = AnswerFiguresView["blue"];
const VARIANTS = ["blue", "green"] as const;
/** Labels drawn; the rest of each arm's labelled answers is one "(other)" bar. */
export const LABELS_SHOWN = 8;

export function formatP(p: number): string {
  return p < 0.0001 ? "< 0.0001" : Number(p.toPrecision(2)).toString();
}

export function invalidText(arm: Arm, schema: boolean): string {
  // Answers inspected for a prediction path alone cannot be invalid: without a schema the rate means nothing.
  if (!schema) return "no contract declared";
  if (arm.inspected === 0) return "nothing inspected yet";
  return `${formatPercent(arm.invalidRate)} (${formatNumber(arm.invalid)} of ${formatNumber(arm.inspected)} inspected)`;
}

function ttfbText(arm: Arm): string {
  return arm.streamed === 0 ? "not streamed" : `${formatMs(arm.ttfbP95Ms)} (${formatNumber(arm.streamed)} streamed)`;
}

function predictedText(arm: Arm, path: string | null): string {
  if (arm.labeled === 0 && arm.values === 0) return path === null ? "no prediction path declared" : "none yet";
  if (arm.values > arm.labeled) {
    const median = arm.deciles?.[4];
    return `${formatNumber(arm.values)} numbers${median !== undefined ? `, median ${Number(median.toPrecision(4))}` : ""}`;
  }
  return `${formatNumber(arm.labeled)} labels`;
}

/** One line per report: each variant's invalid rate (or why there are no answer figures). */
export function InvalidLine({ answers, green = "green" }: { answers: AnswerFiguresView | null; green?: string }) {
  if (answers === null)
    return <p class="muted">Answer figures unavailable: the metrics reader could not be read (see the logs).</p>;
  const { schema } = answers.contract;
  return (
    <p>
      Invalid rate: blue {invalidText(answers.blue, schema)} · {green} {invalidText(answers.green, schema)}
    </p>
  );
}

export function DriftLine({ answers }: { answers: AnswerFiguresView | null }) {
  if (answers === null) return null;
  const d = answers.drift;
  if (d === null) {
    const why =
      answers.contract.prediction === null && answers.blue.labeled + answers.blue.values === 0
        ? "no prediction path declared"
        : "needs predictions from both variants";
    return <p class="drift">Drift of green from blue: {why}.</p>;
  }
  const ks = d.ks ? ` · KS D = ${d.ks.statistic.toFixed(3)}, p ${formatP(d.ks.pValue)}` : "";
  return (
    <p class="drift">
      Drift of green from blue ({d.kind === "labels" ? "labels" : "bins at blue's deciles"}): PSI {d.psi.toFixed(3)} ·
      chi-square p {formatP(d.chiSquare.pValue)} (df {d.chiSquare.degreesOfFreedom}){ks}.{" "}
      <span class="muted">Fixed-sample figures; the prediction_drift guard decides with an always-valid test.</span>
    </p>
  );
}

interface Bars {
  categories: string[];
  blue: number[];
  green: number[];
}

/** Top labels by the larger share in either arm, in that order, plus one "(other)" per arm. */
export function labelBars(blue: Arm, green: Arm): Bars {
  const share = (arm: Arm, label: string) =>
    arm.labeled > 0 ? (arm.labels.find((l) => l.label === label)?.count ?? 0) / arm.labeled : 0;
  const all = [...new Set([...blue.labels, ...green.labels].map((l) => l.label))];
  const top = all
    .map((label) => ({ label, weight: Math.max(share(blue, label), share(green, label)) }))
    .sort((a, b) => b.weight - a.weight || a.label.localeCompare(b.label))
    .slice(0, LABELS_SHOWN)
    .map((x) => x.label);
  const countsOf = (arm: Arm) => top.map((label) => arm.labels.find((l) => l.label === label)?.count ?? 0);
  const bars = { categories: top, blue: countsOf(blue), green: countsOf(green) };
  const rest = (arm: Arm, shown: number[]) => Math.max(0, arm.labeled - shown.reduce((a, b) => a + b, 0));
  const [restBlue, restGreen] = [rest(blue, bars.blue), rest(green, bars.green)];
  if (restBlue > 0 || restGreen > 0) {
    bars.categories.push(OTHER_LABELS);
    bars.blue.push(restBlue);
    bars.green.push(restGreen);
  }
  return bars;
}

const W = 640;
const ROW = 34;

/** Grouped bars: per category a blue and a green bar, each the category's share of that arm. */
function BarChart({ id, title, bars }: { id: string; title: string; bars: Bars }) {
  const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  const totals = { blue: total(bars.blue), green: total(bars.green) };
  const shareOf = (variant: "blue" | "green", i: number) =>
    totals[variant] > 0 ? bars[variant][i]! / totals[variant] : 0;
  const H = bars.categories.length * ROW + 8;
  const left = 150;
  const width = W - left - 80;
  const summary = bars.categories
    .map((c, i) => `${c}: blue ${formatPercent(shareOf("blue", i))}, green ${formatPercent(shareOf("green", i))}`)
    .join("; ");
  return (
    <figure class="chart" id={id}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${summary}`}>
        {bars.categories.map((category, i) => (
          <g>
            <text x={left - 8} y={i * ROW + 21} text-anchor="end">
              {category.length > 18 ? `${category.slice(0, 17)}…` : category}
            </text>
            {VARIANTS.map((variant, j) => (
              <>
                <rect
                  class={`bar bar-${variant}`}
                  x={left}
                  y={i * ROW + 4 + j * 14}
                  width={Number(Math.max(1, shareOf(variant, i) * width).toFixed(1))}
                  height="12"
                />
                <text x={left + shareOf(variant, i) * width + 6} y={i * ROW + 14 + j * 14} class="bar-value">
                  {formatPercent(shareOf(variant, i))}
                </text>
              </>
            ))}
          </g>
        ))}
      </svg>
      <details class="chart-data">
        <summary>Data table: {title}</summary>
        <div class="scroll" tabindex={0} role="region" aria-label={`${title} data`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Category</th>
                <th scope="col" class="num">
                  {VARIANT_LABEL.blue}
                </th>
                <th scope="col" class="num">
                  {VARIANT_LABEL.green}
                </th>
              </tr>
            </thead>
            <tbody>
              {bars.categories.map((category, i) => (
                <tr>
                  <th scope="row">{category}</th>
                  <td class="num">
                    {formatNumber(bars.blue[i])} ({formatPercent(shareOf("blue", i))})
                  </td>
                  <td class="num">
                    {formatNumber(bars.green[i])} ({formatPercent(shareOf("green", i))})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function Distribution({ answers }: { answers: AnswerFiguresView }) {
  const { blue, green, histogram } = answers;
  if (histogram !== null)
    return (
      <BarChart
        id="chart-predictions"
        title="Predicted values (histogram, share of each variant's numbers)"
        bars={{ categories: histogram.categories, blue: histogram.blue, green: histogram.green }}
      />
    );
  if (blue.labeled + green.labeled > 0)
    return (
      <BarChart
        id="chart-predictions"
        title="Predicted labels (share of each variant's labels)"
        bars={labelBars(blue, green)}
      />
    );
  return (
    <p class="muted">
      {answers.contract.prediction === null
        ? "No prediction path declared: set settings.response.prediction to see what each variant predicts."
        : "No predictions recorded in this window."}
    </p>
  );
}

export function AnswersPanel({ answers }: { answers: AnswerFiguresView }) {
  const { contract } = answers;
  const rows: [string, (arm: Arm) => string][] = [
    ["Invalid rate", (arm) => invalidText(arm, contract.schema)],
    ["Time to first byte p95", ttfbText],
    ["Predictions", (arm) => predictedText(arm, contract.prediction)],
  ];
  return (
    <div class="grid2">
      <div>
        <table id="answers-table">
          <thead>
            <tr>
              <th scope="col">Answers</th>
              <th scope="col">{VARIANT_LABEL.blue}</th>
              <th scope="col">{VARIANT_LABEL.green}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, text]) => (
              <tr>
                <th scope="row">{name}</th>
                <td>{text(answers.blue)}</td>
                <td>{text(answers.green)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <DriftLine answers={answers} />
        <p class="muted">
          Contract: {contract.schema ? "JSON Schema declared" : "no contract declared"}
          {contract.prediction !== null ? (
            <>
              , prediction at <code>{contract.prediction}</code>
            </>
          ) : (
            ", no prediction path"
          )}
          . Measured by the {answers.reader === "embedded" ? "embedded store" : "Analytics Engine"} reader.
        </p>
      </div>
      <Distribution answers={answers} />
    </div>
  );
}
