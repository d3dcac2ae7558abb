// A tiny error-rate sparkline for the flags list: blue solid, green dashed,
// both on one 0-based scale, with the figures as text beside it (the image
// alone never carries the information).
import { linearScale, linePath, maxOf, project } from "../chart-math";
import { formatPercent } from "../format";

const W = 120;
const H = 32;

export interface SparklineProps {
  label: string;
  blue: (number | null)[];
  green: (number | null)[];
  /** Requests-weighted rate over the whole window, shown as text. */
  blueOverall: number | null;
  greenOverall: number | null;
}

export function Sparkline({ label, blue, green, blueOverall, greenOverall }: SparklineProps) {
  const n = Math.max(blue.length, green.length, 2);
  const max = Math.max(maxOf([blue, green]), 0.01);
  const x = linearScale([0, n - 1], [2, W - 2]);
  const y = linearScale([0, max], [H - 3, 3]);
  const text = `${label}: blue (stable) ${formatPercent(blueOverall)}, green (new) ${formatPercent(greenOverall)}`;
  return (
    <span class="spark-wrap">
      <svg class="spark" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={text}>
        <line class="baseline" x1="2" x2={W - 2} y1={H - 3} y2={H - 3} />
        <path class="line line-blue" d={linePath(project(blue, x, y))} />
        <path class="line line-green" d={linePath(project(green, x, y))} />
      </svg>
      <span class="spark-text" aria-hidden="true">
        <span class="tag tag-blue">blue</span> {formatPercent(blueOverall)} <span class="tag tag-green">green</span>{" "}
        {formatPercent(greenOverall)}
      </span>
    </span>
  );
}
