// ACT: applies one assessment. Holds become a decision row; transitions go
// through the pure rollout machine (the same one the admin API uses) and
// commit as one guarded D1 batch (rollout + flag effects + decision + audit,
// actor "health-loop"); then the snapshot is published and the webhook is
// queued. A lost version race is recorded (applied = false), never retried
// blindly: the next tick re-judges from fresh state.
import type { Assessment, HealthSettings } from "../core/health";
import { applyRolloutAction, type RolloutRecord } from "../core/rollout-machine";
import { publishFlags } from "../store/admin-publish";
import { commitRuleRollback, commitTransition, currentFlag } from "../store/health-repo";
import { recordDecision, type DecisionRecord } from "../store/decision-repo";
import type { Db, RolloutRow } from "../store/db";
import { sendWebhook, type WebhookDelivery } from "./webhook";

export interface ActDeps {
  db: Db;
  d1: D1Database;
  kv: KVNamespace;
  now: number;
  /** Audit request id of this tick. */
  tickId: string;
  /** Secret lookup by name (webhook HMAC keys). */
  secret: (name: string) => string | undefined;
  fetch?: typeof fetch;
  /** Webhook deliveries in flight; the tick awaits them after all decisions are made. */
  deliveries: Promise<WebhookDelivery>[];
  /** Drops this isolate's flag cache so the hot path sees the change at once. */
  invalidate: () => void;
  webhookSleep?: (ms: number) => Promise<void>;
  /** Minimum ms between two KV publishes (admin-publish.ts); the tick awaits a trailing one. */
  publishGapMs?: number;
  /** Records a decision without a transition (the health loop passes a batching writer). */
  recordDecision?: (decision: DecisionRecord) => Promise<void>;
}

const writeDecision = (deps: ActDeps, decision: DecisionRecord) =>
  deps.recordDecision ? deps.recordDecision(decision) : recordDecision(deps.db, decision);

type Webhook = HealthSettings["webhook"];

async function publish(deps: ActDeps, flagKey: string): Promise<void> {
  try {
    await publishFlags(deps.d1, deps.kv, [flagKey], { gapMs: deps.publishGapMs });
  } catch (error) {
    // D1 already holds the decision; the next tick's reconcile republishes KV.
    console.error("health loop: snapshot publish failed after commit", { flagKey, error: String(error) });
  } finally {
    deps.invalidate();
  }
}

function notify(deps: ActDeps, webhook: Webhook, decision: DecisionRecord, extra: Record<string, unknown>): void {
  if (!webhook) return;
  const secret = deps.secret(webhook.secretName);
  if (!secret) {
    console.warn("health webhook skipped: secret not set", {
      flagKey: decision.flagKey,
      secretName: webhook.secretName,
    });
    return;
  }
  const a: Assessment = decision.assessment;
  const payload = {
    event: "switchyard.decision",
    at: new Date(decision.at).toISOString(),
    flagKey: decision.flagKey,
    rolloutId: decision.rolloutId,
    scope: a.scope,
    action: a.action,
    reason: a.reason,
    stageIndex: a.stageIndex,
    blueReady: a.blueReady,
    control: a.control,
    samples: a.samples,
    guards: a.guards,
    ...extra,
  };
  deps.deliveries.push(
    sendWebhook({ url: webhook.url, secret, payload, now: deps.now, fetch: deps.fetch, sleep: deps.webhookSleep }),
  );
}

/** Applies the rollout-scope decision; returns whether it was applied. */
export async function applyRolloutDecision(
  deps: ActDeps,
  row: RolloutRow,
  record: RolloutRecord,
  decision: DecisionRecord,
  webhook: Webhook,
): Promise<boolean> {
  const action = decision.assessment.action;
  if (action === "hold") {
    await writeDecision(deps, decision);
    return true;
  }
  const transition = applyRolloutAction(record, action, deps.now);
  const flag = await currentFlag(deps.db, row.flagKey);
  if (!transition.ok || !flag) {
    const error = transition.ok ? "flag vanished" : transition.error.code;
    await writeDecision(deps, { ...decision, applied: false, extra: { ...decision.extra, error } });
    return false;
  }
  const committed = await commitTransition(
    deps.db,
    {
      flag,
      rolloutRow: row,
      next: transition.value.rollout,
      effects: transition.value.effects,
      decision,
      before: record,
      tickId: deps.tickId,
    },
    deps.now,
  );
  if (!committed.ok) {
    // Another tick or an operator changed the rollout/flag since it was read.
    await writeDecision(deps, {
      ...decision,
      applied: false,
      extra: { ...decision.extra, error: committed.error.kind },
    });
    return false;
  }
  await publish(deps, row.flagKey);
  notify(deps, webhook, decision, {
    nextStageIndex: transition.value.rollout.stageIndex,
    flagChanges: committed.value,
  });
  return true;
}

/** Per-segment rollback: the rule's green share goes to 0 %; the rollout carries on. */
export async function applyRuleRollback(
  deps: ActDeps,
  flagKey: string,
  ruleId: string,
  percentBefore: number,
  decision: DecisionRecord,
  webhook: Webhook,
): Promise<boolean> {
  const flag = await currentFlag(deps.db, flagKey);
  const committed = flag
    ? await commitRuleRollback(deps.db, flag, ruleId, percentBefore, decision, deps.tickId, deps.now)
    : null;
  if (!committed?.ok) {
    await writeDecision(deps, {
      ...decision,
      applied: false,
      extra: { ...decision.extra, error: committed ? committed.error.kind : "flag vanished" },
    });
    return false;
  }
  await publish(deps, flagKey);
  notify(deps, webhook, decision, { ruleId, percentBefore, percentAfter: 0 });
  return true;
}
