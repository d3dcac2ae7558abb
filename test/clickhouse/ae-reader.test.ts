// The Analytics Engine reader with its SQL executed by a real ClickHouse
// engine (chdb) over a table shaped like an AE dataset, against the shared
// scenario tables (test/fixtures/reader-scenarios.ts) that the embedded
// reader also meets; plus every function and keyword of that SQL checked
// against Analytics Engine's documented SQL reference, because ClickHouse
// accepts much more than Analytics Engine does (docs/design/metrics-conformance.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  aggregatesQuery,
  createAnalyticsEngineReader,
  exceedanceQuery,
  quantilesQuery,
  ttfbQuery,
} from "../../src/telemetry/readers/analytics-engine";
import { binsQuery, decilesQuery, labelsQuery } from "../../src/telemetry/readers/analytics-engine-predictions";
import {
  expectedExceedances,
  expectedGroups,
  expectedPredictions,
  READER_SCENARIOS,
  scenarioOutcomes,
  scenarioWindow,
  sortGroups,
  unexercisedFields,
} from "../fixtures/reader-scenarios";
import { servedOutcome } from "../helpers/outcome";
import { createAeDataset } from "./ae-dataset";

const DATASET = "switchyard_outcomes";
let ae: ReturnType<typeof createAeDataset>;
const reader = () =>
  createAnalyticsEngineReader({
    accountId: "acc",
    apiToken: "tok",
    dataset: DATASET,
    fetch: ae.sqlApiFetch,
    attempts: 1,
  });

beforeAll(() => {
  ae = createAeDataset(DATASET);
  console.info(`ClickHouse ${ae.engineVersion()} (chdb)`);
  READER_SCENARIOS.forEach((scenario, index) => ae.insert(scenarioOutcomes(scenario, index)));
});
afterAll(() => ae?.close());

describe("Analytics Engine reader over ClickHouse: the shared scenarios", () => {
  it("every ArmWindow field is exercised by some scenario", () => {
    expect(unexercisedFields(READER_SCENARIOS)).toEqual([]);
  });

  it.each(READER_SCENARIOS.map((scenario, index) => [scenario.name, scenario, index] as const))(
    "%s",
    async (_name, scenario, index) => {
      const window = scenarioWindow(scenario, index);
      expect(sortGroups(await reader().readWindow(window))).toEqual(expectedGroups(scenario, "sampled"));
      expect(sortGroups(await reader().readExceedances(window, scenario.thresholdsMs))).toEqual(
        expectedExceedances(scenario),
      );
      if (scenario.firstByteThresholdsMs)
        expect(
          sortGroups(await reader().readExceedances(window, scenario.firstByteThresholdsMs, "first_byte")),
        ).toEqual(expectedExceedances(scenario, "first_byte"));
      if (scenario.predictions) {
        expect(sortGroups(await reader().readPredictions(window, null))).toEqual(
          expectedPredictions(scenario.predictions, "deciles"),
        );
        expect(sortGroups(await reader().readPredictions(window, scenario.predictions.edges))).toEqual(
          expectedPredictions(scenario.predictions, "bins"),
        );
      }
    },
  );
});

/** Weighted nearest rank: the smallest value whose cumulative weight reaches ⌈q·W⌉ (the embedded reader's rank on copies). */
function weightedNearestRank(points: { value: number; weight: number }[], q: number): number {
  const sorted = [...points].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((sum, p) => sum + p.weight, 0);
  const rank = Math.max(1, Math.ceil(total * q));
  let seen = 0;
  for (const p of sorted) if ((seen += p.weight) >= rank) return p.value;
  return Number.NaN;
}

describe("quantile definition", () => {
  it("quantileExactWeighted equals the weighted nearest rank exactly (tolerance 0) on 25 seeded random groups", async () => {
    let seed = 20_261_202;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let group = 0; group < 25; group++) {
      const flagKey = `quantiles-${group}`;
      const points = Array.from({ length: 1 + Math.floor(random() * 150) }, () => ({
        value: Math.round(random() * 4000) / 8,
        weight: 1 + Math.floor(random() * 4),
      }));
      ae.insert(
        points.map((p, i) => ({
          outcome: servedOutcome({ flagKey, requestId: `${flagKey}-${i}`, latencyMs: p.value, timestampMs: 5_000 }),
          sampleInterval: p.weight,
        })),
      );
      const [read] = await reader().readWindow({ flagKey, rolloutId: "f-r", stage: null, fromMs: 0, toMs: 10_000 });
      const expected = [0.5, 0.95, 0.99].map((q) => weightedNearestRank(points, q));
      expect([read!.metrics.p50Ms, read!.metrics.p95Ms, read!.metrics.p99Ms], `group ${group}`).toEqual(expected);
      expect(read!.metrics.requests).toBe(points.reduce((sum, p) => sum + p.weight, 0));
      expect(read!.metrics.rows).toBe(points.length);
    }
  });
});

// Source: Cloudflare's "Workers Analytics Engine SQL Reference",
// https://developers.cloudflare.com/analytics/analytics-engine/sql-reference/ and its pages
// statements, operators, aggregate-functions, conditional-functions, string-functions,
// date-time-functions (read December 2026). ClickHouse accepts far more: anything new the reader
// uses must be found on those pages and added here with the page that documents it.
const DOCUMENTED_FUNCTIONS: Record<string, string> = {
  sum: "aggregate-functions: sum([DISTINCT] column_name)",
  quantileExactWeighted: "aggregate-functions: quantileExactWeighted(q)(column_name, weight_column_name)",
  if: "conditional-functions: if(<condition>, <true_expression>, <false_expression>)",
  startsWith: "string-functions: startsWith({string}, {string})",
  toDateTime: "date-time-functions: toDateTime(<expression>[, 'timezone string']), unix seconds accepted",
};
const DOCUMENTED_KEYWORDS: Record<string, string> = {
  SELECT: "statements: SELECT <expression_list>",
  AS: "statements: SELECT <expression> [AS <alias>]",
  FROM: "statements: FROM <table_name>",
  WHERE: "statements: WHERE <expression>",
  GROUP: "statements: GROUP BY <expression>, ...",
  BY: "statements: GROUP BY",
  FORMAT: "statements: FORMAT <format>",
  JSON: "statements: FORMAT JSON",
  AND: "operators: boolean AND",
  NOT: "operators: boolean NOT",
  IN: "operators: column IN ('a', 'list')",
  ORDER: "statements: ORDER BY <expression> [ASC|DESC]",
  DESC: "statements: ORDER BY <expression> DESC",
  LIMIT: "statements: LIMIT <n>",
};
/** AE's columns: index1, blob1..20, double1..20, timestamp, _sample_interval (sql-api: table structure). */
const AE_COLUMN = /^(index1|blob([1-9]|1\d|20)|double([1-9]|1\d|20)|timestamp|_sample_interval)$/;

describe("the reader's SQL stays inside Analytics Engine's documented SQL", () => {
  it("uses only documented functions, keywords and dataset columns (every query of every scenario window)", () => {
    const queries = READER_SCENARIOS.flatMap((scenario, index) => {
      const window = scenarioWindow(scenario, index);
      return [
        aggregatesQuery(window, DATASET),
        quantilesQuery(window, DATASET),
        exceedanceQuery(window, DATASET, scenario.thresholdsMs),
        exceedanceQuery(window, DATASET, scenario.thresholdsMs, "first_byte"),
        ttfbQuery(window, DATASET),
        labelsQuery(window, DATASET),
        decilesQuery(window, DATASET),
        binsQuery(window, DATASET, [0, 1]),
      ];
    });
    const functions = new Set<string>();
    const keywords = new Set<string>();
    const columns = new Set<string>();
    for (const sql of queries) {
      const code = sql.replace(/'(?:[^'\\]|\\.)*'/g, "''");
      for (const [, name] of code.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g))
        if (!(name! in DOCUMENTED_KEYWORDS)) functions.add(name!);
      for (const [word] of code.matchAll(/\b[A-Z]{2,}\b/g)) keywords.add(word);
      for (const [word] of code.matchAll(/\b(?:index|blob|double)\d+\b|\btimestamp\b|\b_sample_interval\b/g))
        columns.add(word);
    }
    expect([...functions].filter((name) => !(name in DOCUMENTED_FUNCTIONS))).toEqual([]);
    expect([...keywords].filter((word) => !(word in DOCUMENTED_KEYWORDS))).toEqual([]);
    expect([...columns].filter((name) => !AE_COLUMN.test(name))).toEqual([]);
    // The allow-list is not stale: each documented entry is one the reader really uses.
    expect(Object.keys(DOCUMENTED_FUNCTIONS).filter((name) => !functions.has(name))).toEqual([]);
  });
});
