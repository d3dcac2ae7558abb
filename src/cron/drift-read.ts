// Reads what the prediction_drift guard compares (docs/design/answer-checks.md):
// control's and green's predictions over the same categories. Labels come in
// one read per window; numbers take two, because green is binned at control's
// deciles, which must be read first. A window read for both arms (concurrent
// control) is read once per kind. Returns null while control has predicted
// nothing (the guard then waits, `insufficient`).
import type { HealthScope, PredictionGroup } from "../core/health";
import type { OutcomeKind } from "../core/outcome";
import {
  binEdges,
  labelCounts,
  predictionArmOf,
  predictsNumbers,
  valueCounts,
  type DriftCounts,
} from "../core/health/predictions";
import type { MetricsReader, MetricsWindow } from "../ports";

export interface ControlSource {
  window: MetricsWindow;
  scope: HealthScope;
}

export async function readDrift(
  reader: MetricsReader,
  green: { window: MetricsWindow; scope: HealthScope; kind: OutcomeKind },
  control: ControlSource,
): Promise<DriftCounts | null> {
  const shared = control.window === green.window;
  const read = (window: MetricsWindow, edges: number[] | null) => reader.readPredictions(window, edges);
  const controlGroups = await read(control.window, null);
  const controlArm = predictionArmOf(controlGroups, "blue", control.scope);
  const greenOf = (groups: PredictionGroup[]) => predictionArmOf(groups, "green", green.scope, green.kind);
  if (!predictsNumbers(controlArm)) {
    if (controlArm.labeled === 0) return null;
    const greenArm = greenOf(shared ? controlGroups : await read(green.window, null));
    return labelCounts(controlArm, greenArm);
  }
  const edges = binEdges(controlArm);
  if (edges.length === 0) return null;
  const binnedGreen = await read(green.window, edges);
  const binnedControl = shared ? binnedGreen : await read(control.window, edges);
  return valueCounts(edges, predictionArmOf(binnedControl, "blue", control.scope), greenOf(binnedGreen));
}
