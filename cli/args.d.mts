// Types for args.mjs (plain ESM, no build step), for the TypeScript tests.
export const OPTIONS: Readonly<Record<string, "boolean" | "string">>;
export function parseArgv(argv: string[]): { positionals: string[]; options: Record<string, string | boolean> };
export function intOption(
  options: Record<string, unknown>,
  name: string,
  fallback: number,
  range?: { min?: number; max?: number },
): number;
export const PLAN_DEFAULTS: Readonly<{ minDurationSeconds: number; shadowMinSamples: number; serveMinSamples: number }>;
export interface StageInput {
  mode: "shadow" | "serve";
  percent: number;
  minDurationSeconds: number;
  minSamples: number;
}
export function parsePlan(text: string, options?: { minDurationSeconds?: number; minSamples?: number }): StageInput[];
