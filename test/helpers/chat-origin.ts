// Fake chat-completion origins for LLM traffic tests: a deterministic answer
// in the OpenAI or Anthropic wire format, streamed as server-sent events
// (one event per network chunk) or whole as JSON. Plug into fake-origins as a
// `respond` behaviour. Formats written from the public API descriptions.
import type { OriginBehaviour } from "./fake-origins";

export interface ChatAnswer {
  format: "openai" | "anthropic";
  /** The generated text, one token per entry. */
  tokens: string[];
  inputTokens: number;
  /** Stated output tokens (default: tokens.length). */
  outputTokens?: number;
  /** Stream without the usage event (OpenAI without include_usage). */
  withoutUsage?: boolean;
  /** Break the stream after this many events (before its usage). */
  breakAfter?: number;
}

const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
const named = (event: string, value: unknown) => `event: ${event}\n${data(value)}`;

/** The answer's server-sent events, in order. */
export function chatEvents(answer: ChatAnswer): string[] {
  const output = answer.outputTokens ?? answer.tokens.length;
  if (answer.format === "openai") {
    const chunk = (delta: unknown, finish: string | null = null) => ({
      id: "chatcmpl-t",
      object: "chat.completion.chunk",
      created: 1,
      model: "chat",
      choices: [{ index: 0, delta, finish_reason: finish }],
      usage: null,
    });
    return [
      data(chunk({ role: "assistant", content: "" })),
      ...answer.tokens.map((token) => data(chunk({ content: token }))),
      data(chunk({}, "stop")),
      ...(answer.withoutUsage
        ? []
        : [
            data({
              ...chunk(null),
              choices: [],
              usage: {
                prompt_tokens: answer.inputTokens,
                completion_tokens: output,
                total_tokens: answer.inputTokens + output,
              },
            }),
          ]),
      "data: [DONE]\n\n",
    ];
  }
  return [
    named("message_start", {
      type: "message_start",
      message: {
        id: "msg_t",
        type: "message",
        role: "assistant",
        content: [],
        model: "chat",
        usage: { input_tokens: answer.inputTokens, output_tokens: 1 },
      },
    }),
    named("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
    ...answer.tokens.map((text) =>
      named("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }),
    ),
    named("content_block_stop", { type: "content_block_stop", index: 0 }),
    ...(answer.withoutUsage
      ? []
      : [
          named("message_delta", {
            type: "message_delta",
            delta: { stop_reason: "end_turn" },
            usage: { output_tokens: output },
          }),
        ]),
    named("message_stop", { type: "message_stop" }),
  ];
}

/** The whole (non-streamed) answer body. */
export function chatJson(answer: ChatAnswer): unknown {
  const text = answer.tokens.join("");
  const output = answer.outputTokens ?? answer.tokens.length;
  return answer.format === "openai"
    ? {
        id: "chatcmpl-t",
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: {
          prompt_tokens: answer.inputTokens,
          completion_tokens: output,
          total_tokens: answer.inputTokens + output,
        },
      }
    : {
        id: "msg_t",
        type: "message",
        content: [{ type: "text", text }],
        usage: { input_tokens: answer.inputTokens, output_tokens: output },
      };
}

/** An origin that streams `answer` one event per chunk, each after `gapMs` (0 = all at once). */
export function chatStreamOrigin(answer: ChatAnswer, gapMs = 0): OriginBehaviour {
  return {
    kind: "respond",
    respond: () => {
      const events = chatEvents(answer);
      const encoder = new TextEncoder();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            if (answer.breakAfter !== undefined && sent === answer.breakAfter) {
              controller.error(new Error("connection reset mid-stream"));
              return;
            }
            if (sent === events.length) {
              controller.close();
              return;
            }
            if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
            controller.enqueue(encoder.encode(events[sent++]));
          },
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  };
}
