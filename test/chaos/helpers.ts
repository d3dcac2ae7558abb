// Chaos-test helpers on top of the health-loop harness (test/cron/helpers;
// a webhook receiver that is down or slow is `installModels`' hook): a
// metrics reader that fails for chosen flags, the router's answer in a form
// tests can assert whole, and a fingerprint of one flag's state (to prove a
// failed tick applied nothing).
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import type { MetricsReader } from "../../src/ports";

/** Wraps a reader: `readWindow` / `readExceedances` throw for the named flags; predictions pass through. */
export function faultyReader(
  inner: MetricsReader,
  faults: { windowFails?: string[]; exceedancesFail?: string[] },
): MetricsReader {
  return {
    kind: inner.kind,
    readWindow: async (window) => {
      if (faults.windowFails?.includes(window.flagKey)) throw new Error(`metrics reader down for ${window.flagKey}`);
      return inner.readWindow(window);
    },
    readExceedances: async (window, thresholds, metric) => {
      if (faults.exceedancesFail?.includes(window.flagKey))
        throw new Error(`exceedance query failed for ${window.flagKey}`);
      return inner.readExceedances(window, thresholds, metric);
    },
    readPredictions: (window, edges) => inner.readPredictions(window, edges),
  };
}

export interface Answer {
  status: number;
  variant: string | null;
  reason: string | null;
  requestId: string | null;
  contentType: string | null;
  body: string;
}

/** One proxied request through the real Worker, its answer read whole. */
export async function route(path: string, user: string, testEnv: Env = env): Promise<Answer> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://router.example${path}`, {
      method: "POST",
      body: '{"text":"good"}',
      headers: { "x-user-id": user, "content-type": "application/json" },
    }),
    testEnv,
    ctx,
  );
  const body = await response.text();
  await waitOnExecutionContext(ctx);
  const h = response.headers;
  return {
    status: response.status,
    variant: h.get("x-model-variant"),
    reason: h.get("x-flag-reason"),
    requestId: h.get("x-request-id"),
    contentType: h.get("content-type"),
    body,
  };
}

/** Everything a transition would change for one flag: rollout, flag row, audit and decision counts. */
export async function flagState(flagKey: string) {
  const one = <T>(sql: string) => env.DB.prepare(sql).bind(flagKey).first<T>();
  return {
    flag: await one<{ version: number; kill_switch: number }>("SELECT version, kill_switch FROM flags WHERE key = ?"),
    rollouts: (
      await env.DB.prepare("SELECT id, state, stage_index, version FROM rollouts WHERE flag_key = ? ORDER BY id")
        .bind(flagKey)
        .all()
    ).results,
    audit: (await one<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE flag_key = ?"))!.n,
    decisions: (await one<{ n: number }>("SELECT count(*) AS n FROM decisions WHERE flag_key = ?"))!.n,
  };
}
