import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUCKET_COUNT, bucketOf, isGreen, percentToBuckets, rolloutSalt } from "../../src/core/bucket";
import { murmur3 } from "../../src/core/murmur3";
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
    [0, 0], [0.001, 1], [5, 5000], [25, 25_000], [33.333, 33_333], [100, BUCKET_COUNT], [-1, 0], [150, BUCKET_COUNT], [Number.NaN, 0],
  ])("%s percent → %s buckets", (percent, buckets) => {
    expect(percentToBuckets(percent)).toBe(buckets);
  });
});

const unitKeys = fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" });
const percents = fc.integer({ min: 0, max: 100_000 }).map((thousandths) => thousandths / 1000);

describe("bucketing properties", () => {
  it("is deterministic: the same unit always lands in the same bucket", () => {
    fc.assert(fc.property(unitKeys, fc.string(), (unit, rollout) => {
      const salt = rolloutSalt("flag", rollout);
      const bucket = bucketOf(salt, unit);
      return bucket === bucketOf(salt, unit) && bucket >= 0 && bucket < BUCKET_COUNT && Number.isInteger(bucket);
    }), { numRuns: 2000 });
  });

  it("raising the percentage never moves a unit out of green", () => {
    fc.assert(fc.property(unitKeys, percents, percents, (unit, a, b) => {
      const [low, high] = a <= b ? [a, b] : [b, a];
      const bucket = bucketOf("flag:r1", unit);
      return !isGreen(bucket, percentToBuckets(low)) || isGreen(bucket, percentToBuckets(high));
    }), { numRuns: 5000 });
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
