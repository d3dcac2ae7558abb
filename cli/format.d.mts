// Types for format.mjs (plain ESM, no build step), for the TypeScript tests.
type Any = any; // API objects are checked at run time by the e2e shapes, not here
export function table<T>(rows: T[], columns: [string, (row: T) => unknown][]): string;
export function formatDuration(ms: number): string;
export function progressBar(done: number, total: number, width?: number): string;
export function formatFlagList(items: Any[]): string;
export function formatPlan(rollout: Any): string;
export function formatFlag(flag: Any, rollout: Any): string;
export function formatRolloutStatus(status: { flag: Any; rollout: Any; decision: Any; decisionsAvailable: boolean; nowMs: number }): string;
export function formatAudit(items: Any[]): string;
export function formatRolloutAction(action: string, rollout: Any): string;
