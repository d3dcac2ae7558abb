// What the two chat-completion wire formats say about usage and generated
// text (docs/design/llm-traffic.md). One home for both readers that need it:
// the usage reader on the hot path's copy and the shadow text assembler.
// Pure: parsed JSON in, numbers or text out; never throws on odd input.

/** The usage formats a flag may declare in `settings.response.usage`. */
export const USAGE_FORMATS = ["openai", "anthropic"] as const;
export type UsageFormat = (typeof USAGE_FORMATS)[number];

/** Token counts as far as an answer told them; null = not (yet) stated. */
export interface TokenCounts {
  inputTokens: number | null;
  outputTokens: number | null;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const count = (value: unknown): number | null =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;

/** Usage of a whole (non-streamed) answer: OpenAI `usage.prompt_tokens/completion_tokens`, Anthropic `usage.input_tokens/output_tokens`. */
export function answerUsage(format: UsageFormat, answer: unknown): TokenCounts {
  const usage = isObject(answer) && isObject(answer.usage) ? answer.usage : null;
  if (usage === null) return { inputTokens: null, outputTokens: null };
  return format === "openai"
    ? { inputTokens: count(usage.prompt_tokens), outputTokens: count(usage.completion_tokens) }
    : { inputTokens: count(usage.input_tokens), outputTokens: count(usage.output_tokens) };
}

/**
 * Usage stated by one streamed event's JSON data, merged into `seen`:
 * - OpenAI: the chunk that carries a non-null `usage` (sent last, before
 *   `[DONE]`, when the request asked for `stream_options.include_usage`).
 * - Anthropic: `message_start` carries the input tokens; each
 *   `message_delta` carries cumulative usage, so the latest one wins (and its
 *   input tokens, when present, replace message_start's).
 */
export function mergeEventUsage(format: UsageFormat, event: unknown, seen: TokenCounts): void {
  if (!isObject(event)) return;
  if (format === "openai") {
    if (!isObject(event.usage)) return;
    seen.inputTokens = count(event.usage.prompt_tokens) ?? seen.inputTokens;
    seen.outputTokens = count(event.usage.completion_tokens) ?? seen.outputTokens;
    return;
  }
  const usage =
    event.type === "message_start" && isObject(event.message) && isObject(event.message.usage)
      ? event.message.usage
      : event.type === "message_delta" && isObject(event.usage)
        ? event.usage
        : null;
  if (usage === null) return;
  seen.inputTokens = count(usage.input_tokens) ?? seen.inputTokens;
  // message_start's output count is a placeholder (1 or 0) until the deltas say more.
  if (event.type === "message_delta") seen.outputTokens = count(usage.output_tokens) ?? seen.outputTokens;
}

/**
 * The generated text one streamed event adds ("" when none): OpenAI
 * `choices[].delta.content` (every choice, in order), Anthropic
 * `content_block_delta` with a `text_delta`.
 */
export function eventText(format: UsageFormat, event: unknown): string {
  if (!isObject(event)) return "";
  if (format === "anthropic") {
    const delta = event.type === "content_block_delta" && isObject(event.delta) ? event.delta : null;
    return delta !== null && typeof delta.text === "string" ? delta.text : "";
  }
  if (!Array.isArray(event.choices)) return "";
  let text = "";
  for (const choice of event.choices) {
    if (isObject(choice) && isObject(choice.delta) && typeof choice.delta.content === "string")
      text += choice.delta.content;
  }
  return text;
}

/** The generated text of a whole answer: OpenAI `choices[].message.content`, Anthropic `content[].text`. */
export function answerText(format: UsageFormat, answer: unknown): string {
  if (!isObject(answer)) return "";
  let text = "";
  if (format === "openai") {
    for (const choice of Array.isArray(answer.choices) ? answer.choices : []) {
      if (isObject(choice) && isObject(choice.message) && typeof choice.message.content === "string")
        text += choice.message.content;
    }
    return text;
  }
  for (const block of Array.isArray(answer.content) ? answer.content : []) {
    if (isObject(block) && typeof block.text === "string") text += block.text;
  }
  return text;
}
