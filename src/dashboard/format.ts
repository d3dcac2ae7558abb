// Number and time formatting shared by dashboard pages. Pure; times are
// shown in UTC with an explicit "UTC" so operators in different zones read
// the same timeline.
import { GUARD_UNITS, type GuardName, type GuardUnit } from "../core/health/guards";

export function formatPercent(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "–";
  const pct = rate * 100;
  // Small rates keep a significant digit: 0.04 % must not read as 0.0 %.
  const d = pct !== 0 && Math.abs(pct) < 0.1 ? 2 : digits;
  return `${pct.toFixed(d)} %`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** "2026-11-23 14:05 UTC" */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Percentage of green for a stage: "shadow" or "25 %". */
export function stageLabel(stage: { mode: string; percent: number } | null | undefined): string {
  if (!stage) return "–";
  return stage.mode === "shadow" ? "shadow (0 % served)" : `${stage.percent} % green`;
}

/** US dollars to three significant digits in plain decimals ($0.00000945, $0.0123, $1.50): a cost per request is tiny. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (value === 0) return "$0";
  const decimals = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(Math.abs(value)))));
  return `$${value.toFixed(decimals)}`;
}

const GUARD_FORMATS: Record<GuardUnit, (value: number | null) => string> = {
  share: formatPercent,
  ms: formatMs,
  psi: (value) => (value === null || !Number.isFinite(value) ? "–" : `PSI ${value.toFixed(3)}`),
  usd: formatUsd,
  tokens: (value) => (value === null || !Number.isFinite(value) ? "–" : `${formatNumber(value, 1)} tokens`),
};

/** A guard's figure (green, control or its limit) in that guard's unit (core GUARD_UNITS). */
export function formatGuardFigure(guard: GuardName, value: number | null): string {
  return GUARD_FORMATS[GUARD_UNITS[guard]](value);
}
