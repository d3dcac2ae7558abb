// Embedded MetricsReader over the D1 `outcomes` table (fed by the same
// OutcomeWriter as Analytics Engine), so the whole loop runs offline.
// Reads issued together (the health loop checks its rollouts concurrently)
// are coalesced into one multi-window D1 statement per kind: with 100
// rollouts a tick costs a few round trips instead of hundreds (docs/design/health-loop.md).
// Contract: same results per call as a lone read; a failed coalesced read
// fails every call that shared it.
import type { ExceedanceMetric } from "../core/health";
import type { MetricsReader, MetricsWindow } from "../ports";
import { coalesce } from "./d1-coalesce";
import { readOutcomeExceedancesMany, readOutcomeWindows } from "./metrics-repo";
import { readPredictionsMany } from "./prediction-repo";

export function createEmbeddedReader(d1: D1Database): MetricsReader {
  const readWindow = coalesce((windows: MetricsWindow[]) => readOutcomeWindows(d1, windows));
  const readExceedances = coalesce(
    (items: { window: MetricsWindow; thresholdsMs: number[]; metric: ExceedanceMetric }[]) =>
      readOutcomeExceedancesMany(d1, items),
  );
  const readPredictions = coalesce((items: { window: MetricsWindow; edges: number[] | null }[]) =>
    readPredictionsMany(d1, items),
  );
  return {
    kind: "embedded",
    readWindow: (window) => readWindow(window),
    readExceedances: (window, thresholdsMs, metric = "latency") => readExceedances({ window, thresholdsMs, metric }),
    readPredictions: (window, edges) => readPredictions({ window, edges }),
  };
}
