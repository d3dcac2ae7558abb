// Small statistics for noisy benchmark samples: median, spread and a bootstrap
// interval of the median.
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

/** Mulberry32: a small seeded generator, so a bootstrap interval is the same on every run of the same data. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile bootstrap interval of the median of `values` (per-round ratios):
 * how far the reported median could move with other rounds of the same
 * machine state. { low, high } at `level` (0.95), `resamples` draws, seeded.
 */
export function bootstrapMedianInterval(values, { level = 0.95, resamples = 5000, seed = 1 } = {}) {
  const random = seeded(seed);
  const medians = new Float64Array(resamples);
  const draw = new Array(values.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < values.length; i++) draw[i] = values[Math.floor(random() * values.length)];
    medians[r] = median(draw);
  }
  medians.sort();
  const tail = (1 - level) / 2;
  const at = (q) => medians[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return { low: at(tail), high: at(1 - tail) };
}
