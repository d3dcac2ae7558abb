// OutcomeSink: one Analytics Engine point per outcome (fire-and-forget, as AE
// is), plus — when enabled — a buffer flushed to the embedded store in
// chunks from ctx.waitUntil. Recording never throws into the hot path: a lost
// outcome is counted in `counters.dropped` and logged (per record for AE,
// per chunk for the embedded store). `counters` (served by
// /_switchyard/healthz) count outcomes, not sink writes: `written` once every
// configured sink has accepted one, `dropped` once any sink has lost it, and
// neither without a sink (nothing is stored, so nothing is claimed).
import type { Outcome } from "../core/outcome";
import type { EmbeddedSink, OutcomeSink } from "../ports";
import { toDataPoint } from "./outcome-layout";

export interface OutcomeWriterOptions {
  analytics: AnalyticsEngineDataset | undefined;
  embedded: EmbeddedSink | null;
  /** Rows per embedded insert: a flush writes everything buffered, in chunks of this size. */
  maxBatch?: number;
}

export interface OutcomeCounters {
  /** Outcomes every configured sink accepted. */
  written: number;
  /** Outcomes at least one configured sink lost. */
  dropped: number;
}

export class OutcomeWriter implements OutcomeSink {
  readonly counters: OutcomeCounters = { written: 0, dropped: 0 };
  private buffer: Outcome[] = [];
  private flushing: Promise<void> | null = null;
  /** Buffered outcomes AE already lost (and counted), so the embedded write does not count them again. */
  private readonly lostToAnalytics = new WeakSet<Outcome>();

  constructor(private readonly options: OutcomeWriterOptions) {}

  record(outcome: Outcome): void {
    let lost = false;
    if (this.options.analytics) {
      try {
        this.options.analytics.writeDataPoint(toDataPoint(outcome));
      } catch (error) {
        lost = true;
        this.counters.dropped++;
        console.warn("outcome: analytics write failed", String(error));
      }
    }
    if (this.options.embedded) {
      if (lost) this.lostToAnalytics.add(outcome);
      this.buffer.push(outcome);
    } else if (this.options.analytics && !lost) {
      this.counters.written++;
    }
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
    // Outcomes AE lost are already counted as dropped.
    const uncounted = batch.reduce((n, outcome) => n + (this.lostToAnalytics.has(outcome) ? 0 : 1), 0);
    try {
      await this.options.embedded!.insertBatch(batch);
      this.counters.written += uncounted;
    } catch (error) {
      this.counters.dropped += uncounted;
      console.warn(`outcome: ${batch.length} embedded writes dropped`, String(error));
    }
    if (this.buffer.length > 0) await this.writeBuffered();
  }
}
