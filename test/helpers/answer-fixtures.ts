// Answer figures and usage as the admin API reports them (answer-schemas.ts,
// report-schemas.ts), built from a few numbers: every field defaults to
// "nothing measured", a test names only what it is about.
import type { AnswerFiguresView } from "../../src/admin/answer-schemas";
import type { UsageView } from "../../cli/format-answers.mjs";

type Arm = AnswerFiguresView["blue"];
type VariantUsage = UsageView["blue"];

export const arm = (o: Partial<Arm> = {}): Arm => ({
  requests: 0,
  inspected: 0,
  invalid: 0,
  invalidRate: null,
  streamed: 0,
  ttfbP95Ms: null,
  labels: [],
  labeled: 0,
  values: 0,
  deciles: null,
  ...o,
});
export const figures = (o: Partial<AnswerFiguresView> = {}): AnswerFiguresView => ({
  reader: "embedded",
  contract: { schema: false, prediction: null },
  blue: arm(),
  green: arm(),
  drift: null,
  histogram: null,
  ...o,
});
export const spread = (n: number, mean: number | null, p95 = mean, p50 = mean) => ({ n, mean, p50, p95 });
export const NONE = spread(0, null);
export const variant = (o: Partial<VariantUsage> = {}): VariantUsage => ({
  requests: 0,
  usageKnown: 0,
  inputTokens: NONE,
  outputTokens: NONE,
  costPerRequest: { ...NONE, per1000Requests: null },
  ttftMs: NONE,
  ...o,
});
export const labels = (...pairs: [string, number][]) => pairs.map(([label, count]) => ({ label, count }));
export const deciles = (scale: number) => [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => d * scale);
