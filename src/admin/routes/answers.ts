// GET /flags/{key}/answers (read scope): what blue and green answered over
// the last `minutes` — invalid rate, time-to-first-byte p95 of streamed
// answers, predicted labels or numbers (deciles and a histogram) and green's
// drift from blue — for the dashboard's flag page and the CLI. Measured
// through the health loop's MetricsReader (Analytics Engine in production,
// the embedded store in dev), over the split's served answers of any rollout.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { parseJson } from "../../store/db";
import { metricsReaderFor } from "../../metrics-wiring";
import { readAnswerFigures } from "../answer-figures";
import { AnswersReport } from "../answer-schemas";
import type { AdminEnv } from "../context";
import { ApiError, validationHook } from "../errors";
import { adminRoute } from "../route-def";
import { FlagParams } from "../schemas";
import { loadFlag } from "./flags";

/** Defaults and caps in one place: the last hour; at most a week. */
export const ANSWERS_DEFAULTS = { minutes: 60, maxMinutes: 7 * 24 * 60 } as const;

const AnswersQuery = z.strictObject({
  minutes: z.coerce.number().int().min(1).max(ANSWERS_DEFAULTS.maxMinutes).optional(),
});

export const answerRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

answerRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags/{key}/answers",
    scope: "read",
    tags: ["flags"],
    summary: "Invalid rate, time to first byte and predictions per variant, and green's drift from blue",
    request: { params: FlagParams, query: AnswersQuery },
    responses: { 200: { description: "the figures", content: { "application/json": { schema: AnswersReport } } } },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const { minutes = ANSWERS_DEFAULTS.minutes } = c.req.valid("query");
    const flag = await loadFlag(c, key);
    const toMs = c.get("now") + 1;
    const fromMs = toMs - minutes * 60_000;
    const figures = await readAnswerFigures(
      metricsReaderFor(c.env),
      { flagKey: key, rolloutId: { any: true }, stage: null, fromMs, toMs },
      { greenKind: "served", flagSettings: parseJson(flag.settings) },
    ).catch((error: unknown) => {
      throw new ApiError(
        "internal",
        `the metrics reader could not be read: ${String((error as Error).message ?? error)}`,
      );
    });
    return c.json({ flag: key, fromMs, toMs, ...figures }, 200);
  },
);
