// Scenario-test harness for the health loop: traffic through the real
// Worker, one cron tick through the Worker's own `scheduled` handler, and
// readers for decisions/audit rows. The model origins and the webhook
// receiver are the shared fakes (`installModels` in test/helpers/fake-origins).
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import type { Stage } from "../../src/core/rollout-machine";
import { db, seedFlag } from "../helpers/seed";
import * as schema from "../../src/store/schema";
import { eq, sql } from "drizzle-orm";

export const WEBHOOK_SECRET = "whsec_test_0123456789";
export const tickEnv: Env = { ...env, HEALTH_WEBHOOK_SECRET: WEBHOOK_SECRET };

/** `count` requests from a fixed pool of users, `parallel` at a time. */
export interface Served {
  status: number;
  headers: Headers;
  body: string;
}

export async function drive(
  flagKey: string,
  count: number,
  options: { parallel?: number; users?: number; offset?: number; headers?: Record<string, string> } = {},
): Promise<Served[]> {
  const parallel = options.parallel ?? 50;
  const users = options.users ?? 1_000_000;
  const responses: Served[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, async (_, i) => {
      const user = `u${((options.offset ?? 0) + start + i) % users}`;
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request(`https://router.example/${flagKey}/predict`, {
          method: "POST",
          body: '{"text":"good"}',
          headers: { "x-user-id": user, "content-type": "application/json", ...options.headers },
        }),
        tickEnv,
        ctx,
      );
      // A body that breaks mid-way fails for the client as it would in production; the outcome still lands.
      const body = await response.text().catch(() => "");
      await waitOnExecutionContext(ctx);
      return { status: response.status, headers: response.headers, body };
    });
    responses.push(...(await Promise.all(batch)));
  }
  return responses;
}

/** One cron tick through the Worker's scheduled handler. */
export async function tick(testEnv: Env = tickEnv): Promise<void> {
  const controller = createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled!(controller, testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

export async function seedHealthFlag(
  key: string,
  health: Record<string, unknown> = {},
  extra: Partial<typeof schema.flags.$inferInsert> = {},
) {
  await seedFlag(env.DB, {
    key,
    blueOrigin: JSON.stringify({ url: `https://blue-${key}.test` }),
    greenOrigin: JSON.stringify({ url: `https://green-${key}.test` }),
    settings: JSON.stringify({ health: { webhook: { url: "https://hooks.test/switchyard" }, ...health } }),
    ...extra,
  });
}

export const stage = (
  mode: "shadow" | "serve",
  percent: number,
  minSamples: number,
  minDurationSeconds = 0,
): Stage => ({ mode, percent, minSamples, minDurationSeconds });

export async function startRollout(flagKey: string, id: string, stages: Stage[], holdSeconds = 0, stageIndex = 0) {
  const now = Date.now();
  await db(env.DB)
    .insert(schema.rollouts)
    .values({
      id,
      flagKey,
      state: "active",
      stageIndex,
      stageStartedAt: now,
      holdSeconds,
      stages: JSON.stringify(stages),
      createdAt: now,
      updatedAt: now,
    });
  await db(env.DB)
    .update(schema.flags)
    .set({ version: sql`${schema.flags.version} + 1` })
    .where(eq(schema.flags.key, flagKey));
}

export async function decisionsOf(flagKey: string) {
  const rows = await db(env.DB)
    .select()
    .from(schema.decisions)
    .where(eq(schema.decisions.flagKey, flagKey))
    .orderBy(schema.decisions.id);
  return rows.map((row) => ({ ...row, figures: JSON.parse(row.figures) }));
}

export async function rolloutOf(id: string) {
  const [row] = await db(env.DB).select().from(schema.rollouts).where(eq(schema.rollouts.id, id));
  return row!;
}

export async function flagOf(key: string) {
  const [row] = await db(env.DB).select().from(schema.flags).where(eq(schema.flags.key, key));
  return row!;
}

export async function auditOf(flagKey: string) {
  return db(env.DB)
    .select()
    .from(schema.auditLog)
    .where(eq(schema.auditLog.flagKey, flagKey))
    .orderBy(schema.auditLog.id);
}
