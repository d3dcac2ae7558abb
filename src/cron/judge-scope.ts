// One scope of one rollout, judged: read what the guards need beyond the
// window aggregates (the control's source, latency and first-byte
// exceedances, predictions) and call the pure judge. Reads are made only once
// the guards will run, and shared within a tick (exceedances per window and
// thresholds; earlier-stage blue once per rollout). docs/design/health-loop.md
import {
  aboveOf,
  armOf,
  assessHealth,
  chooseControl,
  exceedanceThresholds,
  requiredSamples,
  type ArmWindow,
  type Assessment,
  type ControlKind,
  type ExceedanceGroup,
  type ExceedanceMetric,
  type HealthScope,
  type HealthSettings,
  type WindowGroup,
} from "../core/health";
import { ttfbThreshold } from "../core/health/answer-guards";
import type { DriftCounts } from "../core/health/predictions";
import { currentStage, type RolloutRecord } from "../core/rollout-machine";
import type { MetricsReader, MetricsWindow } from "../ports";
import type { Readiness } from "../telemetry/readiness";
import { readDrift, type ControlSource } from "./drift-read";

export interface JudgeContext {
  /** The tick's reader and clock. */
  deps: { reader: MetricsReader; now: number };
  record: RolloutRecord;
  settings: HealthSettings;
  window: MetricsWindow;
  groups: WindowGroup[];
  baseline: { arm: ArmWindow | null; window: MetricsWindow };
  /** Blue of this rollout in any stage: read at most once per tick, only when a scope's concurrent blue is short. */
  earlier: { window: MetricsWindow; groups: Promise<WindowGroup[]> | null };
  readiness: Readiness | null;
  exceedances: Map<string, Promise<ExceedanceGroup[]>>;
  /** What the flag declares about its answers (schema → invalid_rate, prediction path → prediction_drift). */
  declares: { schema: boolean; prediction: boolean };
}

function exceedancesOf(
  ctx: JudgeContext,
  window: MetricsWindow,
  thresholds: number[],
  metric: ExceedanceMetric = "latency",
): Promise<ExceedanceGroup[]> {
  const key = JSON.stringify([window.rolloutId, window.stage, window.fromMs, window.toMs, thresholds, metric]);
  let pending = ctx.exceedances.get(key);
  if (!pending) ctx.exceedances.set(key, (pending = ctx.deps.reader.readExceedances(window, thresholds, metric)));
  return pending;
}

/** Where the chosen control's outcomes are: the window to read and the scope to slice it by. */
function controlSource(ctx: JudgeContext, kind: ControlKind, scope: HealthScope): ControlSource {
  if (kind === "earlier_stages") return { window: ctx.earlier.window, scope };
  if (kind === "baseline") return { window: ctx.baseline.window, scope: { kind: "rollout" } };
  return { window: ctx.window, scope };
}

export async function judge(ctx: JudgeContext, scope: HealthScope): Promise<Assessment> {
  const shadowRows = armOf(ctx.groups, "green", scope, "shadow");
  // In a shadow stage green serves nobody: its mirrored answers (inspected like served ones) are its sample,
  // judged against blue's served answers; predictions too (readDrift with greenKind).
  const greenKind = currentStage(ctx.record)?.mode === "shadow" ? "shadow" : "served";
  const blue = armOf(ctx.groups, "blue", scope);
  const green = greenKind === "shadow" ? shadowRows : armOf(ctx.groups, "green", scope);
  const baseline = scope.kind === "rollout" ? ctx.baseline.arm : null;
  const required = requiredSamples(ctx.record);
  let earlier: ArmWindow | null = null;
  if (blue.rows < required) {
    ctx.earlier.groups ??= ctx.deps.reader.readWindow(ctx.earlier.window);
    earlier = armOf(await ctx.earlier.groups, "blue", scope);
  }
  const control = chooseControl({ blue, earlier, baseline }, required);
  let above: { green: number[]; control: number[] } | null = null;
  let aboveFirstByte: { green: number; control: number } | null = null;
  let drift: DriftCounts | null = null;
  // Exceedance counts and predictions are only worth a query once the guards will run.
  if (green.rows >= required && control.arm) {
    const source = controlSource(ctx, control.kind, scope);
    const tails = async (thresholds: number[], metric: ExceedanceMetric) => {
      const current = await exceedancesOf(ctx, ctx.window, thresholds, metric);
      const controlGroups =
        source.window === ctx.window ? current : await exceedancesOf(ctx, source.window, thresholds, metric);
      return {
        green: aboveOf(current, "green", scope, thresholds.length, greenKind),
        control: aboveOf(controlGroups, "blue", source.scope, thresholds.length),
      };
    };
    above = await tails(exceedanceThresholds(ctx.settings, control.arm), "latency");
    const firstByteLimit = ttfbThreshold(ctx.settings.guards, control.arm);
    if (firstByteLimit !== null && (green.streamed > 0 || control.arm.streamed > 0)) {
      const counts = await tails([firstByteLimit], "first_byte");
      aboveFirstByte = { green: counts.green[0] ?? 0, control: counts.control[0] ?? 0 };
    }
    if (ctx.declares.prediction)
      drift = await readDrift(ctx.deps.reader, { window: ctx.window, scope, kind: greenKind }, source);
  }
  return assessHealth({
    now: ctx.deps.now,
    rollout: ctx.record,
    scope,
    settings: ctx.settings,
    green,
    blue,
    earlier,
    baseline,
    above,
    aboveFirstByte,
    drift,
    shadow: { pairs: shadowRows.shadowPairs, agreements: shadowRows.shadowAgreements },
    blueReady: ctx.readiness ? ctx.readiness.ready : null,
    declares: ctx.declares,
  });
}
