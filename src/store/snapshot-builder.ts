// Rows → one flag's snapshot (the JSON published to KV), validated by the
// same core compiler the hot path uses, so nothing invalid is ever published.
// Plain D1 statements, no drizzle: the router's D1 fallback (snapshot-store.ts)
// loads this module, and every module of the router's bundle is compiled when
// an isolate starts (docs/design/routing-hot-path.md, "Start-up cost"). The
// tables and columns below are held to schema.ts by test/store/snapshot-builder.test.ts.
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
import { parseJson } from "./json-column";

/** What a snapshot reads, by schema.ts's export name: table, and columns by schema.ts property name. */
export const SNAPSHOT_SOURCES = {
  flags: {
    table: "flags",
    columns: {
      key: "key",
      version: "version",
      killSwitch: "kill_switch",
      routeMethod: "route_method",
      routePath: "route_path",
      routeHost: "route_host",
      blueOrigin: "blue_origin",
      greenOrigin: "green_origin",
      timeoutMs: "timeout_ms",
      failover: "failover",
      unitKeySource: "unit_key_source",
      unitKeyName: "unit_key_name",
      settings: "settings",
    },
  },
  flagRules: {
    table: "flag_rules",
    columns: {
      flagKey: "flag_key",
      id: "id",
      position: "position",
      segmentKey: "segment_key",
      variant: "variant",
      percent: "percent",
    },
  },
  segments: { table: "segments", columns: { key: "key", constraints: "constraints", negate: "negate" } },
  overrides: { table: "overrides", columns: { flagKey: "flag_key", unitKey: "unit_key", variant: "variant" } },
  rollouts: {
    table: "rollouts",
    columns: { id: "id", flagKey: "flag_key", stages: "stages", stageIndex: "stage_index", state: "state" },
  },
} as const;

const { flags, flagRules: rules, segments, overrides, rollouts } = SNAPSHOT_SOURCES;
const q = (name: string) => `"${name}"`;

const FLAG_SQL = `SELECT ${Object.entries(flags.columns)
  .map(([property, column]) => `${q(column)} AS ${q(property)}`)
  .join(", ")} FROM ${q(flags.table)} WHERE ${q(flags.columns.key)} = ?1 LIMIT 1`;

const RULES_SQL = `SELECT r.${q(rules.columns.id)} AS "id", r.${q(rules.columns.variant)} AS "variant",
    r.${q(rules.columns.percent)} AS "percent", s.${q(segments.columns.key)} AS "segmentKey",
    s.${q(segments.columns.constraints)} AS "constraints", s.${q(segments.columns.negate)} AS "negate"
  FROM ${q(rules.table)} AS r INNER JOIN ${q(segments.table)} AS s ON r.${q(rules.columns.segmentKey)} = s.${q(segments.columns.key)}
  WHERE r.${q(rules.columns.flagKey)} = ?1 ORDER BY r.${q(rules.columns.position)} ASC`;

const OVERRIDES_SQL = `SELECT ${q(overrides.columns.unitKey)} AS "unitKey", ${q(overrides.columns.variant)} AS "variant"
  FROM ${q(overrides.table)} WHERE ${q(overrides.columns.flagKey)} = ?1`;

// The live states are bound after the flag key: ?2, ?3, …
const ROLLOUT_SQL = `SELECT ${q(rollouts.columns.id)} AS "id", ${q(rollouts.columns.stages)} AS "stages",
    ${q(rollouts.columns.stageIndex)} AS "stageIndex", ${q(rollouts.columns.state)} AS "state"
  FROM ${q(rollouts.table)} WHERE ${q(rollouts.columns.flagKey)} = ?1
    AND ${q(rollouts.columns.state)} IN (${LIVE_ROLLOUT_STATES.map((_, i) => `?${i + 2}`).join(", ")}) LIMIT 1`;

/** A `flags` row as the statements here read it (SQLite booleans are 0/1). */
export interface FlagRow {
  key: string;
  version: number;
  killSwitch: number;
  routeMethod: string;
  routePath: string;
  routeHost: string | null;
  blueOrigin: string;
  greenOrigin: string;
  timeoutMs: number;
  failover: number;
  unitKeySource: string;
  unitKeyName: string;
  settings: string;
}
interface RuleRow {
  id: string;
  variant: string | null;
  percent: number | null;
  segmentKey: string;
  constraints: string;
  negate: number;
}
interface OverrideRow {
  unitKey: string;
  variant: string;
}
interface RolloutRow {
  id: string;
  stages: string;
  stageIndex: number;
  state: string;
}

/** SQLite stores booleans as 0/1 (drizzle's boolean mode reads them the same way). */
const bool = (value: number) => Number(value) === 1;

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

/**
 * Reads one flag's rows and assembles its snapshot (unvalidated); null if no
 * such flag. One D1 batch: one round trip, and the four reads see one state.
 */
export async function readFlagSnapshot(d1: D1Database, flagKey: string): Promise<FlagSnapshot | null> {
  const [flagRead, ruleRead, overrideRead, rolloutRead] = await d1.batch([
    d1.prepare(FLAG_SQL).bind(flagKey),
    d1.prepare(RULES_SQL).bind(flagKey),
    d1.prepare(OVERRIDES_SQL).bind(flagKey),
    d1.prepare(ROLLOUT_SQL).bind(flagKey, ...LIVE_ROLLOUT_STATES),
  ]);
  const flag = (flagRead!.results as FlagRow[])[0];
  if (!flag) return null;
  const ruleSpecs: RuleSpec[] = (ruleRead!.results as RuleRow[]).map((rule) => ({
    id: rule.id,
    segment: {
      key: rule.segmentKey,
      constraints: parseJson<ConstraintSpec[]>(rule.constraints) ?? [],
      negate: bool(rule.negate),
    },
    ...(rule.variant !== null ? { variant: rule.variant as Variant } : { percent: rule.percent ?? 0 }),
  }));
  const settings = parseJson<{ shadow?: Partial<ShadowSpec>; response?: Partial<ResponseSpec> }>(flag.settings);
  const overrideMap: Record<string, Variant> = {};
  for (const row of overrideRead!.results as OverrideRow[]) overrideMap[row.unitKey] = row.variant as Variant;
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    hashVersion: HASH_VERSION,
    key: flag.key,
    version: flag.version,
    killSwitch: bool(flag.killSwitch),
    route: { method: flag.routeMethod, path: flag.routePath, ...(flag.routeHost ? { host: flag.routeHost } : {}) },
    origins: {
      blue: parseJson<OriginSpec>(flag.blueOrigin) ?? {},
      green: parseJson<OriginSpec>(flag.greenOrigin) ?? {},
    },
    timeoutMs: flag.timeoutMs,
    failover: bool(flag.failover),
    unitKey: { source: flag.unitKeySource as FlagSnapshot["unitKey"]["source"], name: flag.unitKeyName },
    rules: ruleSpecs,
    overrides: overrideMap,
    rollout: toRolloutSpec((rolloutRead!.results as RolloutRow[])[0]),
    shadow: { ...DEFAULT_SHADOW, ...settings?.shadow },
    response: { ...DEFAULT_RESPONSE, ...settings?.response },
  };
}

/** Reads and validates; an invalid ruleset is reported, never published. */
export async function buildValidSnapshot(
  d1: D1Database,
  flagKey: string,
): Promise<Result<FlagSnapshot, SnapshotError | { code: "not_found" }>> {
  const snapshot = await readFlagSnapshot(d1, flagKey);
  if (!snapshot) return err({ code: "not_found" });
  const compiled = compileSnapshot(snapshot);
  return compiled.ok ? ok(snapshot) : err(compiled.error);
}
