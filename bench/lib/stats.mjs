// Small statistics for noisy benchmark samples: median and spread.
// Contract: pure functions over arrays of finite numbers (non-empty).
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { min, median, max } rounded, for "median (min–max)" tables. */
export function spread(values, digits = 2) {
  const round = (n) => Math.round(n * 10 ** digits) / 10 ** digits;
  return { min: round(Math.min(...values)), median: round(median(values)), max: round(Math.max(...values)) };
}
