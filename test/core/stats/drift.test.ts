// Drift figures against scipy reference values (test/fixtures/drift-reference.py
// wrote the JSON), and the always-valid homogeneity test's A/A false-alarm
// rate when it is re-run every tick.
import { describe, expect, it } from "vitest";
import {
  chiSquareHomogeneity,
  kolmogorovSf,
  ksAsymptoticPValue,
  ksStatistic,
  populationStabilityIndex,
  sequentialHomogeneity,
} from "../../../src/core/stats/drift";
import reference from "../../fixtures/drift-reference.json";
import { mulberry32 } from "./rng";

describe("drift figures match scipy", () => {
  it.each(reference.cases)("$name", ({ control, green, psi, chi2, df, chi2P, ks }) => {
    const counts = { control, green };
    expect(populationStabilityIndex(counts)).toBeCloseTo(psi, 12);
    const chi = chiSquareHomogeneity(counts);
    expect(chi.statistic).toBeCloseTo(chi2, 9);
    expect(chi.degreesOfFreedom).toBe(df);
    expect(Math.abs(chi.pValue - chi2P)).toBeLessThan(1e-12);
    expect(ksStatistic(counts)).toBeCloseTo(ks, 12);
  });

  it.each(reference.kolmogorov)("Kolmogorov's Q($z) = $sf", ({ z, sf }) => {
    expect(Math.abs(kolmogorovSf(z) - sf)).toBeLessThan(1e-12);
  });

  it("the KS p-value scales D by √(nm/(n+m))", () => {
    expect(ksAsymptoticPValue(0.1, 400, 400)).toBeCloseTo(kolmogorovSf(Math.sqrt(200) * 0.1), 15);
    expect(ksAsymptoticPValue(0.3, 0, 10)).toBe(1);
  });
});

describe("bad input", () => {
  it.each([
    ["different lengths", { control: [1, 2], green: [1] }],
    ["negative count", { control: [1, -2], green: [1, 2] }],
    ["fractional count", { control: [1, 2.5], green: [1, 2] }],
  ])("%s throws a RangeError", (_, counts) => {
    expect(() => populationStabilityIndex(counts)).toThrow(RangeError);
    expect(() => sequentialHomogeneity(counts)).toThrow(RangeError);
  });

  it("an empty arm has nothing to compare", () => {
    const counts = { control: [0, 0], green: [5, 5] };
    expect(populationStabilityIndex(counts)).toBe(0);
    expect(chiSquareHomogeneity(counts).pValue).toBe(1);
    expect(sequentialHomogeneity(counts)).toMatchObject({ pValue: 1, category: null });
  });
});

describe("sequentialHomogeneity", () => {
  it("finds a 30 % label shift and names the category that moved most", () => {
    const shifted = sequentialHomogeneity({ control: [700, 200, 100], green: [490, 410, 100] });
    expect(shifted.pValue).toBeLessThan(0.001);
    expect([0, 1]).toContain(shifted.category);
  });

  it("is more cautious than the one-look chi-square test on the same counts", () => {
    const counts = { control: [500, 300, 200], green: [450, 330, 220] };
    expect(sequentialHomogeneity(counts).pValue).toBeGreaterThan(chiSquareHomogeneity(counts).pValue);
  });

  it("A/A: 1 000 experiments checked every tick for 100 ticks stay within α (the one-look chi-square does not)", () => {
    const ALPHA = 0.05;
    const EXPERIMENTS = 1000;
    const TICKS = 100;
    const PER_TICK = 50; // per arm
    const SHARES = [0.5, 0.25, 0.15, 0.1];
    const rng = mulberry32(20261201);
    const draw = (counts: number[]) => {
      for (let i = 0; i < PER_TICK; i++) {
        let u = rng();
        let k = 0;
        while (k < SHARES.length - 1 && u >= SHARES[k]!) u -= SHARES[k++]!;
        counts[k]!++;
      }
    };
    let sequentialAlarms = 0;
    let naiveAlarms = 0;
    for (let e = 0; e < EXPERIMENTS; e++) {
      const control = SHARES.map(() => 0);
      const green = SHARES.map(() => 0);
      let sequential = false;
      let naive = false;
      for (let tick = 0; tick < TICKS && !(sequential && naive); tick++) {
        draw(control);
        draw(green);
        if (!sequential && sequentialHomogeneity({ control, green }, { alpha: ALPHA }).pValue < ALPHA)
          sequential = true;
        if (!naive && chiSquareHomogeneity({ control, green }).pValue < ALPHA) naive = true;
      }
      if (sequential) sequentialAlarms++;
      if (naive) naiveAlarms++;
    }
    console.log(
      `drift A/A: sequential ${sequentialAlarms / EXPERIMENTS}, naive chi-square ${naiveAlarms / EXPERIMENTS}`,
    );
    expect(sequentialAlarms / EXPERIMENTS).toBeLessThanOrEqual(ALPHA);
    expect(naiveAlarms / EXPERIMENTS).toBeGreaterThan(2 * ALPHA);
  });
});
