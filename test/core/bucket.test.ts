import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUCKET_COUNT,
  bucketFromHash,
  bucketOf,
  isGreen,
  percentToBuckets,
  rolloutSalt,
  saltedUnitHasher,
} from "../../src/core/bucket";
import { murmur3, prefixedMurmur3 } from "../../src/core/murmur3";
import golden from "../fixtures/murmur3-golden.json";

describe("murmur3 golden vectors (hashVersion 1)", () => {
  it.each(golden.hashes as [string, number][])("murmur3(%j) = %d", (input, expected) => {
    expect(murmur3(input, 0)).toBe(expected);
  });

  it("hashes long inputs (scratch buffer growth)", () => {
    expect(murmur3(golden.longInput.char.repeat(golden.longInput.repeat))).toBe(golden.longInput.hash);
    expect(murmur3("hello")).toBe(613153351); // and stays right after growing
  });

  it.each(golden.buckets)("bucket($flag:$rollout / $unit) = $bucket", ({ flag, rollout, unit, bucket }) => {
    expect(bucketOf(rolloutSalt(flag, rollout), unit)).toBe(bucket);
  });
});

describe("percent → bucket threshold", () => {
  it.each([
    [0, 0],
    [0.001, 1],
    [5, 5000],
    [25, 25_000],
    [33.333, 33_333],
    [100, BUCKET_COUNT],
    [-1, 0],
    [150, BUCKET_COUNT],
    [Number.NaN, 0],
  ])("%s percent → %s buckets", (percent, buckets) => {
    expect(percentToBuckets(percent)).toBe(buckets);
  });
});

const unitKeys = fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" });
const percents = fc.integer({ min: 0, max: 100_000 }).map((thousandths) => thousandths / 1000);

describe("bucketing properties", () => {
  it("is deterministic: the same unit always lands in the same bucket", () => {
    fc.assert(
      fc.property(unitKeys, fc.string(), (unit, rollout) => {
        const salt = rolloutSalt("flag", rollout);
        const bucket = bucketOf(salt, unit);
        return bucket === bucketOf(salt, unit) && bucket >= 0 && bucket < BUCKET_COUNT && Number.isInteger(bucket);
      }),
      { numRuns: 2000 },
    );
  });

  it("raising the percentage never moves a unit out of green", () => {
    fc.assert(
      fc.property(unitKeys, percents, percents, (unit, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const bucket = bucketOf("flag:r1", unit);
        return !isGreen(bucket, percentToBuckets(low)) || isGreen(bucket, percentToBuckets(high));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([0.1, 5, 25, 50])("the green share over 100 000 units is within ±0.5 pp of %s percent", (percent) => {
    const threshold = percentToBuckets(percent);
    let green = 0;
    const units = 100_000;
    const random = fc.sample(fc.uuid(), { numRuns: units, seed: 42 + percent });
    for (const unit of random) if (isGreen(bucketOf("dist:r1", unit), threshold)) green++;
    expect(Math.abs((green / units) * 100 - percent)).toBeLessThanOrEqual(0.5);
  });

  it("a new rollout id re-draws who is in green", () => {
    const threshold = percentToBuckets(25);
    const units = fc.sample(fc.uuid(), { numRuns: 20_000, seed: 7 });
    const inFirst = units.filter((unit) => isGreen(bucketOf("flag:r1", unit), threshold));
    const stillGreen = inFirst.filter((unit) => isGreen(bucketOf("flag:r2", unit), threshold)).length;
    // Independent draws keep ~25 % of the first cohort, not ~100 %.
    expect(stillGreen / inFirst.length).toBeGreaterThan(0.2);
    expect(stillGreen / inFirst.length).toBeLessThan(0.3);
  });
});

/** Byte-at-a-time reference MurmurHash3 x86_32 over TextEncoder output, written independently of src. */
function referenceMurmur3(input: string, seed = 0): number {
  const bytes = new TextEncoder().encode(input);
  let h = seed >>> 0;
  const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
  const full = bytes.length - (bytes.length % 4);
  for (let i = 0; i < full; i += 4) {
    let k = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    k = Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
    h = (Math.imul(rotl((h ^ k) >>> 0, 13), 5) + 0xe6546b64) >>> 0;
  }
  let k = 0;
  for (let i = bytes.length - 1; i >= full; i--) k = (k << 8) | bytes[i]!;
  if (bytes.length % 4) h = (h ^ Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593)) >>> 0;
  h = (h ^ bytes.length) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

describe("murmur3 implementations agree with a byte-wise reference", () => {
  const anyText = fc.string({
    maxLength: 24,
    unit: fc.oneof(
      fc.constant("a"),
      fc.constant("é"),
      fc.constant("😀"),
      fc.constant("\ud800"),
      fc.string({ minLength: 1, maxLength: 1, unit: "binary" }),
    ),
  });
  it("murmur3 (ASCII fast path and UTF-8 path)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), anyText), (text) => murmur3(text) === referenceMurmur3(text)),
      { numRuns: 3000 },
    );
  });

  it("the prefix hasher equals the reference over prefix + suffix at every block alignment", () => {
    // Prefixes of 0–9 chars cover every partial-block length; short suffixes hit the path where the block is never completed.
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 9 }), anyText),
        fc.oneof(fc.string({ maxLength: 3 }), fc.string({ maxLength: 24 }), anyText),
        (prefix, suffix) => prefixedMurmur3(prefix)(suffix) === referenceMurmur3(prefix + suffix),
      ),
      { numRuns: 5000 },
    );
  });

  it("the pre-hashed salt bucketer equals bucketOf for every salt and unit", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 12 }), anyText),
        fc.oneof(fc.string({ maxLength: 24 }), anyText),
        (salt, unit) => bucketFromHash(saltedUnitHasher(salt)(unit)) === bucketOf(salt, unit),
      ),
      { numRuns: 3000 },
    );
  });
});
