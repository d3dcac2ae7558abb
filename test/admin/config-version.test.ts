// Every write path that changes a flag's index entry (kill switch included)
// moves the one-row configuration version in the same D1 batch: the hot path
// re-reads the index only when that version moved, so a path that forgot it
// would leave isolates serving the old index (a slow kill switch). Table-driven
// over the admin API and the health loop's own transitions, and a direct SQL
// edit behind the API's back. The steady-state probe reads no `flags` row.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { applyRolloutDecision, applyRuleRollback, type ActDeps } from "../../src/cron/act";
import { openDb } from "../../src/store/db";
import type { DecisionRecord } from "../../src/store/decision-repo";
import { toRolloutRecord } from "../../src/store/rollout-repo";
import { readIndexSince } from "../../src/store/snapshot-store";
import type { Assessment } from "../../src/core/health";
import { call, createFlag, createSegment, flagEtag } from "./helpers";
import { rolloutOf, stage, startRollout } from "../cron/helpers";
import { seedSegmentRule } from "../helpers/seed";

const configVersion = async () =>
  (await env.DB.prepare("SELECT version FROM config_version WHERE id = 1").first<{ version: number }>())!.version;

async function ok(response: Promise<Response>) {
  const answered = await response;
  if (answered.status >= 300) throw new Error(`${answered.status} ${await answered.text()}`);
}

/** The D1 binding, reporting each statement's `meta.rows_read` (what D1 bills). */
function countRowsRead(d1: D1Database, add: (rows: number) => void): D1Database {
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrapStatement(target.bind(...args));
        if (prop === "all" || prop === "run")
          return async () => {
            const result = await target[prop]();
            add(result.meta.rows_read);
            return result;
          };
        if (prop === "raw")
          return async (options?: { columnNames?: boolean }) => {
            const result = await target.all();
            add(result.meta.rows_read);
            const rows = result.results.map((row) => Object.values(row as object));
            return options?.columnNames ? [Object.keys((result.results[0] ?? {}) as object), ...rows] : rows;
          };
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => wrapStatement(target.prepare(query));
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const actDeps = (): ActDeps => ({
  db: openDb(env.DB),
  d1: env.DB,
  kv: env.SNAPSHOTS,
  now: Date.now(),
  tickId: "cron:test",
  secret: () => undefined,
  deliveries: [],
  invalidate: () => {},
});

function decision(flagKey: string, rolloutId: string, scope: Assessment["scope"]): DecisionRecord {
  const assessment = { action: "rollback", reason: "error_rate", scope, stageIndex: 0 } as Assessment;
  return { at: Date.now(), flagKey, rolloutId, rolloutVersion: 1, assessment, applied: true };
}

const withRollout = async (key: string) => {
  await createFlag(key);
  await startRollout(key, `r-${key}`, [stage("serve", 10, 1), stage("serve", 100, 1)]);
};

/** name → set-up (not measured), then the change whose batch must move the version. */
const PATHS: [string, (key: string) => Promise<unknown>, (key: string) => Promise<unknown>][] = [
  ["create a flag", async () => {}, (key) => createFlag(key).then(() => undefined)],
  [
    "patch a flag",
    (key) => createFlag(key),
    async (key) => ok(call("PATCH", `/flags/${key}`, { body: { timeoutMs: 900 }, ifMatch: await flagEtag(key) })),
  ],
  [
    "delete a flag",
    (key) => createFlag(key),
    async (key) => ok(call("DELETE", `/flags/${key}`, { ifMatch: await flagEtag(key) })),
  ],
  ["kill", (key) => createFlag(key), (key) => ok(call("POST", `/flags/${key}/kill`, { body: { reason: "t" } }))],
  [
    "unkill",
    async (key) => {
      await createFlag(key);
      await ok(call("POST", `/flags/${key}/kill`, { body: { reason: "t" } }));
    },
    (key) => ok(call("DELETE", `/flags/${key}/kill`, { body: { reason: "t" } })),
  ],
  [
    "put rules",
    async (key) => {
      await createFlag(key);
      await createSegment(`seg-${key}`);
    },
    async (key) =>
      ok(
        call("PUT", `/flags/${key}/rules`, {
          body: { rules: [{ id: "r1", segment: `seg-${key}`, variant: "green" }] },
          ifMatch: await flagEtag(key),
        }),
      ),
  ],
  [
    "put an override",
    (key) => createFlag(key),
    async (key) =>
      ok(call("PUT", `/flags/${key}/overrides/u1`, { body: { variant: "green" }, ifMatch: await flagEtag(key) })),
  ],
  [
    "delete an override",
    async (key) => {
      await createFlag(key);
      await ok(call("PUT", `/flags/${key}/overrides/u1`, { body: { variant: "green" }, ifMatch: await flagEtag(key) }));
    },
    async (key) => ok(call("DELETE", `/flags/${key}/overrides/u1`, { ifMatch: await flagEtag(key) })),
  ],
  [
    "bulk overrides",
    (key) => createFlag(key),
    async (key) =>
      ok(
        call("POST", `/flags/${key}/overrides`, {
          body: { upsert: [{ unitKey: "u2", variant: "blue" }] },
          ifMatch: await flagEtag(key),
        }),
      ),
  ],
  [
    "patch a segment a flag uses",
    async (key) => {
      await createFlag(key);
      await seedSegmentRule(env.DB, key, {
        id: "r1",
        position: 0,
        segmentKey: `seg-${key}`,
        constraints: [],
        percent: 10,
      });
    },
    async (key) => {
      const etag = (await call("GET", `/segments/seg-${key}`)).headers.get("etag")!;
      await ok(call("PATCH", `/segments/seg-${key}`, { body: { negate: true }, ifMatch: etag }));
    },
  ],
  [
    "start a rollout",
    (key) => createFlag(key),
    async (key) =>
      ok(
        call("POST", `/flags/${key}/rollouts`, {
          body: { stages: [{ mode: "serve", percent: 100, minSamples: 1, minDurationSeconds: 0 }] },
          ifMatch: await flagEtag(key),
        }),
      ),
  ],
  ["pause the rollout", withRollout, (key) => ok(call("POST", `/flags/${key}/rollouts/current/pause`))],
  [
    "roll the rollout back (operator)",
    withRollout,
    (key) => ok(call("POST", `/flags/${key}/rollouts/current/rollback`)),
  ],
  [
    "roll the rollout back (health loop)",
    withRollout,
    async (key) => {
      const row = await rolloutOf(`r-${key}`);
      const applied = await applyRolloutDecision(
        actDeps(),
        row,
        toRolloutRecord(row),
        decision(key, row.id, { kind: "rollout" }),
        null,
      );
      expect(applied).toBe(true);
    },
  ],
  [
    "roll one rule back (health loop)",
    async (key) => {
      await withRollout(key);
      await seedSegmentRule(env.DB, key, {
        id: "eu",
        position: 0,
        segmentKey: `seg-${key}`,
        constraints: [],
        percent: 50,
      });
    },
    async (key) => {
      const applied = await applyRuleRollback(
        actDeps(),
        key,
        "eu",
        50,
        decision(key, `r-${key}`, { kind: "rule", ruleId: "eu" }),
        null,
      );
      expect(applied).toBe(true);
    },
  ],
  [
    "edit the flags table by hand",
    (key) => createFlag(key),
    async (key) => {
      await env.DB.prepare("UPDATE flags SET kill_switch = 1 WHERE key = ?").bind(key).run();
    },
  ],
];

describe("configuration version", () => {
  it.each(PATHS)("%s moves it, and the hot path's probe then returns the index", async (name, setUp, change) => {
    const key = `cv-${PATHS.findIndex(([n]) => n === name)}`;
    await setUp(key);
    const before = await configVersion();
    expect(await readIndexSince(env.DB, before)).toEqual({ version: before, entries: null });
    await change(key);
    const after = await configVersion();
    expect(after).toBeGreaterThan(before);
    const read = await readIndexSince(env.DB, before);
    expect(read.version).toBe(after);
    expect(read.entries).not.toBeNull();
  });

  it("a steady-state probe reads one row, however many flags there are", async () => {
    for (let i = 0; i < 30; i++) await createFlag(`rows-${i}`);
    const version = await configVersion();
    const rowsRead = async (known: number) => {
      const before = rowsReadTotal;
      const read = await readIndexSince(counting, known);
      return { read, rows: rowsReadTotal - before };
    };
    let rowsReadTotal = 0;
    const counting = countRowsRead(env.DB, (n) => (rowsReadTotal += n));
    const unchanged = await rowsRead(version);
    const moved = await rowsRead(version - 1);
    expect(unchanged.read.entries).toBeNull();
    expect(moved.read.entries!.length).toBeGreaterThanOrEqual(30);
    // D1 bills rows read: the unchanged probe must not scan `flags`.
    expect(unchanged.rows).toBeLessThanOrEqual(2);
    expect(moved.rows).toBeGreaterThanOrEqual(30);
  });

  it("a rejected change does not move it", async () => {
    await createFlag("cv-stale");
    const before = await configVersion();
    const stale = await call("PATCH", "/flags/cv-stale", { body: { timeoutMs: 901 }, ifMatch: '"flag:v0"' });
    expect(stale.status).toBe(412);
    expect(await configVersion()).toBe(before);
  });
});
