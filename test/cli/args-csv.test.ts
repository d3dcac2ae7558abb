// CLI pure parts: argv parsing, --plan, CSV parsing and chunking.
import { describe, expect, it } from "vitest";
import { intOption, parseArgv, parsePlan } from "../../cli/args.mjs";
import { chunkRows, parseOverridesCsv, splitCsvLine } from "../../cli/csv.mjs";
import { CliError, EXIT } from "../../cli/errors.mjs";

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof CliError ? error.exitCode : "not a CliError";
  }
  return "no error";
};

describe("parseArgv", () => {
  it("takes --name value, --name=value, booleans, -h and --", () => {
    expect(parseArgv(["kill", "k", "--reason", "green 5xx", "--json"])).toEqual({
      positionals: ["kill", "k"],
      options: { reason: "green 5xx", json: true },
    });
    expect(parseArgv(["rollout", "start", "k", "--plan=shadow,5,100", "-h"])).toEqual({
      positionals: ["rollout", "start", "k"],
      options: { plan: "shadow,5,100", help: true },
    });
    expect(parseArgv(["audit", "--", "--weird-key"]).positionals).toEqual(["audit", "--weird-key"]);
  });

  it("refuses unknown options, missing values and values on booleans (exit 1)", () => {
    expect(usage(() => parseArgv(["kill", "k", "--reasn", "x"]))).toBe(EXIT.USAGE);
    expect(usage(() => parseArgv(["kill", "k", "--reason"]))).toBe(EXIT.USAGE);
    expect(usage(() => parseArgv(["kill", "k", "--reason", "--json"]))).toBe(EXIT.USAGE);
    expect(usage(() => parseArgv(["flags", "list", "--json=yes"]))).toBe(EXIT.USAGE);
    expect(usage(() => parseArgv(["-x"]))).toBe(EXIT.USAGE);
  });

  it("intOption checks integers and ranges", () => {
    expect(intOption({}, "chunk", 10_000)).toBe(10_000);
    expect(intOption({ chunk: "500" }, "chunk", 1, { max: 10_000 })).toBe(500);
    expect(usage(() => intOption({ chunk: "20000" }, "chunk", 1, { max: 10_000 }))).toBe(EXIT.USAGE);
    expect(usage(() => intOption({ chunk: "1.5" }, "chunk", 1))).toBe(EXIT.USAGE);
  });
});

describe("parsePlan", () => {
  it("turns shadow,5,25,50,100 into API stages with per-mode minimum samples", () => {
    const stages = parsePlan("shadow, 5,25,50,100%", { minDurationSeconds: 120 });
    expect(stages.map((s) => [s.mode, s.percent])).toEqual([
      ["shadow", 0],
      ["serve", 5],
      ["serve", 25],
      ["serve", 50],
      ["serve", 100],
    ]);
    expect(stages[0]).toMatchObject({ minDurationSeconds: 120, minSamples: 200 });
    expect(stages[1]).toMatchObject({ minSamples: 1000 });
    expect(parsePlan("0.5,100", { minSamples: 7 }).map((s) => [s.percent, s.minSamples])).toEqual([
      [0.5, 7],
      [100, 7],
    ]);
  });

  it.each(["", "shadow,abc", "0,100", "150", "5.0001"])("refuses %j", (plan) => {
    expect(usage(() => parsePlan(plan))).toBe(EXIT.USAGE);
  });
});

describe("override CSV", () => {
  it("splits quoted fields per RFC 4180", () => {
    expect(splitCsvLine('"a,b",green')).toEqual(["a,b", "green"]);
    expect(splitCsvLine('"say ""hi""",blue')).toEqual(['say "hi"', "blue"]);
    expect(splitCsvLine('"open,blue')).toBeNull();
  });

  it("skips a header, blank lines and a BOM; normalises variant case; keeps line numbers", () => {
    const { rows, problems } = parseOverridesCsv("\uFEFFunitKey,variant\r\nu1,Green\n\n u2 ,blue\nu1,green\n");
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { unitKey: "u1", variant: "green", line: 2 },
      { unitKey: "u2", variant: "blue", line: 4 },
    ]);
  });

  it("reports every bad line with its number", () => {
    const { problems } = parseOverridesCsv(
      `u1,blue\nu2,purple\nu3\n,green\nu1,green\n"x,blue\n${"k".repeat(257)},blue`,
    );
    expect(problems).toEqual([
      'line 2: variant must be blue or green, got "purple"',
      "line 3: expected 2 fields (unitKey,variant), got 1",
      "line 4: unitKey must be 1–256 characters",
      'line 5: "u1" is green here but blue on line 1',
      "line 6: unterminated quote",
      "line 7: unitKey must be 1–256 characters",
    ]);
  });

  it("chunks by op count and by body size, preserving order", () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ unitKey: `u${i}`, variant: "blue" as const, line: i + 1 }));
    expect(chunkRows(rows, 10).map((chunk) => chunk.length)).toEqual([10, 10, 5]);
    expect(chunkRows(rows, 10).flat()).toEqual(rows);
    const big = Array.from({ length: 10 }, (_, i) => ({
      unitKey: "k".repeat(200) + i,
      variant: "green" as const,
      line: i + 1,
    }));
    const bySize = chunkRows(big, 10_000, 1000);
    expect(bySize.length).toBeGreaterThan(1);
    for (const chunk of bySize)
      expect(JSON.stringify(chunk.map(({ unitKey, variant }) => ({ unitKey, variant }))).length).toBeLessThanOrEqual(
        1000,
      );
  });
});
