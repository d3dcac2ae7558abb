// MurmurHash3 x86 32-bit over the UTF-8 bytes of a string (Austin Appleby's
// reference algorithm). Pure. ASCII input (the common case for unit keys) is
// hashed straight from char codes with no encoding step; anything else is
// encoded to UTF-8 once into a reusable scratch buffer.
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalize(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function murmur3Bytes(bytes: Uint8Array, length: number, seed: number): number {
  let h = seed | 0;
  const blockEnd = length & ~3;
  for (let i = 0; i < blockEnd; i += 4) {
    h = mixH(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  let tail = 0;
  for (let i = length - 1; i >= blockEnd; i--) tail = (tail << 8) | bytes[i]!;
  if (length & 3) h ^= mixK(tail);
  return finalize(h, length);
}

function murmur3Utf8(input: string, seed: number): number {
  // Worst case 3 bytes per UTF-16 code unit.
  if (input.length * 3 > scratch.length) scratch = new Uint8Array(input.length * 3);
  const { written } = encoder.encodeInto(input, scratch);
  return murmur3Bytes(scratch, written, seed);
}

/** murmur3_x86_32(utf8(input), seed) as an unsigned 32-bit integer. */
export function murmur3(input: string, seed = 0): number {
  const length = input.length;
  const blockEnd = length & ~3;
  let h = seed | 0;
  for (let i = 0; i < blockEnd; i += 4) {
    const c0 = input.charCodeAt(i);
    const c1 = input.charCodeAt(i + 1);
    const c2 = input.charCodeAt(i + 2);
    const c3 = input.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) return murmur3Utf8(input, seed);
    h = mixH(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  let tail = 0;
  for (let i = length - 1; i >= blockEnd; i--) {
    const c = input.charCodeAt(i);
    if (c >= 0x80) return murmur3Utf8(input, seed);
    tail = (tail << 8) | c;
  }
  if (length & 3) h ^= mixK(tail);
  return finalize(h, length);
}

/**
 * A hasher for `prefix + suffix` that hashes the constant prefix once: the
 * hot path hashes salt + "/" + unitKey per request, and only the unit key
 * changes. Equal to murmur3(prefix + suffix, seed) for every input.
 */
export function prefixedMurmur3(prefix: string, seed = 0): (suffix: string) => number {
  const prefixBytes = encoder.encode(prefix);
  const blockEnd = prefixBytes.length & ~3;
  let prefixHash = seed | 0;
  for (let i = 0; i < blockEnd; i += 4) {
    prefixHash = mixH(
      prefixHash,
      prefixBytes[i]! | (prefixBytes[i + 1]! << 8) | (prefixBytes[i + 2]! << 16) | (prefixBytes[i + 3]! << 24),
    );
  }
  const pendingCount = prefixBytes.length - blockEnd;
  let pendingBlock = 0;
  for (let i = 0; i < pendingCount; i++) pendingBlock |= prefixBytes[blockEnd + i]! << (i * 8);
  // Suffix chars that complete the prefix's partial block; after them the
  // suffix is block-aligned and hashed four chars at a time, as murmur3() does.
  const fill = (4 - pendingCount) & 3;
  const prefixLength = prefixBytes.length;
  return (suffix) => {
    const length = suffix.length;
    let h = prefixHash;
    let i = 0;
    if (pendingCount > 0) {
      let block = pendingBlock;
      const head = length < fill ? length : fill;
      for (; i < head; i++) {
        const c = suffix.charCodeAt(i);
        if (c >= 0x80) return murmur3Utf8(prefix + suffix, seed);
        block |= c << ((pendingCount + i) << 3);
      }
      // A suffix too short to complete the block leaves it as the tail.
      if (head < fill) return finalize(h ^ mixK(block), prefixLength + length);
      h = mixH(h, block);
    }
    const blockEnd = i + ((length - i) & ~3);
    for (; i < blockEnd; i += 4) {
      const c0 = suffix.charCodeAt(i);
      const c1 = suffix.charCodeAt(i + 1);
      const c2 = suffix.charCodeAt(i + 2);
      const c3 = suffix.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) >= 0x80) return murmur3Utf8(prefix + suffix, seed);
      h = mixH(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
    }
    let tail = 0;
    for (let shift = 0; i < length; i++, shift += 8) {
      const c = suffix.charCodeAt(i);
      if (c >= 0x80) return murmur3Utf8(prefix + suffix, seed);
      tail |= c << shift;
    }
    if (blockEnd < length) h ^= mixK(tail);
    return finalize(h, prefixLength + length);
  };
}
