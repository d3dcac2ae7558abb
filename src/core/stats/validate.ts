// Input checks shared by the statistics module. Contract: every public stats
// function validates its arguments here and throws a RangeError naming the
// argument on bad input (negative or fractional counts, successes > total,
// probabilities outside their open interval). These are admin/cron-path
// functions, so loud failure beats a silent NaN. Pure: no I/O, no clock.

/** Throws RangeError unless `value` is a finite number. */
export function assertFinite(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number (got ${String(value)})`);
  }
}

/** Throws RangeError unless `value` is an integer ≥ `min` (counts of units/events). */
export function assertCount(name: string, value: number, min = 0): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min} (got ${String(value)})`);
  }
}

/** Throws RangeError unless 0 ≤ successes ≤ total are integers and total ≥ minTotal. */
export function assertSuccesses(
  successesName: string,
  successes: number,
  totalName: string,
  total: number,
  minTotal = 1,
): void {
  assertCount(totalName, total, minTotal);
  assertCount(successesName, successes);
  if (successes > total) {
    throw new RangeError(`${successesName} (${successes}) must not exceed ${totalName} (${total})`);
  }
}

/** Throws RangeError unless lo < value < hi (an open interval, e.g. α in (0, 1)). */
export function assertOpenInterval(name: string, value: number, lo: number, hi: number): void {
  if (typeof value !== "number" || !(value > lo && value < hi)) {
    throw new RangeError(`${name} must lie in (${lo}, ${hi}) (got ${String(value)})`);
  }
}

/** Throws RangeError unless value is a finite number ≥ 0 (variances, margins). */
export function assertNonNegative(name: string, value: number): void {
  assertFinite(name, value);
  if (value < 0) throw new RangeError(`${name} must be ≥ 0 (got ${value})`);
}
