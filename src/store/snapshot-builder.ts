// Rows → one flag's snapshot (the JSON published to KV), validated by the
// same core compiler the hot path uses, so nothing invalid is ever published.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Stage } from "../core/rollout-machine";
import { compileSnapshot, type SnapshotError } from "../core/snapshot";
import { err, ok, type Result } from "../core/result";
import {
  HASH_VERSION,
  LIVE_ROLLOUT_STATES,
  SNAPSHOT_SCHEMA_VERSION,
  type ConstraintSpec,
  type FlagSnapshot,
  type OriginSpec,
  type RolloutSpec,
  type RuleSpec,
  type Variant,
} from "../core/types";
import { DEFAULT_SHADOW, type ShadowSpec } from "../core/shadow/settings";
import { DEFAULT_RESPONSE, type ResponseSpec } from "../core/response-settings";
import { parseJson, type Db, type RolloutRow } from "./db";
import * as schema from "./schema";

function toRolloutSpec(row: RolloutRow | undefined): RolloutSpec | null {
  if (!row) return null;
  const stage = parseJson<Stage[]>(row.stages)?.[row.stageIndex];
  return {
    id: row.id,
    state: row.state as RolloutSpec["state"],
    stageIndex: row.stageIndex,
    stageMode: stage?.mode ?? "shadow",
    percent: stage?.mode === "serve" ? stage.percent : 0,
  };
}

/** Reads one flag's rows and assembles its snapshot (unvalidated); null if no such flag. */
export async function readFlagSnapshot(db: Db, flagKey: string): Promise<FlagSnapshot | null> {
  const flag = await db.query.flags.findFirst({ where: eq(schema.flags.key, flagKey) });
  if (!flag) return null;
  const [ruleRows, overrideRows, rolloutRows] = await Promise.all([
    db
      .select({ rule: schema.flagRules, segment: schema.segments })
      .from(schema.flagRules)
      .innerJoin(schema.segments, eq(schema.flagRules.segmentKey, schema.segments.key))
      .where(eq(schema.flagRules.flagKey, flagKey))
      .orderBy(asc(schema.flagRules.position)),
    db
      .select({ unitKey: schema.overrides.unitKey, variant: schema.overrides.variant })
      .from(schema.overrides)
      .where(eq(schema.overrides.flagKey, flagKey)),
    db
      .select()
      .from(schema.rollouts)
      .where(and(eq(schema.rollouts.flagKey, flagKey), inArray(schema.rollouts.state, [...LIVE_ROLLOUT_STATES])))
      .limit(1),
  ]);
  const rules: RuleSpec[] = ruleRows.map(({ rule, segment }) => ({
    id: rule.id,
    segment: {
      key: segment.key,
      constraints: parseJson<ConstraintSpec[]>(segment.constraints) ?? [],
      negate: segment.negate,
    },
    ...(rule.variant !== null ? { variant: rule.variant as Variant } : { percent: rule.percent ?? 0 }),
  }));
  const settings = parseJson<{ shadow?: Partial<ShadowSpec>; response?: Partial<ResponseSpec> }>(flag.settings);
  const overrideMap: Record<string, Variant> = {};
  for (const row of overrideRows) overrideMap[row.unitKey] = row.variant as Variant;
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    hashVersion: HASH_VERSION,
    key: flag.key,
    version: flag.version,
    killSwitch: flag.killSwitch,
    route: { method: flag.routeMethod, path: flag.routePath, ...(flag.routeHost ? { host: flag.routeHost } : {}) },
    origins: {
      blue: parseJson<OriginSpec>(flag.blueOrigin) ?? {},
      green: parseJson<OriginSpec>(flag.greenOrigin) ?? {},
    },
    timeoutMs: flag.timeoutMs,
    failover: flag.failover,
    unitKey: { source: flag.unitKeySource as FlagSnapshot["unitKey"]["source"], name: flag.unitKeyName },
    rules,
    overrides: overrideMap,
    rollout: toRolloutSpec(rolloutRows[0]),
    shadow: { ...DEFAULT_SHADOW, ...settings?.shadow },
    response: { ...DEFAULT_RESPONSE, ...settings?.response },
  };
}

/** Reads and validates; an invalid ruleset is reported, never published. */
export async function buildValidSnapshot(
  db: Db,
  flagKey: string,
): Promise<Result<FlagSnapshot, SnapshotError | { code: "not_found" }>> {
  const snapshot = await readFlagSnapshot(db, flagKey);
  if (!snapshot) return err({ code: "not_found" });
  const compiled = compileSnapshot(snapshot);
  return compiled.ok ? ok(snapshot) : err(compiled.error);
}
