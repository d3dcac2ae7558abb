// Drives the dashboard through the real Worker (worker.fetch), as a browser
// would: same-origin form posts, the sy_admin cookie carried by hand, and
// demo data written through the admin API (flags, rules, rollouts) or
// straight into D1 (outcomes, decisions: written by the hot path and the
// health loop in real life).
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import type { GuardName, GuardStatus } from "../../src/core/health/guards";
import { adminEnv, BOOTSTRAP, call, createFlag, createSegment, flagEtag } from "../admin/helpers";

export const ORIGIN = "https://router.example";

export interface PageOptions {
  cookie?: string | null;
  form?: Record<string, string>;
  /** Origin header for POSTs; defaults to the dashboard's own origin. */
  origin?: string | null;
  headers?: Record<string, string>;
  env?: Env;
}

export async function page(method: string, path: string, options: PageOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("cookie", options.cookie);
  let body: string | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers.set("content-type", "application/x-www-form-urlencoded");
  }
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  if (method !== "GET" && origin !== null) headers.set("origin", origin);
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }),
    options.env ?? adminEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

/** Signs in and returns the Cookie header value to send back. */
export async function signIn(token = BOOTSTRAP, instance?: Env): Promise<string> {
  const response = await page("POST", "/admin/login", { form: { token }, ...(instance ? { env: instance } : {}) });
  if (response.status !== 303) throw new Error(`sign-in failed: ${response.status}`);
  const setCookie = response.headers.get("set-cookie") ?? "";
  return setCookie.split(";")[0]!;
}

/** A flag with a segment rule, two overrides and a live 3-stage rollout at stage 2 (25 %). */
export async function seedDemoFlag(key: string): Promise<void> {
  await createFlag(key, { description: `${key} demo` });
  await createSegment(`${key}-eu`);
  let etag = await flagEtag(key);
  await call("PUT", `/flags/${key}/rules`, {
    ifMatch: etag,
    body: { rules: [{ id: "eu-canary", segment: `${key}-eu`, percent: 10 }] },
  });
  etag = await flagEtag(key);
  await call("POST", `/flags/${key}/overrides`, {
    ifMatch: etag,
    body: {
      upsert: [
        { unitKey: "qa-alice", variant: "green" },
        { unitKey: "qa-bob", variant: "blue" },
      ],
    },
  });
  etag = await flagEtag(key);
  const stages = [
    { mode: "shadow", percent: 0, minDurationSeconds: 60, minSamples: 10 },
    { mode: "serve", percent: 25, minDurationSeconds: 60, minSamples: 10 },
    { mode: "serve", percent: 100, minDurationSeconds: 60, minSamples: 10 },
  ];
  const started = await call("POST", `/flags/${key}/rollouts`, { ifMatch: etag, body: { stages } });
  if (started.status !== 201) throw new Error(`rollout start failed: ${started.status}`);
  const rollout = await call("GET", `/flags/${key}/rollouts/current`);
  await call("POST", `/flags/${key}/rollouts/current/advance`, { ifMatch: rollout.headers.get("etag")! });
}

export async function rolloutOf(key: string): Promise<{ id: string; etag: string; stageIndex: number; state: string }> {
  const response = await call("GET", `/flags/${key}/rollouts/current`);
  const body = (await response.json()) as { id: string; stageIndex: number; state: string };
  return { ...body, etag: response.headers.get("etag")! };
}

export interface OutcomeSeed {
  ts: number;
  variant: "blue" | "green";
  latencyMs: number;
  error?: boolean;
  timeout?: boolean;
  kind?: "served" | "shadow";
  feedback?: number;
  stage?: string;
  /** The request's cost in USD (a chat flag reading usage from priced origins). */
  costUsd?: number;
}

export async function seedOutcomes(flagKey: string, rows: OutcomeSeed[]): Promise<void> {
  const insert =
    env.DB.prepare(`INSERT INTO outcomes (ts, request_id, flag_key, variant, reason, stage, status, latency_ms, error, timeout, colo, kind, feedback_value, cost_usd)
    VALUES (?, ?, ?, ?, 'SPLIT', ?, ?, ?, ?, ?, 'TST', ?, ?, ?)`);
  await env.DB.batch(
    rows.map((r, i) =>
      insert.bind(
        r.ts,
        `req-${flagKey}-${r.ts}-${i}`,
        flagKey,
        r.variant,
        r.stage ?? "serve:25",
        r.error ? 500 : 200,
        r.latencyMs,
        r.error ? 1 : 0,
        r.timeout ? 1 : 0,
        r.kind ?? "served",
        r.feedback ?? null,
        r.costUsd ?? null,
      ),
    ),
  );
}

/** A guard's figure as a decision stores it (no interval or evidence). */
export function guardFigure(guard: GuardName, status: GuardStatus, green: number, control: number, threshold: number) {
  return { guard, status, green, control, threshold, pValue: 0.8, interval: null, evidence: null };
}

export async function seedDecision(
  flagKey: string,
  rolloutId: string,
  stageIndex: number,
  action: string,
  reason: string,
  at = Date.now(),
  guards = [guardFigure("error_rate", "ok", 0.012, 0.01, 0.03)],
): Promise<void> {
  const figures = {
    action,
    reason,
    stageIndex,
    control: "concurrent",
    samples: { green: 120, control: 480, required: 10 },
    elapsedSeconds: 90,
    guards,
  };
  await env.DB.prepare(`INSERT INTO decisions (at, flag_key, rollout_id, scope, action, reason, stage_index, rollout_version, applied, blue_ready, figures)
    VALUES (?, ?, ?, 'rollout', ?, ?, ?, 2, 1, NULL, ?)`)
    .bind(at, flagKey, rolloutId, action, reason, stageIndex, JSON.stringify(figures))
    .run();
}
