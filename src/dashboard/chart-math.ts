// Pure chart arithmetic for the dashboard's SVG charts: linear scales, "nice"
// axis ticks, time ticks on round clock boundaries, and SVG path strings
// that leave gaps where a value is missing (a bucket without requests has
// no rate — drawing it as 0 would lie). No DOM, no clock, no I/O.

export type Scale = (value: number) => number;

/** Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps to the range's middle. */
export function linearScale([d0, d1]: [number, number], [r0, r1]: [number, number]): Scale {
  const span = d1 - d0;
  if (span === 0 || !Number.isFinite(span)) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** The smallest of 1, 2, 2.5, 5, 10 × 10^k that is ≥ raw. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Ticks from 0 up to a round maximum ≥ max, about `count` intervals. A chart
 * of rates and latencies starts at 0 so a small wobble never looks dramatic.
 * max ≤ 0 (no data) still yields a usable axis [0, fallbackMax].
 */
export function niceTicks(max: number, count = 4, fallbackMax = 1): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : fallbackMax;
  const step = niceStep(top / count);
  const ticks: number[] = [];
  // Rounding to the step's precision keeps 0.30000000000000004 out of labels.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let i = 0; i * step < top + step * 1e-9 || ticks.length < 2; i++)
    ticks.push(Number((i * step).toFixed(decimals)));
  if (ticks[ticks.length - 1]! < top) ticks.push(Number((ticks.length * step).toFixed(decimals)));
  return ticks;
}

const MINUTE = 60_000;
const TIME_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MINUTE);

/** Round clock times (UTC) within [fromMs, toMs], at most `maxTicks` of them. */
export function timeTicks(fromMs: number, toMs: number, maxTicks = 6): number[] {
  if (!(toMs > fromMs)) return [];
  const step = TIME_STEPS.find((s) => (toMs - fromMs) / s <= maxTicks) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) ticks.push(t);
  return ticks;
}

/** "HH:MM" in UTC (the dashboard labels its time axes as UTC). */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

export type Point = readonly [number, number];

/** "M x y L x y …" with a new "M" after every gap (null); coordinates to 0.1 px. */
export function linePath(points: readonly (Point | null)[]): string {
  const parts: string[] = [];
  let drawing = false;
  for (const point of points) {
    if (point === null) {
      drawing = false;
      continue;
    }
    parts.push(`${drawing ? "L" : "M"}${round1(point[0])} ${round1(point[1])}`);
    drawing = true;
  }
  return parts.join(" ");
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Largest finite value across series (0 when there is none). */
export function maxOf(series: readonly (readonly (number | null)[])[]): number {
  let max = 0;
  for (const values of series) for (const v of values) if (v !== null && Number.isFinite(v) && v > max) max = v;
  return max;
}

/** Last non-null value of a series, or null. */
export function lastValue(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i]!;
  return null;
}

/** Points of a series on given scales, null where the value is missing. */
export function project(values: readonly (number | null)[], x: Scale, y: Scale): (Point | null)[] {
  return values.map((v, i) => (v === null || !Number.isFinite(v) ? null : ([x(i), y(v)] as const)));
}
