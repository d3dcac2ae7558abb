// Types for errors.mjs (plain ESM, no build step), for the TypeScript tests.
export const EXIT: Readonly<{ OK: 0; USAGE: 1; API: 2; CONFLICT: 3; AUTH: 4 }>;
export class CliError extends Error {
  constructor(message: string, exitCode: number, extra?: { status?: number; code?: string; details?: unknown });
  exitCode: number;
  status: number | undefined;
  code: string | undefined;
  details: unknown;
}
export function usageError(message: string): CliError;
export function exitCodeOf(status: number): number;
export function apiError(status: number, body: unknown, what: string): CliError;
export function networkError(url: string, cause: unknown): CliError;
export function errorJson(error: CliError): {
  error: { code: string; message: string; status: number | null; exitCode: number; details?: unknown };
};
