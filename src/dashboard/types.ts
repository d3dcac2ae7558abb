// The admin API's JSON shapes as the dashboard reads them (types only),
// derived from the response schemas the API documents and type-checks its
// handlers against: a changed response shape fails type-checking here.
// Sections whose route is absent still render "not available" (see data/).
import type {
  AuditView,
  FlagView,
  KillView,
  Page,
  RolloutView,
  StageView as Stage,
  WhoamiView,
} from "../admin/response-schemas";
import type { AnswersView } from "../admin/answer-schemas";
import type { ExperimentView, SeriesBucketView as SeriesBucket, SeriesView, ShadowView } from "../admin/report-schemas";
import type { DecisionView, GuardFigureView } from "../admin/decision-schemas";

export type {
  AnswersView,
  AuditView,
  DecisionView,
  ExperimentView,
  FlagView,
  GuardFigureView,
  KillView,
  Page,
  RolloutView,
  SeriesBucket,
  SeriesView,
  ShadowView,
  Stage,
  WhoamiView,
};

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
