// /flags/{key}/rollouts: start one with a fresh salt, read the current one,
// and drive it through the pure state machine in core/rollout-machine.ts, the
// same one the health loop uses, with the same flag effects (effectChanges:
// kill on rollback, blue-green swap on promote). pause and rollback are
// safety actions (operate scope, If-Match optional); the rest need admin.
import { OpenAPIHono } from "@hono/zod-openapi";
import {
  applyRolloutAction,
  DEFAULT_HOLD_SECONDS,
  DEFAULT_STAGE_PLAN,
  isLive,
  startRollout,
  validateStagePlan,
  type RolloutAction,
  type RolloutRecord,
} from "../../core/rollout-machine";
import { rolloutSalt } from "../../core/bucket";
import type { RolloutSpec } from "../../core/types";
import { commitChange, flagAtVersion, rolloutAtVersion, type Statement } from "../../store/admin-tx";
import { updateFlag } from "../../store/flag-repo";
import {
  insertRollout,
  latestRollout,
  toRolloutRecord,
  updateRollout,
  type RolloutRow,
} from "../../store/rollout-repo";
import { readFlagSnapshot } from "../../store/snapshot-builder";
import { afterCommit, auditBase, checkIfMatch, etagOf, type AdminContext, type AdminEnv } from "../context";
import { ApiError, validationHook, writeFailureToApi } from "../errors";
import { assertPublishable } from "../flag-model";
import { adminRoute, body, json } from "../route-def";
import { FlagParams, RolloutStart } from "../schemas";
import { Rollout } from "../response-schemas";
import { loadFlag } from "./flags";
import { effectChanges } from "../../store/health-repo";
import { parseHealthSettings } from "../../core/health/settings";
import { probeReadiness } from "../../telemetry/readiness";

export const rolloutRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

function rolloutView(flagKey: string, row: Pick<RolloutRow, "version" | "createdAt">, record: RolloutRecord) {
  return {
    ...record,
    flagKey,
    salt: rolloutSalt(flagKey, record.id),
    stage: record.stages[record.stageIndex] ?? null,
    version: row.version,
    createdAt: row.createdAt,
  };
}

function rolloutSpec(record: RolloutRecord): RolloutSpec | null {
  if (!isLive(record.state)) return null;
  const stage = record.stages[record.stageIndex];
  return {
    id: record.id,
    state: record.state,
    stageIndex: record.stageIndex,
    stageMode: stage?.mode ?? "shadow",
    percent: stage?.mode === "serve" ? stage.percent : 0,
  };
}

rolloutRoutes.openapi(
  adminRoute({
    method: "post",
    path: "/flags/{key}/rollouts",
    scope: "admin",
    tags: ["rollouts"],
    summary: "Start a rollout with a fresh salt; {} starts the default plan (If-Match: flag ETag)",
    request: { params: FlagParams, body: body(RolloutStart) },
    responses: { 201: json(Rollout, "the rollout") },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.get("db");
    const flag = await loadFlag(c, key);
    checkIfMatch(c, etagOf("flag", flag.version));
    const plan = validateStagePlan(input.stages ?? DEFAULT_STAGE_PLAN);
    if (!plan.ok)
      throw new ApiError("invalid_ruleset", `${plan.error.path}: ${plan.error.message}`, { path: plan.error.path });
    const current = await latestRollout(db, key);
    if (current && isLive(current.state as RolloutRecord["state"]))
      throw new ApiError("conflict", `flag "${key}" already has a ${current.state} rollout (${current.id})`);
    if (flag.killSwitch) throw new ApiError("conflict", "the kill switch is on; turn it off before starting a rollout");
    // Blue is the rollback target: a rollout must not start while it cannot take traffic back.
    const { settings: health } = parseHealthSettings(JSON.parse(flag.settings));
    if (health.blueHealthUrl) {
      const readiness = await probeReadiness(health.blueHealthUrl, health.readinessTimeoutMs);
      if (!readiness.ready)
        throw new ApiError(
          "conflict",
          `blue is not ready (${readiness.error}); it must be healthy to serve as the rollback target`,
          { reason: "blue_not_ready", readiness },
        );
    }
    const now = c.get("now");
    const record = startRollout(crypto.randomUUID(), plan.value, input.holdSeconds ?? DEFAULT_HOLD_SECONDS, now);
    const snapshot = await readFlagSnapshot(c.env.DB, key);
    if (snapshot) assertPublishable({ ...snapshot, version: flag.version + 1, rollout: rolloutSpec(record) });
    const committed = await commitChange(
      db,
      {
        guards: [flagAtVersion(key, flag.version)],
        statements: [insertRollout(db, key, record, now), updateFlag(db, key, {}, now)],
        audit: {
          ...auditBase(c),
          action: "rollout.start",
          resourceType: "rollout",
          resourceId: record.id,
          flagKey: key,
          before: null,
          after: record,
        },
      },
      now,
    );
    if (!committed.ok) throw writeFailureToApi(committed.error, `flag "${key}"`);
    await afterCommit(c, [key]);
    c.header("ETag", etagOf("rollout", 1));
    return c.json(rolloutView(key, { version: 1, createdAt: now }, record), 201);
  },
);

async function loadRollout(c: AdminContext, key: string): Promise<RolloutRow> {
  await loadFlag(c, key);
  const row = await latestRollout(c.get("db"), key);
  if (!row) throw new ApiError("not_found", `flag "${key}" has no rollout`);
  return row;
}

rolloutRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags/{key}/rollouts/current",
    scope: "read",
    tags: ["rollouts"],
    summary: "The live rollout, else the most recent one",
    request: { params: FlagParams },
    responses: { 200: json(Rollout, "the rollout") },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const row = await loadRollout(c, key);
    c.header("ETag", etagOf("rollout", row.version));
    return c.json(rolloutView(key, row, toRolloutRecord(row)), 200);
  },
);

// pause and rollback are safety actions: a missing If-Match applies them to the current version.
const ACTION_SCOPE = {
  pause: "operate",
  rollback: "operate",
  resume: "admin",
  advance: "admin",
  promote: "admin",
} as const;

for (const action of Object.keys(ACTION_SCOPE) as RolloutAction[]) {
  rolloutRoutes.openapi(
    adminRoute({
      method: "post",
      path: `/flags/{key}/rollouts/current/${action}`,
      scope: ACTION_SCOPE[action],
      tags: ["rollouts"],
      summary: `${action} the live rollout (If-Match: rollout ETag${ACTION_SCOPE[action] === "operate" ? ", optional" : ""})`,
      request: { params: FlagParams },
      responses: { 200: json(Rollout, "the rollout after the transition") },
    }),
    async (c) => {
      const { key } = c.req.valid("param");
      const db = c.get("db");
      const flag = await loadFlag(c, key);
      const row = await loadRollout(c, key);
      checkIfMatch(c, etagOf("rollout", row.version), { optional: ACTION_SCOPE[action] === "operate" });
      const now = c.get("now");
      const transition = applyRolloutAction(toRolloutRecord(row), action, now);
      if (!transition.ok)
        throw new ApiError("conflict", transition.error.message, { reason: transition.error.code, state: row.state });
      const next = transition.value.rollout;
      const flagChanges = effectChanges(flag, transition.value.effects, `rollout rolled back by ${c.get("actor").id}`);
      const snapshot = await readFlagSnapshot(c.env.DB, key);
      if (snapshot) {
        const promoted =
          flagChanges.blueOrigin !== undefined
            ? { blue: JSON.parse(flag.greenOrigin), green: snapshot.origins.green }
            : snapshot.origins;
        assertPublishable({
          ...snapshot,
          version: flag.version + 1,
          killSwitch: flagChanges.killSwitch ?? snapshot.killSwitch,
          origins: promoted,
          rollout: rolloutSpec(next),
        });
      }
      const statements: Statement[] = [updateRollout(db, next, now), updateFlag(db, key, flagChanges, now)];
      const committed = await commitChange(
        db,
        {
          guards: [rolloutAtVersion(row.id, row.version), flagAtVersion(key, flag.version)],
          statements,
          audit: {
            ...auditBase(c),
            action: `rollout.${action}`,
            resourceType: "rollout",
            resourceId: row.id,
            flagKey: key,
            before: toRolloutRecord(row),
            after: { ...next, flagChanges },
          },
        },
        now,
      );
      if (!committed.ok) throw writeFailureToApi(committed.error, `rollout of flag "${key}"`);
      await afterCommit(c, [key]);
      c.header("ETag", etagOf("rollout", row.version + 1));
      return c.json(rolloutView(key, { version: row.version + 1, createdAt: row.createdAt }, next), 200);
    },
  );
}
