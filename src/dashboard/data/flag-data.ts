// Loads everything the flag page shows. Through the admin API in-process:
// the flag and its ETag, the current rollout and its ETag, decisions, the
// chart series, what each variant answered, the shadow report, the experiment report (when a deployment
// has that route) and the audit log. Rules with their segments and the
// override count/search come from the store's read functions (the API has
// no read route for them; the session was already authenticated by the API).
import { countOverrides, listRules } from "../../store/flag-repo";
import { searchOverrides } from "../../store/override-search";
import { getSegments } from "../../store/segment-repo";
import { openDb, parseJson } from "../../store/db";
import { api, routeMissing, type ApiResult, type DashContext } from "../context";
import type {
  AnswersView,
  AuditView,
  DecisionView,
  ExperimentView,
  FlagView,
  Page,
  RolloutView,
  SeriesView,
  ShadowView,
} from "../types";

/** How much history the page fetches (one place). */
export const FLAG_PAGE = { decisions: 200, audit: 200, auditShown: 25, overrideMatches: 20 } as const;

/**
 * The chart windows an operator can pick, each with a bucket size that
 * draws 15–60 points: short enough to see a stage that started minutes ago,
 * long enough for a day's pattern.
 */
export const CHART_WINDOWS = {
  "15m": { label: "15 min", minutes: 15, bucketMinutes: 1 },
  "1h": { label: "1 h", minutes: 60, bucketMinutes: 2 },
  "6h": { label: "6 h", minutes: 360, bucketMinutes: 10 },
  "24h": { label: "24 h", minutes: 1440, bucketMinutes: 30 },
} as const;
export type ChartWindow = keyof typeof CHART_WINDOWS;
export const DEFAULT_CHART_WINDOW: ChartWindow = "1h";

/** The `?window=` value, or the default for anything else. */
export const chartWindowOf = (value: string | undefined): ChartWindow =>
  value !== undefined && Object.hasOwn(CHART_WINDOWS, value) ? (value as ChartWindow) : DEFAULT_CHART_WINDOW;

export interface RuleWithSegment {
  id: string;
  position: number;
  segmentKey: string;
  variant: string | null;
  percent: number | null;
  constraints: { attribute: string; operator: string; values: string[] }[];
  negate: boolean;
}

/** A section's data, or why it is missing. */
export type Section<T> = { ok: true; value: T } | { ok: false; why: string };

export interface FlagPageData {
  flag: FlagView;
  flagEtag: string;
  rollout: RolloutView | null;
  rolloutEtag: string | null;
  decisions: Section<DecisionView[]>;
  chartWindow: ChartWindow;
  series: Section<SeriesView>;
  answers: Section<AnswersView>;
  shadow: Section<ShadowView>;
  experiment: Section<ExperimentView>;
  audit: Section<AuditView[]>;
  /** The audit rows are the flag's whole history (no further page). */
  auditComplete: boolean;
  rules: RuleWithSegment[];
  overrideCount: number;
  overrideQuery: string;
  overrideMatches: { unitKey: string; variant: string }[];
}

function section<T>(result: ApiResult<T>, absent: string): Section<T> {
  if (result.data !== null) return { ok: true, value: result.data };
  if (routeMissing(result)) return { ok: false, why: absent };
  return { ok: false, why: result.error?.message ?? `HTTP ${result.status}` };
}

const items = <T>(s: Section<Page<T>>): Section<T[]> => (s.ok ? { ok: true, value: s.value.items } : s);

/** null when the flag does not exist. */
export async function loadFlagPage(
  c: DashContext,
  key: string,
  overrideQuery: string,
  chartWindow: ChartWindow = DEFAULT_CHART_WINDOW,
): Promise<FlagPageData | null> {
  const k = encodeURIComponent(key);
  const [flag, rollout] = await Promise.all([
    api<FlagView>(c, "GET", `/flags/${k}`),
    api<RolloutView>(c, "GET", `/flags/${k}/rollouts/current`),
  ]);
  if (flag.status === 404) return null;
  if (!flag.data) throw new Error(`flag read failed: ${flag.status} ${flag.error?.message ?? ""}`);
  // Only this rollout's decisions: the timeline is about it.
  const decisionQuery = new URLSearchParams({ limit: String(FLAG_PAGE.decisions) });
  if (rollout.data) decisionQuery.set("rolloutId", rollout.data.id);
  const win = CHART_WINDOWS[chartWindow];
  const [decisions, series, answers, shadow, experiment, audit] = await Promise.all([
    api<Page<DecisionView>>(c, "GET", `/flags/${k}/decisions?${decisionQuery}`),
    api<SeriesView>(c, "GET", `/flags/${k}/series?minutes=${win.minutes}&bucketMinutes=${win.bucketMinutes}`),
    api<AnswersView>(c, "GET", `/flags/${k}/answers?minutes=${win.minutes}`),
    api<ShadowView>(c, "GET", `/flags/${k}/shadow?examples=0`),
    api<ExperimentView>(c, "GET", `/flags/${k}/experiment`),
    api<Page<AuditView>>(c, "GET", `/audit?flag=${k}&limit=${FLAG_PAGE.audit}`),
  ]);
  const db = openDb(c.env.DB);
  const ruleRows = await listRules(db, key);
  const segments = new Map(
    (await getSegments(db, [...new Set(ruleRows.map((r) => r.segmentKey))])).map((s) => [s.key, s]),
  );
  const rules = ruleRows.map((r) => ({
    id: r.id,
    position: r.position,
    segmentKey: r.segmentKey,
    variant: r.variant,
    percent: r.percent,
    constraints: parseJson<RuleWithSegment["constraints"]>(segments.get(r.segmentKey)?.constraints ?? null) ?? [],
    negate: segments.get(r.segmentKey)?.negate ?? false,
  }));
  const query = overrideQuery.trim().slice(0, 256);
  return {
    flag: flag.data,
    flagEtag: flag.etag ?? "",
    rollout: rollout.data,
    rolloutEtag: rollout.etag,
    decisions: items(section(decisions, "The health loop's decisions route is not deployed here yet.")),
    chartWindow,
    series: section(series, "No series route."),
    answers: section(answers, "No answers route."),
    shadow: section(shadow, "No shadow report route."),
    experiment: section(experiment, "No experiment report is available from this deployment yet."),
    audit: items(section(audit, "No audit route.")),
    auditComplete: audit.data !== null && audit.data.nextCursor === null,
    rules,
    overrideCount: await countOverrides(db, key),
    overrideQuery: query,
    overrideMatches: query === "" ? [] : await searchOverrides(c.env.DB, key, query, FLAG_PAGE.overrideMatches),
  };
}
