// Cron entry (every minute). Today: republish any snapshot whose KV copy is
// missing or stale, so KV converges to D1 even after a failed publish.
// The health loop (measure → judge → act) plugs in here.
import type { Env } from "../env";
import { reconcileSnapshots } from "../store/snapshot-store";

export async function runScheduled(env: Env, scheduledTimeMs: number): Promise<void> {
  try {
    const published = await reconcileSnapshots(env.DB, env.SNAPSHOTS);
    if (published.length > 0) console.log(`cron ${new Date(scheduledTimeMs).toISOString()}: republished ${published.join(", ")}`);
  } catch (error) {
    console.error("cron: snapshot reconcile failed", String(error));
  }
}
