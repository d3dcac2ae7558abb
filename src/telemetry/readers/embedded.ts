// Embedded MetricsReader over the D1 `outcomes` table (fed by the same
// OutcomeWriter as Analytics Engine), so the whole loop runs offline.
import { readOutcomeExceedances, readOutcomeWindow } from "../../store/metrics-repo";
import type { MetricsReader } from "./types";

export function createEmbeddedReader(d1: D1Database): MetricsReader {
  return {
    kind: "embedded",
    readWindow: (window) => readOutcomeWindow(d1, window),
    readExceedances: (window, thresholds) => readOutcomeExceedances(d1, window, thresholds),
  };
}
