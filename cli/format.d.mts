// Types for format.mjs (plain ESM, no build step), for the TypeScript tests.
// The API objects are typed from the admin API's response schemas; each
// function names only the fields it reads, so a renamed field fails here.
import type { AuditView, FlagView, RolloutView } from "../src/admin/response-schemas";
import type { DecisionView, GuardFigureView } from "../src/admin/decision-schemas";

type FlagRow = Pick<FlagView, "key" | "route" | "killSwitch" | "version" | "updatedAt">;
type FlagDetail = Pick<
  FlagView,
  "key" | "version" | "description" | "route" | "origins" | "unitKey" | "killSwitch" | "killReason"
>;
type Plan = Pick<RolloutView, "stages" | "stageIndex">;
type RolloutLine = Plan & Pick<RolloutView, "id" | "state">;
type GuardRow = Pick<GuardFigureView, "guard" | "status" | "green" | "control" | "threshold" | "pValue">;
type RolloutStatus = RolloutLine & Pick<RolloutView, "stageStartedAt"> & Partial<Pick<RolloutView, "stage">>;

export function table<T>(rows: T[], columns: [string, (row: T) => unknown][]): string;
export function formatDuration(ms: number): string;
export function progressBar(done: number, total: number, width?: number): string;
export function formatFlagList(items: FlagRow[]): string;
export function formatPlan(rollout: Plan): string;
export function formatFlag(flag: FlagDetail, rollout: RolloutLine | null): string;
export const GUARD_UNITS: ReadonlyMap<string, (value: number | null) => string>;
export function formatGuards(guards: GuardRow[]): string[];
export function formatRolloutStatus(status: {
  flag: Pick<FlagView, "key" | "killSwitch">;
  rollout: RolloutStatus | null;
  decision:
    | (Pick<DecisionView, "action" | "at" | "reason" | "applied"> & {
        figures?: { guards: GuardRow[] } | null;
      })
    | null;
  decisionsAvailable: boolean;
  nowMs: number;
}): string;
export function formatAudit(items: Pick<AuditView, "at" | "actor" | "action" | "resource" | "after">[]): string;
export function formatRolloutAction(action: string, rollout: RolloutLine): string;
