// A ClickHouse table shaped like an Analytics Engine dataset, in embedded
// ClickHouse (chdb, loaded from SWITCHYARD_CHDB_DIR: scripts/test-clickhouse.mjs
// installs it there, outside the repository's dependencies). Outcomes go in
// through the real writer's layout (toDataPoint) plus `timestamp` and
// `_sample_interval`; `sqlApiFetch` answers the reader's POSTs the way the
// AE SQL API does (FORMAT JSON, 64-bit integers as strings; 422 with the
// engine's message on a bad query).
import { createRequire } from "node:module";
import path from "node:path";
import type { Outcome } from "../../src/core/outcome";
import { toDataPoint } from "../../src/telemetry/outcome-layout";

/** What Analytics Engine stores per data point: 1 index, 20 blobs, 20 doubles. */
export const AE_LIMITS = { blobs: 20, doubles: 20 } as const;

interface ChdbSession {
  query(sql: string, format?: string): string;
  cleanup(): void;
}

function loadChdb(): { Session: new () => ChdbSession; version?: () => string } {
  const dir = process.env.SWITCHYARD_CHDB_DIR;
  if (!dir) throw new Error("SWITCHYARD_CHDB_DIR is not set: run `npm run test:clickhouse`, which installs chdb");
  return createRequire(path.join(dir, "package.json"))("chdb");
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export function createAeDataset(dataset: string) {
  const session = new (loadChdb().Session)();
  // AE's JSON quotes 64-bit integers (sums of `_sample_interval`); ClickHouse 26 no longer does by default.
  session.query("SET output_format_json_quote_64bit_integers = 1");
  session.query(
    `CREATE TABLE ${dataset} (dataset String DEFAULT '${dataset}', index1 String, ` +
      range(AE_LIMITS.blobs)
        .map((i) => `blob${i} String, `)
        .join("") +
      range(AE_LIMITS.doubles)
        .map((i) => `double${i} Float64, `)
        .join("") +
      "timestamp DateTime('UTC'), _sample_interval UInt32) ENGINE = MergeTree ORDER BY (index1, timestamp)",
  );
  return {
    engineVersion: () => JSON.parse(session.query("SELECT version() AS v", "JSON")).data[0].v as string,
    /** Writes outcomes as the Worker's writer lays them out; unset blobs/doubles read as AE's defaults ("" and 0). */
    insert(rows: readonly { outcome: Outcome; sampleInterval: number }[]) {
      const lines = rows.map(({ outcome, sampleInterval }) => {
        const point = toDataPoint(outcome);
        const blobs = point.blobs ?? [];
        const doubles = point.doubles ?? [];
        if (blobs.length > AE_LIMITS.blobs || doubles.length > AE_LIMITS.doubles)
          throw new Error(`data point has ${blobs.length} blobs and ${doubles.length} doubles; AE stores 20 of each`);
        const record: Record<string, unknown> = {
          index1: String(point.indexes?.[0] ?? ""),
          timestamp: Math.floor(outcome.timestampMs / 1000),
          _sample_interval: sampleInterval,
        };
        blobs.forEach((blob, i) => {
          record[`blob${i + 1}`] = blob === null ? "" : String(blob);
        });
        doubles.forEach((value, i) => {
          record[`double${i + 1}`] = value;
        });
        return JSON.stringify(record);
      });
      session.query(`INSERT INTO ${dataset} FORMAT JSONEachRow ${lines.join("\n")}`);
    },
    /** A `fetch` for the reader: the POST body is the SQL, run by the engine. */
    sqlApiFetch: (async (_input: RequestInfo | URL, init?: RequestInit) => {
      const sql = String(init?.body ?? "");
      try {
        return new Response(session.query(sql, "JSON"), { headers: { "content-type": "application/json" } });
      } catch (error) {
        return new Response(String((error as Error).message), { status: 422 });
      }
    }) as typeof fetch,
    close: () => session.cleanup(),
  };
}
