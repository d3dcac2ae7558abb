// The generated text of one chat-completion answer, whatever its shape
// (docs/design/llm-traffic.md): a server-sent event stream is parsed with
// eventsource-parser and each event contributes OpenAI
// `choices[].delta.content` or Anthropic `content_block_delta` text, or, when
// its data is not JSON, the raw `data:` payload itself (`[DONE]` excepted); a
// whole JSON answer contributes its message text. The two formats cannot be
// confused (their fields differ), so no format needs declaring. Anything else
// is its own text. Pure; never throws.
import { createParser } from "eventsource-parser";
import { answerText, eventText } from "./usage-format";

const textOfEvent = (event: unknown) => eventText("openai", event) || eventText("anthropic", event);

function streamText(body: string): string | null {
  let text = "";
  let events = 0;
  const parser = createParser({
    onEvent: (message) => {
      events++;
      if (message.data === "[DONE]") return;
      try {
        text += textOfEvent(JSON.parse(message.data));
      } catch {
        text += message.data;
      }
    },
  });
  parser.feed(body);
  parser.feed("\n\n");
  return events > 0 ? text : null;
}

/** The answer's text: assembled from its events, its JSON message, or the body as it is. */
export function assembleAnswerText(body: string): string {
  const trimmed = body.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      const answer: unknown = JSON.parse(body);
      const text = answerText("openai", answer) || answerText("anthropic", answer);
      if (text !== "") return text;
    } catch {
      // not JSON after all: read as a stream or as text below
    }
  }
  return streamText(body) ?? body;
}
