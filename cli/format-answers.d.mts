// Types for format-answers.mjs (plain ESM, no build step), for the TypeScript
// tests. Typed from the admin API's response schemas, so a renamed field of
// the answers or experiment report fails the type-check here.
import type { AnswerFiguresView } from "../src/admin/answer-schemas";
import type { ExperimentView } from "../src/admin/report-schemas";

export type UsageView = NonNullable<ExperimentView["usage"]>;
export type UsageMissingReason = "not_declared" | "no_rollout" | "no_split_traffic" | "no_control_arm";

/** What `switchyard answers` reads, and prints with --json. */
export interface AnswersScreen {
  flag: string;
  /** The answers report's window; null when --stage read a whole stage. */
  window: { fromMs: number; toMs: number } | null;
  rolloutId: string | null;
  stage: string | null;
  answers: AnswerFiguresView | null;
  usage: UsageView | null;
  usageMissing: { reason: UsageMissingReason; message: string } | null;
}

export const LABELS_SHOWN: number;
export function formatAnswerFigures(figures: AnswerFiguresView | null): string;
export function formatUsage(usage: UsageView | null, missing: AnswersScreen["usageMissing"]): string;
export function formatAnswers(view: AnswersScreen): string;
