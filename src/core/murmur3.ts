// MurmurHash3 x86 32-bit over the UTF-8 bytes of a string (Austin Appleby's
// reference algorithm). Pure and allocation-free in steady state: strings are
// encoded into one reusable scratch buffer that only grows.
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

function utf8(input: string): number {
  // Worst case 3 bytes per UTF-16 code unit.
  if (input.length * 3 > scratch.length) scratch = new Uint8Array(input.length * 3);
  return encoder.encodeInto(input, scratch).written;
}

/** murmur3_x86_32(utf8(input), seed) as an unsigned 32-bit integer. */
export function murmur3(input: string, seed = 0): number {
  const length = utf8(input);
  const bytes = scratch;
  let h = seed >>> 0;
  const blockEnd = length & ~3;
  for (let i = 0; i < blockEnd; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const remainder = length & 3;
  if (remainder > 0) {
    let tail = 0;
    if (remainder === 3) tail ^= bytes[blockEnd + 2]! << 16;
    if (remainder >= 2) tail ^= bytes[blockEnd + 1]! << 8;
    tail ^= bytes[blockEnd]!;
    tail = Math.imul(tail, C1);
    tail = (tail << 15) | (tail >>> 17);
    tail = Math.imul(tail, C2);
    h ^= tail;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
