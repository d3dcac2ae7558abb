// Response schemas of what blue and green answered (admin/answer-figures.ts):
// the answers report and the `answers` section of the shadow and experiment
// reports. Same contract as report-schemas.ts. Counts are numbers, not
// integers: Analytics Engine weighs sampled rows.
import { z } from "@hono/zod-openapi";

const Num = z.number();
const NullableNum = z.number().nullable();

export const AnswerArm = z
  .strictObject({
    requests: Num,
    inspected: Num,
    invalid: Num,
    invalidRate: NullableNum.openapi({ description: "invalid / inspected; null when nothing was inspected" }),
    streamed: Num,
    ttfbP95Ms: NullableNum.openapi({ description: "time to first byte p95 of streamed answers; null when none" }),
    labels: z.array(z.strictObject({ label: z.string(), count: Num })),
    labeled: Num,
    values: Num,
    deciles: z.array(Num).nullable(),
  })
  .openapi("AnswerArm");

export const AnswerDrift = z
  .strictObject({
    kind: z.enum(["labels", "numbers"]),
    categories: z.array(z.string()),
    blue: z.array(Num),
    green: z.array(Num),
    psi: Num,
    chiSquare: z.strictObject({ statistic: Num, degreesOfFreedom: z.number().int(), pValue: Num }),
    ks: z.strictObject({ statistic: Num, pValue: Num }).nullable(),
  })
  .openapi("AnswerDrift", {
    description: "green against blue over labels, or bins cut at blue's deciles; fixed-sample figures",
  });

export const AnswerFigures = z
  .strictObject({
    reader: z.enum(["embedded", "analytics_engine"]),
    contract: z.strictObject({ schema: z.boolean(), prediction: z.string().nullable() }),
    blue: AnswerArm,
    green: AnswerArm,
    drift: AnswerDrift.nullable(),
    histogram: z
      .strictObject({ edges: z.array(Num), categories: z.array(z.string()), blue: z.array(Num), green: z.array(Num) })
      .nullable()
      .openapi({ description: "numbers only: equal-width bins between both arms' 10th and 90th percentiles" }),
  })
  .openapi("AnswerFigures");

export const AnswersReport = z
  .strictObject({
    flag: z.string(),
    fromMs: z.number().int(),
    toMs: z.number().int(),
    ...AnswerFigures.shape,
  })
  .openapi("AnswersReport");

export type AnswerFiguresView = z.output<typeof AnswerFigures>;
export type AnswersView = z.output<typeof AnswersReport>;
