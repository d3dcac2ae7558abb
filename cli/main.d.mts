// Types for main.mjs (plain ESM, no build step), for the TypeScript tests.
export const USAGE: string;
export interface CliIo {
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  readFile: (path: string) => Promise<string>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  stopped?: () => boolean;
}
export function run(argv: string[], io: CliIo): Promise<number>;
