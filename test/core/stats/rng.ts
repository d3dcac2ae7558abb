// Seeded randomness for the simulation tests (never used by library code).

/** mulberry32 (Tommy Ettinger): a small, fast 32-bit PRNG; returns uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Binomial(n, p) by sequential inversion of the CDF: O(np) steps, fine for small n·p. */
export function binomial(rng: () => number, n: number, p: number): number {
  const ratio = p / (1 - p);
  let pmf = (1 - p) ** n;
  let cdf = pmf;
  let k = 0;
  const u = rng();
  while (u > cdf && k < n) {
    k++;
    pmf *= ((n - k + 1) / k) * ratio;
    cdf += pmf;
  }
  return k;
}

/** Standard normal by Box–Muller. */
export function gaussian(rng: () => number): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Running count/mean/M2 (Chan et al. 1979 merge of Welford accumulators). */
export interface Moments {
  n: number;
  mean: number;
  m2: number;
}

/** Adds `count` N(mu, sigma²) draws to `acc` in place. */
export function addGaussianBatch(acc: Moments, rng: () => number, count: number, mu: number, sigma: number): void {
  for (let i = 0; i < count; i++) {
    const x = mu + sigma * gaussian(rng);
    acc.n += 1;
    const delta = x - acc.mean;
    acc.mean += delta / acc.n;
    acc.m2 += delta * (x - acc.mean);
  }
}
