// Standard normal distribution: Φ and Φ⁻¹ at full double precision.
// Contract: pure functions of one number; no I/O, no clock, no state. Upper
// tails go through normalSf, computed directly: 1 − Φ(x) would cancel to 0.

// W. J. Cody (1969), "Rational Chebyshev approximations for the error
// function", Math. Comp. 23:631–637; coefficients as in ACM TOMS Algorithm 715
// (SPECFUN ANORM) and R's pnorm.c.
const A = [
  2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113,
];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
const P = [
  0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5,
  0.02307344176494017303,
];
const Q = [
  1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5,
];
const INV_SQRT_2PI = 0.398942280401432677939946059934;
const SQRT_32 = 5.656854249492380195206754896838;

const at = (coefficients: readonly number[], i: number): number => coefficients[i] as number;

/** exp(−y²/2) split as in Cody/R so the exponent is exact for large |y|. */
function gaussianFactor(y: number): number {
  const ySplit = Math.trunc(y * 16) / 16;
  const del = (y - ySplit) * (y + ySplit);
  return Math.exp(-ySplit * ySplit * 0.5) * Math.exp(-del * 0.5);
}

/** Lower tail of |x|'s mirror: Φ(−|x|), accurate in relative terms far into the tail. */
function lowerTailOfAbs(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    const ySq = y * y;
    let num = at(A, 4) * ySq;
    let den = ySq;
    for (let i = 0; i < 3; i++) {
      num = (num + at(A, i)) * ySq;
      den = (den + at(B, i)) * ySq;
    }
    return 0.5 - (y * (num + at(A, 3))) / (den + at(B, 3));
  }
  if (y <= SQRT_32) {
    let num = at(C, 8) * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + at(C, i)) * y;
      den = (den + at(D, i)) * y;
    }
    return ((num + at(C, 7)) / (den + at(D, 7))) * gaussianFactor(y);
  }
  if (y > 38.5) return 0; // underflows double precision
  const inv = 1 / (y * y);
  let num = at(P, 5) * inv;
  let den = inv;
  for (let i = 0; i < 4; i++) {
    num = (num + at(P, i)) * inv;
    den = (den + at(Q, i)) * inv;
  }
  const r = (inv * (num + at(P, 4))) / (den + at(Q, 4));
  return ((INV_SQRT_2PI - r) / y) * gaussianFactor(y);
}

/**
 * Φ(x) = P(Z ≤ x) for Z ~ N(0, 1). Cody's (1969) rational Chebyshev
 * approximation (as in R's pnorm); error below 1e-15 over the whole line.
 * NaN in → NaN out; ±∞ → 1/0.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const tail = lowerTailOfAbs(x);
  return x > 0 ? 1 - tail : tail;
}

/** Upper tail 1 − Φ(x) = Φ(−x), computed without cancellation (Cody 1969). */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

// M. J. Wichura (1988), "Algorithm AS 241: The percentage points of the
// normal distribution", Applied Statistics 37(3):477–484 (PPND16).
const QA = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457,
  67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const QB = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061,
  28729.085735721942674, 5226.495278852854561,
];
const QC = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258,
  0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const QD = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const QE = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093,
  0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const QF = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
];

/** Horner evaluation of Σ c[i]·r^i. */
function poly(coefficients: readonly number[], r: number): number {
  let acc = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) acc = acc * r + at(coefficients, i);
  return acc;
}

/**
 * Φ⁻¹(p): the x with Φ(x) = p. Wichura's AS 241 (PPND16), relative accuracy
 * about 1e-16 over (0, 1). Throws RangeError unless 0 < p < 1.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must lie in (0, 1) (got ${String(p)})`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(QA, r)) / poly(QB, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = poly(QC, r) / poly(QD, r);
  } else {
    r -= 5;
    value = poly(QE, r) / poly(QF, r);
  }
  return q < 0 ? -value : value;
}
