// Types for demo-faults.mjs (plain ESM, no build step), for the TypeScript tests.
export interface Faults {
  failRate: number;
  invalidRate: number;
  labelShift: number;
  streamBreakRate: number;
}
export interface SentimentAnswer {
  model: string;
  model_version: string;
  label: string | null;
  score: number | string;
}
export const SWITCHES: Readonly<Record<string, keyof Faults>>;
export const SHIFTED_LABEL: Readonly<Record<string, string>>;
export const INVALID_ANSWER_FIELDS: Readonly<{ label: null; score: string }>;
export function createFaults(): Faults;
export function controlRequest(
  faults: Faults,
  origin: string,
  method: string | undefined,
  name: string,
  bodyText: string,
): { status: number; body: Record<string, unknown> };
export function sentimentAnswer(version: string, raw: number): SentimentAnswer;
export function planAnswer(
  faults: Faults,
  answer: SentimentAnswer,
  options: { streamed: boolean; random?: () => number },
): { status: number; body: Record<string, unknown>; breakStream: boolean };
export function streamChunks(text: string): string[];
