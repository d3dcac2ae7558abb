// Response schemas of the health loop's decision records (GET
// /flags/{key}/decisions): what the judge saw and what the loop did (the
// records are written by src/cron only; the API lists them). Same contract
// as report-schemas.ts, whose nullable-figure rule they share: the OpenAPI
// document, the handlers' type-check, the dashboard and the CLI all use these.
import { z } from "@hono/zod-openapi";
import { GUARD_NAMES } from "../core/health/guards";
import { CONTROL_KINDS, HEALTH_ACTIONS } from "../core/health/assess";
import { Num, NullableNum } from "./report-schemas";
import { pageOf } from "./response-schemas";

export const GuardFigure = z
  .strictObject({
    guard: z.enum(GUARD_NAMES),
    status: z.enum(["ok", "suspect", "breach", "insufficient", "off"]),
    green: NullableNum,
    control: NullableNum,
    threshold: NullableNum,
    pValue: NullableNum,
    interval: z.tuple([Num, Num]).nullable(),
    evidence: z.enum(["sequential", "wide_margin"]).nullable(),
  })
  .openapi("GuardFigure");

/** What the judge saw (its assessment) plus what the loop added; open: the loop may record more. */
export const DecisionFigures = z
  .looseObject({
    action: z.enum(HEALTH_ACTIONS),
    reason: z.string(),
    scope: z.union([
      z.strictObject({ kind: z.literal("rollout") }),
      z.strictObject({ kind: z.literal("rule"), ruleId: z.string() }),
    ]),
    stageIndex: z.number().int(),
    control: z.enum(CONTROL_KINDS),
    samples: z.strictObject({
      green: Num,
      control: Num,
      required: NullableNum.openapi({ description: "null when the stage has no minimum" }),
    }),
    elapsedSeconds: Num,
    guards: z.array(GuardFigure),
    blueReady: z.boolean().nullable(),
    alphaPerGuard: NullableNum,
    readiness: z
      .strictObject({
        ready: z.boolean(),
        status: z.number().int().nullable(),
        error: z.string().nullable(),
        latencyMs: Num,
      })
      .nullable()
      .optional(),
    error: z.string().optional(),
  })
  .openapi("DecisionFigures");

export const HealthDecision = z
  .strictObject({
    id: z.number().int(),
    at: z.number().int(),
    flagKey: z.string(),
    rolloutId: z.string(),
    scope: z.string().openapi({ description: '"rollout" or "rule:<id>"' }),
    action: z.string().openapi({ description: HEALTH_ACTIONS.join(" | ") }),
    reason: z.string(),
    stageIndex: z.number().int(),
    rolloutVersion: z.number().int(),
    applied: z.boolean(),
    blueReady: z.boolean().nullable(),
    figures: DecisionFigures.nullable(),
  })
  .openapi("Decision");
export const DecisionPage = pageOf(HealthDecision, "DecisionPage");

export type GuardFigureView = z.output<typeof GuardFigure>;
export type DecisionView = z.output<typeof HealthDecision>;
