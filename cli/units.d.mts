// Types for units.mjs (plain ESM, no build step), for the TypeScript tests.
type Maybe = number | null | undefined;
export const MISSING: "-";
export function formatCount(value: Maybe): string;
export function formatShare(rate: Maybe, digits?: number): string;
export function formatMs(ms: Maybe): string;
export function formatUsd(value: Maybe): string;
export function formatTokens(value: Maybe): string;
export function formatValue(value: Maybe): string;
export function formatP(p: Maybe): string;
export function ratioOf(green: Maybe, blue: Maybe): number | null;
export function formatRatio(ratio: Maybe): string;
