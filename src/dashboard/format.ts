// Number and time formatting shared by dashboard pages. Pure; times are
// shown in UTC with an explicit "UTC" so operators in different zones read
// the same timeline.

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
