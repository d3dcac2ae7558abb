// Reads one answer's usage and token timing from its text as it arrives
// (docs/design/llm-traffic.md). The caller feeds decoded text with the time
// (ms since the origin call) the router received it, then finishes once:
// - an event stream is parsed with eventsource-parser, never by hand; the
//   first event that adds generated text fixes the time to first token, and
//   the gaps between text-bearing events give the inter-token mean and max
//   (events arriving in one network chunk share its time: the router cannot
//   see finer);
// - any other body is one JSON answer, parsed when it ends.
// Usage is `known` only when the answer stated both token counts and ended
// whole; a stream cut short, an answer without a usage block or not JSON is
// `unknown` — never zero tokens. Pure: no clock, no I/O.
import { createParser, type EventSourceParser } from "eventsource-parser";
import { answerUsage, eventText, mergeEventUsage, type TokenCounts, type UsageFormat } from "./usage-format";

export type UsageState = "known" | "unknown";

export interface UsageReading extends TokenCounts {
  usage: UsageState;
  /** Time to the first event with generated text; null for a whole JSON answer or a stream without text. */
  ttftMs: number | null;
  /** Gaps between consecutive text-bearing events; null with fewer than two. */
  interTokenMeanMs: number | null;
  interTokenMaxMs: number | null;
}

export interface UsageReader {
  feed(text: string, atMs: number): void;
  /** `whole`: the body ended normally (not broken, timed out or abandoned). */
  finish(whole: boolean): UsageReading;
}

/** A line (or event) longer than this stops the stream's reading: usage unknown. */
export const MAX_EVENT_CHARS = 1024 * 1024;

type TokenTiming = Pick<UsageReading, "ttftMs" | "interTokenMeanMs" | "interTokenMaxMs">;
const UNKNOWN_TIMING: TokenTiming = { ttftMs: null, interTokenMeanMs: null, interTokenMaxMs: null };

function reading(counts: TokenCounts, whole: boolean, timing: TokenTiming): UsageReading {
  const known = whole && counts.inputTokens !== null && counts.outputTokens !== null;
  return known
    ? { usage: "known", inputTokens: counts.inputTokens, outputTokens: counts.outputTokens, ...timing }
    : { usage: "unknown", inputTokens: null, outputTokens: null, ...timing };
}

function streamReader(format: UsageFormat): UsageReader {
  const counts: TokenCounts = { inputTokens: null, outputTokens: null };
  let now = 0;
  let firstMs: number | null = null;
  let lastMs = 0;
  let gaps = 0;
  let gapSum = 0;
  let gapMax = 0;
  let broken = false;
  const parser: EventSourceParser = createParser({
    maxBufferSize: MAX_EVENT_CHARS,
    // Only an over-long line stops the reading; unknown fields and bad retries are the origin's business.
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") broken = true;
    },
    onEvent: (message) => {
      if (message.data === "[DONE]") return;
      let event: unknown;
      try {
        event = JSON.parse(message.data);
      } catch {
        return; // a data payload that is not JSON adds neither usage nor text
      }
      mergeEventUsage(format, event, counts);
      if (eventText(format, event) === "") return;
      if (firstMs === null) firstMs = now;
      else {
        const gap = now - lastMs;
        gaps++;
        gapSum += gap;
        if (gap > gapMax) gapMax = gap;
      }
      lastMs = now;
    },
  });
  return {
    feed(text, atMs) {
      if (broken) return;
      now = atMs;
      parser.feed(text);
    },
    finish(whole) {
      // A final event without its blank line still counts when the body ended whole.
      if (whole && !broken) parser.feed("\n\n");
      const timing = {
        ttftMs: firstMs,
        interTokenMeanMs: gaps > 0 ? gapSum / gaps : null,
        interTokenMaxMs: gaps > 0 ? gapMax : null,
      };
      return reading(counts, whole && !broken, timing);
    },
  };
}

function answerReader(format: UsageFormat): UsageReader {
  let text = "";
  return {
    feed(part) {
      text += part;
    },
    finish(whole) {
      if (!whole) return reading({ inputTokens: null, outputTokens: null }, false, UNKNOWN_TIMING);
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        answer = null;
      }
      return reading(answerUsage(format, answer), true, UNKNOWN_TIMING);
    },
  };
}

/** A reader for one answer: `eventStream` when its content type is text/event-stream. */
export function createUsageReader(format: UsageFormat, eventStream: boolean): UsageReader {
  return eventStream ? streamReader(format) : answerReader(format);
}

/** The reading of an answer whose usage was declared but never read (an error status, a cap exceeded). */
export const USAGE_UNKNOWN: Readonly<UsageReading> = Object.freeze(
  reading({ inputTokens: null, outputTokens: null }, false, UNKNOWN_TIMING),
);
