// Sticky bucketing (docs/design/evaluation-and-bucketing.md, hashVersion 1). Do not change without bumping
// HASH_VERSION and a migration: every user's assignment depends on it.
import { murmur3, prefixedMurmur3 } from "./murmur3";

export const BUCKET_COUNT = 100_000;
const TWO_POW_32 = 4_294_967_296;

/** Salt for one rollout: flag key + ":" + rollout id. */
export function rolloutSalt(flagKey: string, rolloutId: string): string {
  return `${flagKey}:${rolloutId}`;
}

/** floor(murmur3(utf8(salt + "/" + unitKey), 0) × 100 000 / 2^32) → 0..99 999. */
export function bucketOf(salt: string, unitKey: string): number {
  return bucketFromHash(murmur3(salt + "/" + unitKey, 0));
}

/** murmur3(salt + "/" + unitKey) with the salt hashed once: what compiled flags use per request. */
export function saltedUnitHasher(salt: string): (unitKey: string) => number {
  return prefixedMurmur3(`${salt}/`, 0);
}

/** The bucket of a salted unit hash (see bucketOf). */
export function bucketFromHash(hash: number): number {
  return Math.floor((hash * BUCKET_COUNT) / TWO_POW_32);
}

/** Percent (0–100, 0.001 steps) → number of green buckets; out-of-range clamps. */
export function percentToBuckets(percent: number): number {
  if (!(percent > 0)) return 0;
  if (percent >= 100) return BUCKET_COUNT;
  return Math.round(percent * 1000);
}

/** A unit is green iff its bucket is below the threshold. */
export function isGreen(bucket: number, greenBuckets: number): boolean {
  return bucket < greenBuckets;
}
