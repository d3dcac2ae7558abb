// The embedded D1 reader against the shared scenario tables
// (test/fixtures/reader-scenarios.ts); the Analytics Engine reader runs the
// same tables over ClickHouse in test/clickhouse/ae-reader.test.ts. The
// embedded store is never sampled, so a row that stands for k requests is
// stored as k copies: the same requests, the same weighted figures.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { createEmbeddedReader } from "../../src/store/embedded-metrics-reader";
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

describe("metrics reader conformance: embedded D1 reader", () => {
  it("every ArmWindow field is exercised by some scenario (a new metric needs a scenario column, for both readers)", () => {
    expect(unexercisedFields(READER_SCENARIOS)).toEqual([]);
  });

  it.each(READER_SCENARIOS.map((scenario, index) => [scenario.name, scenario, index] as const))(
    "%s",
    async (_name, scenario, index) => {
      const copies = scenarioOutcomes(scenario, index).flatMap(({ outcome, sampleInterval }) =>
        Array.from({ length: sampleInterval }, (_, k) => ({ ...outcome, requestId: `${outcome.requestId}.${k}` })),
      );
      await createEmbeddedOutcomeStore(env.DB).insertBatch(copies);
      const reader = createEmbeddedReader(env.DB);
      const window = scenarioWindow(scenario, index);
      expect(sortGroups(await reader.readWindow(window))).toEqual(expectedGroups(scenario, "copies"));
      expect(sortGroups(await reader.readExceedances(window, scenario.thresholdsMs))).toEqual(
        expectedExceedances(scenario),
      );
      if (scenario.firstByteThresholdsMs)
        expect(sortGroups(await reader.readExceedances(window, scenario.firstByteThresholdsMs, "first_byte"))).toEqual(
          expectedExceedances(scenario, "first_byte"),
        );
      if (scenario.predictions) {
        expect(sortGroups(await reader.readPredictions(window, null))).toEqual(
          expectedPredictions(scenario.predictions, "deciles"),
        );
        expect(sortGroups(await reader.readPredictions(window, scenario.predictions.edges))).toEqual(
          expectedPredictions(scenario.predictions, "bins"),
        );
      }
    },
  );
});
