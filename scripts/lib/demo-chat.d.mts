// Types for demo-chat.mjs (plain ESM, no build step), for the TypeScript tests.
export interface ChatVersion {
  model: string;
  words: string[];
  firstTokenMs: number;
  tokenGapMs: number;
}
export interface ChatAnswer {
  model: string;
  tokens: string[];
  usage: { prompt_tokens: number; completion_tokens: number };
}
export const CHAT_VERSIONS: Readonly<Record<"v1" | "v2", ChatVersion>>;
export function promptOf(request: unknown): string;
export function chatAnswer(version: "v1" | "v2", request: unknown): ChatAnswer;
export function chatCompletion(answer: ChatAnswer, id?: string): Record<string, unknown>;
export function chatEvents(
  version: "v1" | "v2",
  answer: ChatAnswer,
  options: { includeUsage: boolean },
  id?: string,
): { delayMs: number; text: string }[];
