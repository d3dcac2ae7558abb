// A one-hash Bloom filter over the override unit keys, keyed by the same
// salted murmur3 hash the evaluation computes for bucketing anyway. Most
// units are not pinned; the filter rejects them from a small bitset that
// stays in cache, so a flag with 100 000 overrides costs about what a flag
// with 10 does. A filter hit is confirmed against the exact Map.
const MIN_BITS = 1 << 10;
const MAX_BITS = 1 << 23; // 1 MiB of bits: ~1 % false positives at 100 000 keys
const BITS_PER_KEY = 16; // ~6 % false positives below the cap

export interface OverrideFilter {
  bits: Uint32Array;
  mask: number;
}

export function buildOverrideFilter(
  unitKeys: Iterable<string>,
  count: number,
  hashUnit: (unitKey: string) => number,
): OverrideFilter {
  let size = MIN_BITS;
  while (size < count * BITS_PER_KEY && size < MAX_BITS) size <<= 1;
  const bits = new Uint32Array(size >>> 5);
  const mask = size - 1;
  for (const unitKey of unitKeys) {
    const bit = hashUnit(unitKey) & mask;
    bits[bit >>> 5]! |= 1 << (bit & 31);
  }
  return { bits, mask };
}

/** False means certainly not pinned; true means look it up. */
export function mayBePinned(filter: OverrideFilter, unitHash: number): boolean {
  const bit = unitHash & filter.mask;
  return (filter.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
}
