// What POST /feedback checks before it records an outcome: that the signed
// request id's flag still exists and its rollout (if any) belongs to that
// flag. One plain D1 statement, no drizzle: feedback is served by the router,
// whose every bundled module is compiled when an isolate starts. The tables
// and columns are held to schema.ts by test/store/feedback-lookup.test.ts.

/** The tables and columns read, by schema.ts export and property name. */
export const FEEDBACK_LOOKUP_SOURCES = {
  flags: { table: "flags", columns: { key: "key" } },
  rollouts: { table: "rollouts", columns: { id: "id", flagKey: "flag_key" } },
} as const;

const { flags, rollouts } = FEEDBACK_LOOKUP_SOURCES;

const LOOKUP_SQL = `SELECT EXISTS (SELECT 1 FROM "${flags.table}" WHERE "${flags.columns.key}" = ?1) AS "flagExists",
  (SELECT "${rollouts.columns.flagKey}" FROM "${rollouts.table}" WHERE "${rollouts.columns.id}" = ?2) AS "rolloutFlagKey"`;

export interface FeedbackTargets {
  flagExists: boolean;
  /** The flag the rollout belongs to; null without a rollout id or for an unknown one. */
  rolloutFlagKey: string | null;
}

/** Both answers in one round trip. */
export async function readFeedbackTargets(
  d1: D1Database,
  flagKey: string,
  rolloutId: string | null,
): Promise<FeedbackTargets> {
  const row = await d1
    .prepare(LOOKUP_SQL)
    .bind(flagKey, rolloutId)
    .first<{ flagExists: number; rolloutFlagKey: string | null }>();
  return { flagExists: Number(row?.flagExists) === 1, rolloutFlagKey: row?.rolloutFlagKey ?? null };
}
