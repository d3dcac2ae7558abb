// Numbers as the CLI prints them: counts, shares, milliseconds, US dollars,
// tokens and green/blue ratios. Pure: a number (or null) in, a short string
// out; anything missing or not finite prints as "-", never as 0, so "no
// data" and "zero" stay apart. No locale: the same text in every terminal.
export const MISSING = "-";

const finite = (value) => typeof value === "number" && Number.isFinite(value);

/** Weighted counts (Analytics Engine samples) print as whole numbers. */
export function formatCount(value) {
  return finite(value) ? String(Math.round(value)) : MISSING;
}

/** 0.0123 → "1.23 %"; a small share keeps a significant digit (0.04 % must not read as 0.00 %). */
export function formatShare(rate, digits = 2) {
  if (!finite(rate)) return MISSING;
  const pct = rate * 100;
  const d = pct !== 0 && Math.abs(pct) < 0.01 ? 3 : digits;
  return `${pct.toFixed(d)} %`;
}

export function formatMs(ms) {
  if (!finite(ms)) return MISSING;
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** Three significant digits, in plain decimals: $0.00000945, $0.0123, $1.50. */
export function formatUsd(value) {
  if (!finite(value)) return MISSING;
  if (value === 0) return "$0";
  const decimals = Math.min(12, Math.max(2, 2 - Math.floor(Math.log10(Math.abs(value)))));
  return `$${value.toFixed(decimals)}`;
}

export function formatTokens(value) {
  return finite(value) ? value.toFixed(1) : MISSING;
}

/** A predicted number or a statistic: four significant digits, no exponent below 1e21. */
export function formatValue(value) {
  if (!finite(value)) return MISSING;
  return String(Number(value.toPrecision(4)));
}

/** A p-value as the dashboard shows it: two significant digits, "< 0.0001" below that. */
export function formatP(p) {
  if (!finite(p)) return MISSING;
  return p < 0.0001 ? "< 0.0001" : String(Number(p.toPrecision(2)));
}

/** green ÷ blue, or null when either is missing or blue is 0 (no ratio to speak of). */
export function ratioOf(green, blue) {
  return finite(green) && finite(blue) && blue !== 0 ? green / blue : null;
}

export function formatRatio(ratio) {
  return finite(ratio) ? `${ratio.toFixed(2)}×` : MISSING;
}
