// Cron entry (every minute): first republish any snapshot whose KV copy is
// missing or stale (this is also what repairs a tick that crashed between
// its D1 batch and its KV publish), then run the health loop
// (measure → judge → act). Webhook deliveries are awaited last, so a slow
// receiver never delays a decision.
import { secretByName, type Env } from "../env";
import { reconcileSnapshots } from "../store/snapshot-publish";
import { openDb } from "../store/db";
import type { MetricsReader } from "../ports";
import { metricsReaderFor } from "../metrics-wiring";
import { kvWriteGapMs, servicesFor } from "../wiring";
import { runHealthLoop, type TickReport } from "./health-loop";
import type { WebhookDelivery } from "./webhook";

export interface ScheduledOptions {
  /** Defaults to the wall clock: windows end at the moment the tick runs. */
  now?: number;
  reader?: MetricsReader;
  webhookSleep?: (ms: number) => Promise<void>;
}

export async function runScheduled(
  env: Env,
  scheduledTimeMs: number,
  options: ScheduledOptions = {},
): Promise<TickReport | null> {
  try {
    const published = await reconcileSnapshots(env.DB, env.SNAPSHOTS);
    if (published.length > 0)
      console.log(`cron ${new Date(scheduledTimeMs).toISOString()}: republished ${published.join(", ")}`);
  } catch (error) {
    console.error("cron: snapshot reconcile failed", String(error));
  }
  const now = options.now ?? Date.now();
  const deliveries: Promise<WebhookDelivery>[] = [];
  try {
    const report = await runHealthLoop({
      db: openDb(env.DB),
      d1: env.DB,
      kv: env.SNAPSHOTS,
      now,
      tickId: `cron:${new Date(now).toISOString()}`,
      reader: options.reader ?? metricsReaderFor(env),
      secret: (name) => secretByName(env, name),
      deliveries,
      invalidate: () => servicesFor(env).cache.invalidate(),
      publishGapMs: kvWriteGapMs(env),
      webhookSleep: options.webhookSleep,
    });
    const acted = report.decisions.filter((d) => d.action !== "hold");
    if (acted.length > 0 || report.errors.length > 0)
      console.log("health loop", JSON.stringify({ checked: report.checked, acted, errors: report.errors }));
    return report;
  } catch (error) {
    console.error("cron: health loop failed", String(error));
    return null;
  } finally {
    await Promise.allSettled(deliveries);
  }
}
