// The admin API's JSON shapes as the dashboard reads them (types only).
// Kept structural and partial on purpose: a field the API adds later never
// breaks a page, and a section whose route is absent renders "not available".
import type { FlagView } from "../admin/flag-model";
import type { Stage } from "../core/rollout-machine";
import type { SeriesBucket } from "../admin/routes/series";

export type { FlagView, Stage, SeriesBucket };

export interface RolloutView {
  id: string;
  state: "active" | "paused" | "rolled_back" | "promoted" | string;
  stages: Stage[];
  stageIndex: number;
  stageStartedAt: number;
  holdSeconds: number;
  endedAt: number | null;
  stage: Stage | null;
  version: number;
  createdAt: number;
}

export interface GuardFigureView {
  guard: string;
  status: string;
  green: number | null;
  control: number | null;
  threshold: number | null;
  pValue: number | null;
  interval: [number, number] | null;
}

export interface DecisionView {
  id: number;
  at: number;
  rolloutId: string;
  scope: string;
  action: string;
  reason: string;
  stageIndex: number;
  applied: boolean;
  blueReady: boolean | null;
  figures: {
    control?: string;
    samples?: { green: number; control: number; required: number };
    elapsedSeconds?: number;
    guards?: GuardFigureView[];
  } | null;
}

export interface AuditView {
  id: number;
  at: number;
  actor: string;
  action: string;
  resource: { type: string; id: string };
  flag: string | null;
  before: unknown;
  after: unknown;
  requestId: string;
}

export interface SeriesView {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  buckets: number[];
  series: { blue: SeriesBucket[]; green: SeriesBucket[] };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface RateWithInterval { rate: number | null; low: number | null; high: number | null; n: number }

export interface ShadowView {
  samples: number;
  agreement: RateWithInterval;
  bySegment: ({ segment: string } & RateWithInterval)[];
  latency: { blue: { p95: number | null }; green: { p95: number | null }; p95Ratio: number | null };
  errors: { blueRate: number | null; greenRate: number | null };
  recommendation: string;
  reasons: string[];
}

/** Requests-weighted rate of one variant over a window (null without requests). */
export function overallRate(buckets: SeriesBucket[], field: "errors" | "timeouts"): number | null {
  let requests = 0;
  let events = 0;
  for (const b of buckets) {
    requests += b.requests;
    events += b[field];
  }
  return requests > 0 ? events / requests : null;
}
