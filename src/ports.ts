// The ports: small interfaces and the data types that cross layers. The hot
// path (edge/), OFREP, the health loop (cron/) depend on these; adapters in
// store/ and telemetry/ implement them; wiring.ts and cron/scheduled.ts pick
// the adapters from env. Types only: every layer but core may import this.
import type { ExceedanceGroup, ExceedanceMetric, PredictionGroup, WindowGroup } from "./core/health";
import type { Outcome } from "./core/outcome";
import type { OriginSpec } from "./core/types";

/** The tiny, strongly consistent per-flag record re-checked every few seconds. */
export interface FlagIndexEntry {
  key: string;
  version: number;
  killSwitch: boolean;
  route: { method: string; path: string; host?: string | null };
  /** Enough to serve blue even when the full snapshot cannot be read. */
  blue: OriginSpec;
  timeoutMs: number;
}

/**
 * One index read: the configuration version (moved in the same D1 batch as
 * every change of an index entry; null when the store keeps none) and the
 * entries read with it, or null when the version equals the one the caller
 * already holds (nothing else was read).
 */
export interface IndexRead {
  version: number | null;
  entries: FlagIndexEntry[] | null;
}

export interface SnapshotStore {
  /**
   * The configuration version and, unless it equals `known`, every flag's
   * index entry (one round trip). Throws when the store is unreachable.
   */
  loadIndex(known: number | null): Promise<IndexRead>;
  /** Raw snapshot JSON at least as new as `minVersion`, or null. Throws on I/O failure. */
  loadSnapshot(flagKey: string, minVersion: number): Promise<unknown>;
}

/** The latest version probe in this location: what a store read saw, and when that read started (ms). */
export interface SharedProbe {
  version: number;
  readAtMs: number;
}

/**
 * The location-wide latest probe (the Cache API in production), so isolates
 * in one data centre share one store read — and, when the version moved, the
 * index read at that version, so a change costs one index read per location. Best effort: never throws — a
 * failing share reads as null and a failed write is dropped.
 */
export interface ProbeShare {
  latest(): Promise<SharedProbe | null>;
  publish(probe: SharedProbe): Promise<void>;
  /** The index entries read at exactly this configuration version, when an isolate of this location shared them. */
  index(version: number): Promise<FlagIndexEntry[] | null>;
  publishIndex(version: number, entries: FlagIndexEntry[]): Promise<void>;
}

export interface OutcomeSink {
  /** Never throws and never blocks: failures are counted as dropped. */
  record(outcome: Outcome): void;
  /** Persists what is buffered, for ctx.waitUntil; null when nothing is buffered or in flight (no waitUntil needed). */
  flush(): Promise<void> | null;
}

/** Where the OutcomeWriter persists its buffered outcomes when the embedded store is on (the D1 `outcomes` table). */
export interface EmbeddedSink {
  insertBatch(batch: Outcome[]): Promise<void>;
}

export interface OriginFetchers {
  /** Service binding by name, or undefined when it is not bound. */
  service(name: string): Fetcher | undefined;
  /** Secret by name (origin credentials), or undefined. */
  secret(name: string): string | undefined;
}

export interface Clock {
  now(): number;
}

/** One stored shadow disagreement (bodies already redacted and truncated). */
export interface ShadowExample {
  flagKey: string;
  rolloutId: string | null;
  requestId: string;
  timestampMs: number;
  reason: string;
  similarity: number;
  blueStatus: number;
  greenStatus: number;
  blueLatencyMs: number;
  greenLatencyMs: number;
  blueBody: string;
  greenBody: string;
}

export interface ShadowExampleSink {
  /** Best effort: a failure is logged by the caller, never surfaced to the user. */
  save(example: ShadowExample): Promise<void>;
}

// ---------- the health loop's measuring port ----------

/** A window's rollout filter that keeps every row, whichever rollout (if any) served it. */
export type AnyRollout = { readonly any: true };

/** One window of outcomes to measure. */
export interface MetricsWindow {
  flagKey: string;
  /**
   * Rows of this rollout (its id), rows served without a rollout (null), or
   * rows of any rollout or none (`{ any: true }`: blue's traffic before a rollout,
   * whatever rollout it belonged to).
   */
  rolloutId: string | null | AnyRollout;
  /** Stage label as recorded ("shadow", "serve:25", "none"), or null for any stage. */
  stage: string | null;
  fromMs: number;
  toMs: number;
}

/**
 * The one interface the health loop measures through. Two adapters: Analytics
 * Engine's SQL API (telemetry/readers, production) and the embedded D1 outcome
 * store (store/, dev, tests, small installs). Readers measure only: aggregates
 * per (variant, reason, rule, kind) group, never a verdict.
 */
export interface MetricsReader {
  readonly kind: "embedded" | "analytics_engine";
  /** Aggregates per group over the window. */
  readWindow(window: MetricsWindow): Promise<WindowGroup[]>;
  /**
   * Per group, how many requests were slower than each threshold (same order):
   * time to headers, or (`first_byte`) time to the first byte of streamed answers only.
   */
  readExceedances(window: MetricsWindow, thresholdsMs: number[], metric?: ExceedanceMetric): Promise<ExceedanceGroup[]>;
  /**
   * Per group, what inspected answers predicted: label counts, and numbers as
   * deciles (`edges` null) or as counts per bin of the given ascending edges.
   */
  readPredictions(window: MetricsWindow, edges: number[] | null): Promise<PredictionGroup[]>;
}
