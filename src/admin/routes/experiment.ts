// GET /flags/{key}/experiment — the A/B report (src/core/stats analyzeExperiment)
// for the latest rollout's current serving stage, or `?stage=serve:25` for an
// earlier one: rates, effects with CIs, fixed-horizon and always-valid
// p-values, power, SRM and a per-colo Simpson check. Reads the embedded
// outcome store (served SPLIT traffic only); `answers` (invalid rate, time to
// first byte, predictions and drift) comes through the health loop's reader.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { SERVE_STAGE_PATTERN, servedPercentOf, stageLabelOf } from "../../core/stage-label";
import { analyzeExperiment } from "../../core/stats/index";
import { parseJson } from "../../store/db";
import { readExperimentData, readUsageRows } from "../../store/experiment-repo";
import { getFlag } from "../../store/flag-repo";
import { summariseUsage } from "../../core/llm/usage-report";
import { latestRollout, toRolloutRecord } from "../../store/rollout-repo";
import { metricsReaderFor } from "../../metrics-wiring";
import { readAnswerFiguresOrNull } from "../answer-figures";
import type { AdminEnv } from "../context";
import { ApiError, validationHook } from "../errors";
import { adminRoute } from "../route-def";
import { FlagParams } from "../schemas";
import { ExperimentReport } from "../report-schemas";

export const experimentRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

const ExperimentQuery = z.strictObject({
  stage: z.string().regex(SERVE_STAGE_PATTERN, "must look like serve:25").optional(),
});

experimentRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags/{key}/experiment",
    scope: "read",
    tags: ["flags"],
    summary: "A/B report of green against blue for a serving stage",
    request: { params: FlagParams, query: ExperimentQuery },
    responses: { 200: { description: "the report", content: { "application/json": { schema: ExperimentReport } } } },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const row = await latestRollout(c.get("db"), key);
    if (!row) throw new ApiError("not_found", `flag "${key}" has no rollout yet`);
    const rollout = toRolloutRecord(row);
    const current = rollout.stages[rollout.stageIndex];
    const stage = c.req.valid("query").stage ?? (current?.mode === "serve" ? stageLabelOf(current) : null);
    if (stage === null)
      throw new ApiError("conflict", "the rollout is in its shadow stage: nobody is served green yet (see /shadow)", {
        reason: "no_split_traffic",
      });
    const percent = servedPercentOf(stage) ?? 0;
    if (!(percent > 0 && percent < 100))
      throw new ApiError("conflict", `stage ${stage} has no control arm to compare with`, { reason: "no_control_arm" });
    const [data, flag] = await Promise.all([
      readExperimentData(c.env.DB, key, rollout.id, stage),
      getFlag(c.get("db"), key),
    ]);
    // The rollout id bounds the rows; no time bound is needed below its start.
    const answers = await readAnswerFiguresOrNull(
      metricsReaderFor(c.env),
      { flagKey: key, rolloutId: rollout.id, stage, fromMs: 0, toMs: c.get("now") + 1 },
      { greenKind: "served", flagSettings: parseJson(flag?.settings ?? null) },
    );
    const report = analyzeExperiment({
      arms: data.arms,
      segments: data.segments,
      expectedWeights: { blue: 100 - percent, green: percent },
    });
    const usageRows = await readUsageRows(c.env.DB, key, rollout.id, stage);
    const usage = usageRows && { blue: summariseUsage(usageRows.blue), green: summariseUsage(usageRows.green) };
    return c.json({ flag: key, rolloutId: rollout.id, stage, arms: data.arms, ...report, answers, usage }, 200);
  },
);
