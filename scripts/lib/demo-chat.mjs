// The demo chat origins' answers (`npm run dev` only; served by
// scripts/demo-origins.mjs on POST …/chat/completions): a small deterministic
// OpenAI-compatible chat model in two versions. "chat v1" answers briefly and
// starts fast; "chat v2" words it differently, answers with more tokens and
// starts later — what the usage figures, the cost guard and the text
// comparator are there to show (docs/design/llm-traffic.md). Pure: no
// sockets, no clock.

/** Per version: the answer's words after the echoed topic, and when its first and next tokens come. */
export const CHAT_VERSIONS = Object.freeze({
  v1: Object.freeze({
    model: "chat-v1",
    words: "is routed by switchyard to blue or green and every outcome is recorded".split(" "),
    firstTokenMs: 40,
    tokenGapMs: 20,
  }),
  v2: Object.freeze({
    model: "chat-v2",
    words:
      "is routed by switchyard at the edge to blue or green while every outcome including tokens cost and time to first token is recorded and judged".split(
        " ",
      ),
    firstTokenMs: 120,
    tokenGapMs: 20,
  }),
});

/** The request's prompt: the last user message's text ("" when none). */
export function promptOf(request) {
  const messages = Array.isArray(request?.messages) ? request.messages : [];
  const user = messages.filter((m) => m?.role === "user" && typeof m.content === "string").at(-1);
  return user ? user.content : "";
}

const wordCount = (text) => (text.match(/\S+/g) ?? []).length;

/** The answer: its tokens (one word each, with the space before it) and its usage. */
export function chatAnswer(version, request) {
  const spec = CHAT_VERSIONS[version];
  const topic = promptOf(request).split(/\s+/).filter(Boolean).slice(0, 4).join(" ") || "your request";
  const words = [`"${topic}"`, ...spec.words];
  const tokens = words.map((word, i) => (i === 0 ? word : ` ${word}`));
  const messages = Array.isArray(request?.messages) ? request.messages : [];
  const promptTokens = messages.reduce((n, m) => n + (typeof m?.content === "string" ? wordCount(m.content) : 0), 0);
  return { model: spec.model, tokens, usage: { prompt_tokens: promptTokens, completion_tokens: tokens.length } };
}

/** The whole (non-streamed) chat.completion body. */
export function chatCompletion(answer, id = "chatcmpl-demo") {
  return {
    id,
    object: "chat.completion",
    created: 0,
    model: answer.model,
    choices: [{ index: 0, message: { role: "assistant", content: answer.tokens.join("") }, finish_reason: "stop" }],
    usage: { ...answer.usage, total_tokens: answer.usage.prompt_tokens + answer.usage.completion_tokens },
  };
}

/**
 * The streamed answer as server-sent events, each with the delay before it
 * (ms): a role chunk, one chunk per token, a finish chunk, the usage chunk
 * when `includeUsage` (stream_options.include_usage), and `[DONE]`.
 */
export function chatEvents(version, answer, { includeUsage }, id = "chatcmpl-demo") {
  const spec = CHAT_VERSIONS[version];
  const chunk = (choices, usage = null) => ({
    id,
    object: "chat.completion.chunk",
    created: 0,
    model: answer.model,
    choices,
    ...(includeUsage ? { usage } : {}),
  });
  const data = (value) => `data: ${JSON.stringify(value)}\n\n`;
  const events = [
    { delayMs: 0, text: data(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }])) },
  ];
  answer.tokens.forEach((token, i) =>
    events.push({
      delayMs: i === 0 ? spec.firstTokenMs : spec.tokenGapMs,
      text: data(chunk([{ index: 0, delta: { content: token }, finish_reason: null }])),
    }),
  );
  events.push({ delayMs: 0, text: data(chunk([{ index: 0, delta: {}, finish_reason: "stop" }])) });
  const total = answer.usage.prompt_tokens + answer.usage.completion_tokens;
  if (includeUsage) events.push({ delayMs: 0, text: data(chunk([], { ...answer.usage, total_tokens: total })) });
  events.push({ delayMs: 0, text: "data: [DONE]\n\n" });
  return events;
}
