// Loads the flags list through the admin API in-process: one page of flags,
// then per flag (concurrently) its current rollout, that rollout's last
// decision (never a previous rollout's) and an error-rate series. A section whose route is absent (health loop not
// deployed) or that fails degrades to "not available"; the page still renders.
import { api, routeMissing, type DashContext } from "../context";
import type { DecisionView, FlagView, Page, RolloutView, SeriesView } from "../types";

/** Sparkline window and resolution (one place). */
export const LIST_SERIES = { hours: 6, bucketMinutes: 30 } as const;
export const LIST_PAGE_SIZE = 25;

export interface ListRow {
  flag: FlagView;
  rollout: RolloutView | null;
  lastDecision: DecisionView | null;
  /** false when the decisions route does not exist in this deployment. */
  decisionsAvailable: boolean;
  series: SeriesView | null;
}

export async function loadFlagsList(
  c: DashContext,
  cursor: string | undefined,
): Promise<{ rows: ListRow[]; nextCursor: string | null }> {
  const query = new URLSearchParams({ limit: String(LIST_PAGE_SIZE) });
  if (cursor) query.set("cursor", cursor);
  const page = await api<Page<FlagView>>(c, "GET", `/flags?${query}`);
  if (!page.data) throw new Error(`flags list failed: ${page.status} ${page.error?.message ?? ""}`);
  const rows = await Promise.all(
    page.data.items.map(async (flag): Promise<ListRow> => {
      const key = encodeURIComponent(flag.key);
      const [rollout, series] = await Promise.all([
        api<RolloutView>(c, "GET", `/flags/${key}/rollouts/current`),
        api<SeriesView>(
          c,
          "GET",
          `/flags/${key}/series?hours=${LIST_SERIES.hours}&bucketMinutes=${LIST_SERIES.bucketMinutes}`,
        ),
      ]);
      const decisionQuery = new URLSearchParams({ limit: "1", scope: "rollout" });
      if (rollout.data) decisionQuery.set("rolloutId", rollout.data.id);
      const decisions = await api<Page<DecisionView>>(c, "GET", `/flags/${key}/decisions?${decisionQuery}`);
      return {
        flag,
        rollout: rollout.data,
        lastDecision: rollout.data ? (decisions.data?.items[0] ?? null) : null,
        decisionsAvailable: !routeMissing(decisions),
        series: series.data,
      };
    }),
  );
  return { rows, nextCursor: page.data.nextCursor };
}
