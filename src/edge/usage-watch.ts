// Reading a chat-completion answer's usage off the critical path
// (docs/design/llm-traffic.md). The body watch hands each chunk it has
// already passed on to the client, with its arrival time; the chunk is copied
// and queued, and the queue is parsed in a later task (one timer per batch),
// so the client's bytes and timing never wait on parsing and memory stays
// bounded by the backlog, not by the answer. Reading stops past a byte cap
// (usage unknown). Every answer of a flag that declares usage is read (no
// sampling): cost needs every request.
import { requestCostUsd, type TokenPrice } from "../core/llm/price";
import { createUsageReader, USAGE_UNKNOWN, type UsageReader } from "../core/llm/usage-reader";
import { isEventStream, type Outcome } from "../core/outcome";
import type { CompiledResponse } from "../core/response-settings";

/** An event stream is read for usage up to this many bytes (parsed as it goes, never held whole). */
export const USAGE_STREAM_MAX_BYTES = 8 * 1024 * 1024;

export class UsageWatch {
  private queue: [Uint8Array, number][] = [];
  private scheduled = false;
  private bytes = 0;
  private over = false;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly reader: UsageReader,
    private readonly maxBytes: number,
    private readonly price: TokenPrice | null,
  ) {}

  /** A chunk the client already has, received `atMs` after the origin call began. */
  add(chunk: Uint8Array, atMs: number): void {
    if (this.over) return;
    this.bytes += chunk.byteLength;
    if (this.bytes > this.maxBytes) {
      this.over = true;
      this.queue = [];
      return;
    }
    // A copy: the served chunk belongs to the client's stream from here on.
    this.queue.push([chunk.slice(), atMs]);
    if (!this.scheduled) {
      this.scheduled = true;
      setTimeout(this.drain, 0);
    }
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    for (const [chunk, atMs] of this.queue) this.reader.feed(this.decoder.decode(chunk, { stream: true }), atMs);
    this.queue = [];
  };

  /** Sets the reading on the outcome; `whole`: the body ended normally. */
  finish(outcome: Outcome, whole: boolean): void {
    this.drain();
    if (this.over) return; // stays unknown, as set when the watch began
    Object.assign(outcome, this.reader.finish(whole));
    outcome.costUsd = requestCostUsd(this.price, outcome.inputTokens ?? null, outcome.outputTokens ?? null);
  }
}

/**
 * Marks the outcome `usage unknown` (what it stays unless the answer says
 * otherwise) and returns the watch to feed, or null when there is nothing to
 * read: usage not declared, no answer, an answer that is not a 2xx, or a
 * failover (the outcome then describes the failed first attempt).
 */
export function watchUsage(
  outcome: Outcome,
  usage: CompiledResponse["usage"] | undefined,
  response: Response | null,
  price: TokenPrice | undefined,
): UsageWatch | null {
  if (!usage) return null;
  Object.assign(outcome, USAGE_UNKNOWN, { costUsd: null });
  if (response === null || response.body === null || outcome.failedOver) return null;
  if (response.status < 200 || response.status >= 300) return null;
  const eventStream = isEventStream(response.headers.get("content-type"));
  const maxBytes = eventStream ? USAGE_STREAM_MAX_BYTES : usage.maxBodyBytes;
  return new UsageWatch(createUsageReader(usage.format, eventStream), maxBytes, price ?? null);
}
