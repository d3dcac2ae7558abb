// The health loop, one tick: for every active rollout, MEASURE (a
// MetricsReader) → JUDGE (core/health assessHealth, pure) → ACT (store:
// one guarded D1 batch per transition, then snapshot publish and webhook).
// Contract: every assessment is stored as a decision (holds included); a
// transition is applied only if the rollout and flag versions it was judged
// on are still current, so overlapping ticks cannot apply it twice; a crash
// after the D1 batch leaves D1 consistent and the next tick's reconcile
// republishes KV. One rollout's failure never stops the others.
// Cost (docs/design/health-loop.md): inputs (rollouts, baselines, rules) come in one D1 batch;
// rollouts are checked concurrently so their reads and hold decisions are
// coalesced by the embedded reader / decision writer into a few round trips
// per tick instead of ~5 per rollout. The AE reader stays at a small bound
// (HTTP API rate limits).
import {
  armOf,
  parseHealthSettings,
  scopeLabel,
  type ArmWindow,
  type Assessment,
  type HealthSettings,
} from "../core/health";
import { currentStage } from "../core/rollout-machine";
import { declaredAnswerChecks } from "../core/response-settings";
import { judge, type JudgeContext } from "./judge-scope";
import { stageLabelOf } from "../core/stage-label";
import type { RuleRow } from "../store/flag-repo";
import { decisionWriter } from "../store/decision-repo";
import {
  lastPromotionAt,
  loadTickState,
  saveBaseline,
  type StoredBaseline,
  type TickState,
} from "../store/tick-state-repo";
import { toRolloutRecord } from "../store/rollout-repo";
import { parseJson, type Db, type FlagRow, type RolloutRow } from "../store/db";
import type { MetricsReader, MetricsWindow } from "../ports";
import { applyRolloutDecision, applyRuleRollback, type ActDeps } from "./act";
import { probeReadiness } from "../telemetry/readiness";

export interface HealthLoopDeps extends ActDeps {
  db: Db;
  reader: MetricsReader;
  /** Rollouts checked at once (D1/AE round trips dominate a tick). Default by reader kind. */
  concurrency?: number;
}

export interface TickEntry {
  flagKey: string;
  rolloutId: string;
  scope: string;
  action: string;
  reason: string;
  applied: boolean;
}

export interface TickReport {
  checked: number;
  decisions: TickEntry[];
  errors: { flagKey: string; error: string }[];
}

export const DEFAULT_TICK_CONCURRENCY = 6;
/** Embedded reads are coalesced: the more rollouts in flight, the fewer D1 round trips. */
export const EMBEDDED_TICK_CONCURRENCY = 100;

async function loadBaseline(
  deps: HealthLoopDeps,
  flag: FlagRow,
  row: RolloutRow,
  settings: HealthSettings,
  stored: StoredBaseline | undefined,
): Promise<{ arm: ArmWindow | null; window: MetricsWindow }> {
  // Blue's traffic in the lookback window before the rollout, whatever rollout (if any) served it:
  // a flag whose blue only ever ran inside rollouts still has one.
  const windowOf = (fromMs: number, toMs: number): MetricsWindow => ({
    flagKey: flag.key,
    rolloutId: { any: true },
    stage: null,
    fromMs,
    toMs,
  });
  if (stored) return { arm: stored.arm, window: windowOf(stored.fromMs, stored.toMs) };
  // Captured once per rollout. Not before the flag's last promotion: blue was another model then.
  const promotedAt = await lastPromotionAt(deps.db, flag.key, row.createdAt);
  const window = windowOf(
    Math.max(row.createdAt - settings.baselineLookbackSeconds * 1000, promotedAt ?? Number.NEGATIVE_INFINITY),
    row.createdAt,
  );
  const arm = armOf(await deps.reader.readWindow(window), "blue", { kind: "rollout" });
  await saveBaseline(deps.db, {
    rolloutId: row.id,
    flagKey: flag.key,
    capturedAt: deps.now,
    fromMs: window.fromMs,
    toMs: window.toMs,
    metrics: arm,
  });
  return { arm, window };
}

async function checkRollout(
  deps: HealthLoopDeps,
  state: TickState,
  flag: FlagRow,
  row: RolloutRow,
  report: TickReport,
): Promise<void> {
  const flagSettings = parseJson(flag.settings) ?? {};
  const { settings, problems } = parseHealthSettings(flagSettings);
  const record = toRolloutRecord(row);
  const stage = currentStage(record);
  if (!stage) throw new Error(`rollout ${row.id} has no stage ${record.stageIndex}`);
  const readiness = settings.blueHealthUrl
    ? await probeReadiness(settings.blueHealthUrl, settings.readinessTimeoutMs, deps.fetch)
    : null;
  const window: MetricsWindow = {
    flagKey: flag.key,
    rolloutId: row.id,
    stage: stageLabelOf(stage),
    fromMs: record.stageStartedAt,
    toMs: deps.now + 1,
  };
  const [baseline, groups] = await Promise.all([
    loadBaseline(deps, flag, row, settings, state.baselines.get(row.id)),
    deps.reader.readWindow(window),
  ]);
  // Earlier stages: the current stage's window widened to every stage of this rollout, reaching back
  // at most the baseline lookback before this stage began (most recent blue, bounded scan).
  const earlier = {
    window: {
      ...window,
      stage: null,
      fromMs: Math.max(row.createdAt, record.stageStartedAt - settings.baselineLookbackSeconds * 1000),
    },
    groups: null,
  };
  const ctx: JudgeContext = {
    deps,
    record,
    settings,
    window,
    groups,
    baseline,
    earlier,
    readiness,
    exceedances: new Map(),
    declares: declaredAnswerChecks(flagSettings),
  };
  const extra = {
    reader: deps.reader.kind,
    window: { fromMs: window.fromMs, toMs: window.toMs, stage: window.stage },
    readiness,
    settingsProblems: problems,
  };
  const push = (assessment: Assessment, applied: boolean) =>
    report.decisions.push({
      flagKey: flag.key,
      rolloutId: row.id,
      scope: scopeLabel(assessment.scope),
      action: assessment.action,
      reason: assessment.reason,
      applied,
    });

  const decisionOf = (assessment: Assessment) => ({
    at: deps.now,
    flagKey: flag.key,
    rolloutId: row.id,
    rolloutVersion: row.version,
    assessment,
    applied: true,
    extra,
  });

  // Segments with their own green percentage are judged on their own outcomes.
  const rules: RuleRow[] = state.rules.get(flag.key) ?? [];
  for (const rule of rules) {
    if (rule.variant !== null || !(rule.percent !== null && rule.percent > 0)) continue;
    const assessment = await judge(ctx, { kind: "rule", ruleId: rule.id });
    const decision = decisionOf(assessment);
    if (assessment.action === "rollback")
      push(assessment, await applyRuleRollback(deps, flag.key, rule.id, rule.percent, decision, settings.webhook));
    else {
      await deps.recordDecision!(decision);
      push(assessment, true);
    }
  }

  const assessment = await judge(ctx, { kind: "rollout" });
  const decision = decisionOf(assessment);
  push(assessment, await applyRolloutDecision(deps, row, record, decision, settings.webhook));
}

export async function runHealthLoop(input: HealthLoopDeps): Promise<TickReport> {
  const report: TickReport = { checked: 0, decisions: [], errors: [] };
  // One writer per tick, so only this tick's concurrent decisions share a batch.
  const deps: HealthLoopDeps = { ...input, recordDecision: input.recordDecision ?? decisionWriter(input.db) };
  const state = await loadTickState(deps.db);
  const queue = [...state.rollouts];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      report.checked++;
      try {
        await checkRollout(deps, state, next.flag, next.rollout, report);
      } catch (error) {
        // Nothing was committed for this rollout (or its batch is whole): the next tick retries.
        report.errors.push({ flagKey: next.flag.key, error: String((error as Error).message ?? error) });
        console.error("health loop: rollout check failed", { flagKey: next.flag.key, error: String(error) });
      }
    }
  };
  const concurrency =
    deps.concurrency ?? (deps.reader.kind === "embedded" ? EMBEDDED_TICK_CONCURRENCY : DEFAULT_TICK_CONCURRENCY);
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));
  return report;
}
