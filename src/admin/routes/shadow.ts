// GET /flags/{key}/shadow — the shadow-mode report for the flag's latest
// rollout: agreement with Wilson CI (overall and per segment), latency and
// error figures for both sides, latency outliers, the worst disagreement
// examples and a recommendation. Reads the embedded outcome store; `answers`
// (blue's served answers against green's mirrored ones: invalid rate,
// predictions and drift) comes through the health loop's reader.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { buildShadowReport } from "../../core/shadow/report";
import { parseHealthSettings } from "../../core/health/settings";
import { shadowThresholdsFor, type ShadowSpec } from "../../core/shadow/settings";
import { getFlag } from "../../store/flag-repo";
import { latestRollout } from "../../store/rollout-repo";
import { listShadowExamples, readShadowPairs } from "../../store/shadow-example-store";
import { readFlagSnapshot } from "../../store/snapshot-builder";
import { metricsReaderFor } from "../../metrics-wiring";
import { readAnswerFiguresOrNull } from "../answer-figures";
import type { AdminEnv } from "../context";
import { ApiError, validationHook } from "../errors";
import { adminRoute } from "../route-def";
import { FlagParams } from "../schemas";
import { ShadowReport } from "../report-schemas";

/** Newest shadow pairs analysed per report: bounds the work of one admin call. */
export const SHADOW_REPORT_MAX_PAIRS = 50_000;

export const shadowRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

const ShadowQuery = z.strictObject({ examples: z.coerce.number().int().min(0).max(50).optional() });

shadowRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags/{key}/shadow",
    scope: "read",
    tags: ["flags"],
    summary: "Shadow-mode report and recommendation for the latest rollout",
    request: { params: FlagParams, query: ShadowQuery },
    responses: { 200: { description: "the report", content: { "application/json": { schema: ShadowReport } } } },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const { examples = 10 } = c.req.valid("query");
    const db = c.get("db");
    const snapshot = await readFlagSnapshot(c.env.DB, key);
    if (!snapshot) throw new ApiError("not_found", `flag "${key}" not found`);
    const rollout = await latestRollout(db, key);
    if (!rollout) throw new ApiError("not_found", `flag "${key}" has no rollout yet`);
    const shadow: Partial<ShadowSpec> = snapshot.shadow ?? {};
    const flag = await getFlag(db, key);
    const flagSettings = JSON.parse(flag?.settings ?? "{}");
    const { settings: health } = parseHealthSettings(flagSettings);
    const pairs = await readShadowPairs(c.env.DB, key, rollout.id, SHADOW_REPORT_MAX_PAIRS);
    const report = buildShadowReport(pairs, shadowThresholdsFor(health.guards, shadow.thresholds));
    const worst = examples > 0 ? await listShadowExamples(c.env.DB, key, rollout.id, examples) : [];
    // Every stage of this rollout: mirroring may run at serving stages too. The rollout id bounds the rows.
    const answers = await readAnswerFiguresOrNull(
      metricsReaderFor(c.env),
      { flagKey: key, rolloutId: rollout.id, stage: null, fromMs: 0, toMs: c.get("now") + 1 },
      { greenKind: "shadow", flagSettings },
    );
    return c.json(
      {
        flag: key,
        rolloutId: rollout.id,
        rolloutState: rollout.state,
        stageIndex: rollout.stageIndex,
        comparator: shadow.comparator ?? null,
        ...report,
        topDisagreements: worst,
        answers,
      },
      200,
    );
  },
);
