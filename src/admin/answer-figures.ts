// Reads what blue and green answered over one window through a MetricsReader
// (the same port and queries the health loop judges with, so Analytics Engine
// and the embedded store report alike) and turns it into report figures
// (core/health/answer-report.ts). Blue is always served traffic; green is
// served, or its mirrored answers in a shadow report.
// Reads: one for counts, one for labels/deciles, and for numeric predictions
// one at blue's deciles (the drift guard's bins) and one at the histogram's
// equal-width edges.
import { armOf, type HealthScope, type PredictionGroup } from "../core/health";
import {
  answerArmFigures,
  driftFigures,
  histogramEdges,
  type AnswerArmFigures,
  type DriftFigures,
  type Histogram,
} from "../core/health/answer-report";
import {
  binCategories,
  binEdges,
  labelCounts,
  predictionArmOf,
  predictsNumbers,
  valueCounts,
} from "../core/health/predictions";
import type { OutcomeKind } from "../core/outcome";
import { declaredAnswerChecks } from "../core/response-settings";
import type { MetricsReader, MetricsWindow } from "../ports";

export interface AnswerFigures {
  /** Which reader measured (production: analytics_engine). */
  reader: MetricsReader["kind"];
  /** What the flag declares today: a schema (invalid rate) and a prediction path (drift). */
  contract: { schema: boolean; prediction: string | null };
  blue: AnswerArmFigures;
  green: AnswerArmFigures;
  /** null without predictions from both arms to compare. */
  drift: DriftFigures | null;
  /** Numeric predictions only. */
  histogram: Histogram | null;
}

export interface AnswerFiguresOptions {
  /** Green's outcomes: served (a serving stage) or shadow (mirrored answers). */
  greenKind: OutcomeKind;
  /** The flag's settings JSON (parsed), for the declared contract. */
  flagSettings: unknown;
}

const SCOPE: HealthScope = { kind: "rollout" };

/** The declared contract as reports show it. */
export function contractOf(flagSettings: unknown): AnswerFigures["contract"] {
  const declared = declaredAnswerChecks(flagSettings);
  const prediction = (flagSettings as { response?: { prediction?: unknown } } | null)?.response?.prediction;
  return { schema: declared.schema, prediction: declared.prediction ? String(prediction) : null };
}

export async function readAnswerFigures(
  reader: MetricsReader,
  window: MetricsWindow,
  options: AnswerFiguresOptions,
): Promise<AnswerFigures> {
  const kind = options.greenKind;
  const [groups, predictions] = await Promise.all([reader.readWindow(window), reader.readPredictions(window, null)]);
  const blueArm = predictionArmOf(predictions, "blue", SCOPE);
  const greenArm = predictionArmOf(predictions, "green", SCOPE, kind);
  const figures: AnswerFigures = {
    reader: reader.kind,
    contract: contractOf(options.flagSettings),
    blue: answerArmFigures(armOf(groups, "blue", SCOPE), blueArm),
    green: answerArmFigures(armOf(groups, "green", SCOPE, kind), greenArm),
    drift: null,
    histogram: null,
  };
  const compared = (n: (arm: typeof blueArm) => number) => n(blueArm) > 0 && n(greenArm) > 0;
  // Which kind a flag predicts is read from blue, as the guard does; from green while blue has predicted nothing.
  const numeric = predictsNumbers(blueArm.values + blueArm.labeled > 0 ? blueArm : greenArm);
  if (!numeric) {
    if (compared((arm) => arm.labeled)) figures.drift = driftFigures(labelCounts(blueArm, greenArm), "labels");
    return figures;
  }
  const driftEdges = binEdges(blueArm);
  const drawEdges = histogramEdges([blueArm, greenArm]);
  const binned = (edges: number[]) =>
    edges.length > 0 ? reader.readPredictions(window, edges) : Promise.resolve<PredictionGroup[] | null>(null);
  const [atDeciles, atEdges] = await Promise.all([binned(driftEdges), binned(drawEdges)]);
  if (atDeciles && compared((arm) => arm.values)) {
    const counts = valueCounts(
      driftEdges,
      predictionArmOf(atDeciles, "blue", SCOPE),
      predictionArmOf(atDeciles, "green", SCOPE, kind),
    );
    if (counts) figures.drift = driftFigures(counts, "numbers");
  }
  if (atEdges) {
    const bins = (variant: "blue" | "green") =>
      predictionArmOf(atEdges, variant, SCOPE, variant === "blue" ? "served" : kind).bins ??
      new Array<number>(drawEdges.length + 1).fill(0);
    const categories = binCategories(drawEdges);
    figures.histogram = { edges: drawEdges, categories, blue: bins("blue"), green: bins("green") };
  }
  return figures;
}

/**
 * For reports whose other figures come from elsewhere: a reader that cannot be
 * read (Analytics Engine unreachable or not configured) leaves the answers
 * section null instead of failing the whole report. The reason is logged.
 */
export async function readAnswerFiguresOrNull(
  reader: MetricsReader,
  window: MetricsWindow,
  options: AnswerFiguresOptions,
): Promise<AnswerFigures | null> {
  try {
    return await readAnswerFigures(reader, window, options);
  } catch (error) {
    console.error("answer figures: metrics reader failed", { flag: window.flagKey, error: String(error) });
    return null;
  }
}
