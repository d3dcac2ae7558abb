// Types for traffic-tally.mjs (plain ESM, no build step), for the TypeScript tests.
export interface TallyAnswer {
  status: number;
  variant: string | null;
  failover: string | null;
}
export interface TallySummary {
  stats: { blue: { ok: number; errors: number }; green: { ok: number; errors: number; failedOverToBlue: number } };
  responsesWithoutVariant: { count: number; byStatus: Record<string, number> };
  networkErrors: number;
  usersSeen: number;
  usersThatChangedVariant: number;
}
export function createTally(): {
  record(user: string, answer: TallyAnswer): void;
  networkError(): void;
  summary(): TallySummary;
};
