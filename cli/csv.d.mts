// Types for csv.mjs (plain ESM, no build step), for the TypeScript tests.
export const MAX_UNIT_KEY_LENGTH: number;
export const MAX_OPS_PER_CALL: number;
export const MAX_CHUNK_BYTES: number;
export interface OverrideRow {
  unitKey: string;
  variant: "blue" | "green";
  line: number;
}
export function splitCsvLine(line: string): string[] | null;
export function parseOverridesCsv(text: string): { rows: OverrideRow[]; problems: string[] };
export function chunkRows(rows: OverrideRow[], maxOps?: number, maxBytes?: number): OverrideRow[][];
