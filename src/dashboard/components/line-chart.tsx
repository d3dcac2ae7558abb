// One SVG line chart of blue vs green over time, server-rendered: round
// y ticks from 0, UTC clock ticks, a legend that names both variants, blue
// drawn solid with circles and green dashed with squares (colour is never
// the only signal), gaps where a bucket had no requests, and the same
// numbers as a table for screen readers and copy-paste.
import { formatClock, linearScale, linePath, maxOf, niceTicks, project, timeTicks, lastValue } from "../chart-math";
import { formatMs, formatNumber, formatPercent, formatUsd } from "../format";

export type ChartUnit = "percent" | "ms" | "perMin" | "usd";

export interface LineChartProps {
  id: string;
  title: string;
  unit: ChartUnit;
  /** Bucket start times (ms) and their width. */
  buckets: number[];
  bucketMs: number;
  blue: (number | null)[];
  green: (number | null)[];
}

const W = 640;
const H = 240;
const M = { left: 68, right: 16, top: 14, bottom: 40 };
/** An empty chart still gets a readable axis: 1 %, 100 ms, 1 req/min, $1. */
const FALLBACK_MAX: Record<ChartUnit, number> = { percent: 0.01, ms: 100, perMin: 1, usd: 1 };

export function formatValue(unit: ChartUnit, value: number | null): string {
  if (unit === "percent") return formatPercent(value);
  if (unit === "ms") return formatMs(value);
  if (unit === "usd") return formatUsd(value);
  return value === null ? "–" : `${formatNumber(value, value < 10 ? 1 : 0)}/min`;
}

function tickLabel(unit: ChartUnit, value: number): string {
  if (unit === "percent") return `${Number((value * 100).toPrecision(3))} %`;
  if (unit === "ms") return value >= 1000 ? `${Number((value / 1000).toPrecision(3))} s` : `${value} ms`;
  if (unit === "usd") return `$${value}`;
  return `${value}`;
}

export const VARIANT_LABEL = { blue: "blue (stable)", green: "green (new)" } as const;

function Markers({ points, variant }: { points: ReturnType<typeof project>; variant: "blue" | "green" }) {
  return (
    <g class={`marks marks-${variant}`} aria-hidden="true">
      {points.map((p) =>
        p === null ? null : variant === "blue" ? (
          <circle cx={p[0].toFixed(1)} cy={p[1].toFixed(1)} r="2.5" />
        ) : (
          <rect x={(p[0] - 2.5).toFixed(1)} y={(p[1] - 2.5).toFixed(1)} width="5" height="5" />
        ),
      )}
    </g>
  );
}

export function LegendSwatch({ variant }: { variant: "blue" | "green" }) {
  return (
    <svg class="swatch" viewBox="0 0 28 10" width="28" height="10" aria-hidden="true">
      <line class={`line line-${variant}`} x1="1" y1="5" x2="27" y2="5" />
      {variant === "blue" ? (
        <circle class="marks-blue" cx="14" cy="5" r="2.5" />
      ) : (
        <rect class="marks-green" x="11.5" y="2.5" width="5" height="5" />
      )}
    </svg>
  );
}

export function LineChart(props: LineChartProps) {
  const { id, title, unit, buckets, bucketMs } = props;
  const fromMs = buckets[0] ?? 0;
  const toMs = (buckets[buckets.length - 1] ?? 0) + bucketMs;
  const ticks = niceTicks(maxOf([props.blue, props.green]), 4, FALLBACK_MAX[unit]);
  const yMax = ticks[ticks.length - 1]!;
  const x = linearScale([fromMs, toMs], [M.left, W - M.right]);
  const y = linearScale([0, yMax], [H - M.bottom, M.top]);
  const xOfIndex = (i: number) => x(fromMs + (i + 0.5) * bucketMs);
  const blue = project(props.blue, xOfIndex, y);
  const green = project(props.green, xOfIndex, y);
  const summary = `${VARIANT_LABEL.blue}: latest ${formatValue(unit, lastValue(props.blue))}; ${VARIANT_LABEL.green}: latest ${formatValue(unit, lastValue(props.green))}. Times in UTC.`;
  return (
    <figure class="chart" id={id}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <desc id={`${id}-desc`}>{summary}</desc>
        <g class="axis axis-y">
          {ticks.map((t) => (
            <g>
              <line class="grid" x1={M.left} x2={W - M.right} y1={y(t).toFixed(1)} y2={y(t).toFixed(1)} />
              <text x={M.left - 6} y={(y(t) + 4).toFixed(1)} text-anchor="end">
                {tickLabel(unit, t)}
              </text>
            </g>
          ))}
        </g>
        <g class="axis axis-x">
          <line class="baseline" x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
          {timeTicks(fromMs, toMs, 5).map((t) => (
            <g>
              <line class="tick" x1={x(t).toFixed(1)} x2={x(t).toFixed(1)} y1={H - M.bottom} y2={H - M.bottom + 5} />
              <text x={x(t).toFixed(1)} y={H - M.bottom + 22} text-anchor="middle">
                {formatClock(t)}
              </text>
            </g>
          ))}
          <text class="axis-note" x={W - M.right} y={H - 2} text-anchor="end">
            UTC
          </text>
        </g>
        <path class="line line-blue" d={linePath(blue)} />
        <path class="line line-green" d={linePath(green)} />
        <Markers points={blue} variant="blue" />
        <Markers points={green} variant="green" />
      </svg>
      <ul class="legend">
        <li>
          <LegendSwatch variant="blue" /> {VARIANT_LABEL.blue} — latest {formatValue(unit, lastValue(props.blue))}
        </li>
        <li>
          <LegendSwatch variant="green" /> {VARIANT_LABEL.green} — latest {formatValue(unit, lastValue(props.green))}
        </li>
      </ul>
      <details class="chart-data">
        <summary>Data table: {title}</summary>
        <div class="scroll" tabindex={0} role="region" aria-label={`${title} data`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Bucket start (UTC)</th>
                <th scope="col">{VARIANT_LABEL.blue}</th>
                <th scope="col">{VARIANT_LABEL.green}</th>
              </tr>
            </thead>
            <tbody>
              {buckets.map((t, i) => (
                <tr>
                  <th scope="row">{formatClock(t)}</th>
                  <td>{formatValue(unit, props.blue[i] ?? null)}</td>
                  <td>{formatValue(unit, props.green[i] ?? null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
