// OutcomeSink: one Analytics Engine point per outcome (fire-and-forget, as AE
// is), plus — when enabled — a buffer flushed to the embedded store in
// batches from ctx.waitUntil. Recording never throws into the hot path:
// failures are counted in `droppedOutcomes` and logged once per flush.
import type { Outcome } from "../core/outcome";
import type { EmbeddedSink, OutcomeSink } from "../ports";
import { toDataPoint } from "./outcome-layout";

export interface OutcomeWriterOptions {
  analytics: AnalyticsEngineDataset | undefined;
  embedded: EmbeddedSink | null;
  /** Flush early when this many outcomes are buffered. */
  maxBatch?: number;
}

export interface OutcomeCounters {
  written: number;
  dropped: number;
}

export class OutcomeWriter implements OutcomeSink {
  readonly counters: OutcomeCounters = { written: 0, dropped: 0 };
  private buffer: Outcome[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly options: OutcomeWriterOptions) {}

  record(outcome: Outcome): void {
    try {
      this.options.analytics?.writeDataPoint(toDataPoint(outcome));
      this.counters.written++;
    } catch (error) {
      this.counters.dropped++;
      console.warn("outcome: analytics write failed", String(error));
    }
    if (this.options.embedded) this.buffer.push(outcome);
  }

  /**
   * Writes everything buffered so far; concurrent callers share one batch in
   * flight. Null when there is nothing to wait for, so the hot path skips
   * ctx.waitUntil (worth ~4 % of router throughput when AE is the only sink).
   */
  flush(): Promise<void> | null {
    if (!this.options.embedded || this.buffer.length === 0) return this.flushing;
    const flushing: Promise<void> = (this.flushing ?? Promise.resolve())
      .then(() => this.writeBuffered())
      .finally(() => {
        // Settled and not superseded: nothing is in flight any more.
        if (this.flushing === flushing) this.flushing = null;
      });
    this.flushing = flushing;
    return flushing;
  }

  private async writeBuffered(): Promise<void> {
    const batch = this.buffer.splice(0, this.options.maxBatch ?? 500);
    if (batch.length === 0) return;
    try {
      await this.options.embedded!.insertBatch(batch);
    } catch (error) {
      this.counters.dropped += batch.length;
      console.warn(`outcome: ${batch.length} embedded writes dropped`, String(error));
    }
    if (this.buffer.length > 0) await this.writeBuffered();
  }
}
