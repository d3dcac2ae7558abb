// The `switchyard answers` screen as tables of cases: answer figures (labels,
// numbers, streamed answers, what is not declared), usage (priced, unpriced,
// nothing yet) and the reasons a section is missing. Pure formatting only;
// the command against a scripted API is in answers-command.test.ts.
import { describe, expect, it } from "vitest";
import type { AnswerFiguresView } from "../../src/admin/answer-schemas";
import { formatAnswerFigures, formatAnswers, formatUsage, type UsageView } from "../../cli/format-answers.mjs";
import { arm, deciles, figures, labels, NONE, spread, variant } from "../helpers/answer-fixtures";
import { tableCells as cells } from "../helpers/cli-harness";

describe("answer figures", () => {
  it.each<[string, AnswerFiguresView | null, string[][], string[]]>([
    [
      "nothing declared, nothing answered",
      figures(),
      [
        ["requests", "0", "0"],
        ["invalid", "no contract", "no contract"],
        ["predictions", "no prediction path"],
      ],
      ["contract: no response schema, no prediction path (reader embedded)"],
    ],
    [
      "a schema, nothing inspected yet",
      figures({ contract: { schema: true, prediction: "$.label" }, blue: arm({ requests: 9 }) }),
      [
        ["invalid", "none inspected", "none inspected", "-"],
        ["predictions", "none yet"],
      ],
      ["drift: needs predictions from both variants"],
    ],
    [
      "labels: invalid share with its ratio, shares per label, fixed-sample drift",
      figures({
        contract: { schema: true, prediction: "$.label" },
        blue: arm({
          requests: 1000,
          inspected: 400,
          invalid: 2,
          invalidRate: 0.005,
          labels: labels(["positive", 240], ["negative", 150], ["neutral", 10]),
          labeled: 400,
        }),
        green: arm({
          requests: 100,
          inspected: 40,
          invalid: 2,
          invalidRate: 0.05,
          labels: labels(["positive", 20], ["negative", 18], ["spam", 2]),
          labeled: 40,
        }),
        drift: {
          kind: "labels",
          categories: ["positive", "negative", "neutral", "spam"],
          blue: [240, 150, 10, 0],
          green: [20, 18, 0, 2],
          psi: 0.0512,
          chiSquare: { statistic: 9.1, degreesOfFreedom: 3, pValue: 0.028 },
          ks: null,
        },
      }),
      [
        ["ANSWERS", "BLUE", "GREEN", "GREEN/BLUE"],
        ["requests", "1000", "100"],
        ["inspected", "400", "40"],
        ["invalid", "0.50 % (2)", "5.00 % (2)", "10.00×"],
        ["streamed", "0", "0"],
        ["labelled", "400", "40"],
        ["label positive", "60.0 %", "50.0 %", "0.83×"],
        ["label negative", "37.5 %", "45.0 %", "1.20×"],
        ["label spam", "0.0 %", "5.0 %", "-"],
        ["label neutral", "2.5 %", "0.0 %", "0.00×"],
      ],
      [
        "contract: response schema, prediction $.label (reader embedded)",
        "drift of green from blue (labels): PSI 0.0512, chi-square p 0.028 (df 3); fixed-sample figures, the prediction_drift guard decides",
      ],
    ],
    [
      "more labels than shown: the rest of each arm is one (other) row",
      figures({
        blue: arm({
          labels: labels(["a", 30], ["b", 20], ["c", 15], ["d", 10], ["e", 9], ["f", 8], ["g", 8]),
          labeled: 100,
        }),
        green: arm({ labels: labels(["a", 50], ["b", 50]), labeled: 100 }),
      }),
      [
        ["label a", "30.0 %", "50.0 %", "1.67×"],
        ["label e", "9.0 %", "0.0 %", "0.00×"],
        ["label (other)", "16.0 %", "0.0 %"],
      ],
      [],
    ],
    [
      "numbers: deciles side by side, KS with the drift; streamed answers add time to first byte",
      figures({
        contract: { schema: false, prediction: "$.score" },
        blue: arm({ requests: 500, inspected: 500, values: 500, deciles: deciles(0.1), streamed: 500, ttfbP95Ms: 120 }),
        green: arm({ requests: 50, inspected: 50, values: 50, deciles: deciles(0.11), streamed: 50, ttfbP95Ms: 1500 }),
        drift: {
          kind: "numbers",
          categories: [],
          blue: [],
          green: [],
          psi: 0.31,
          chiSquare: { statistic: 40, degreesOfFreedom: 9, pValue: 0.00001 },
          ks: { statistic: 0.125, pValue: 0.0042 },
        },
      }),
      [
        ["ttfb p95", "120 ms", "1.50 s", "12.50×"],
        ["numbers", "500", "50"],
        ["predicted p10", "0.1", "0.11", "1.10×"],
        ["predicted p50", "0.5", "0.55", "1.10×"],
        ["predicted p90", "0.9", "0.99", "1.10×"],
      ],
      [
        "drift of green from blue (bins at blue's deciles): PSI 0.31, chi-square p < 0.0001 (df 9), KS D 0.125 p 0.0042; fixed-sample figures, the prediction_drift guard decides",
      ],
    ],
    [
      "the reader could not be read",
      null,
      [],
      ["answers: unavailable (the metrics reader could not be read; see the Worker's logs)"],
    ],
  ])("%s", (_name, view, rows, lines) => {
    const text = formatAnswerFigures(view);
    for (const row of rows) expect(cells(text)).toContainEqual(row);
    for (const line of lines) expect(text.split("\n")).toContain(line);
  });
});

describe("usage", () => {
  const priced = {
    blue: variant({
      requests: 300,
      usageKnown: 291,
      inputTokens: spread(291, 120, 200),
      outputTokens: spread(291, 80.5, 150),
      costPerRequest: { ...spread(291, 0.00000945), per1000Requests: 0.00945 },
      ttftMs: spread(280, 180, 400, 150),
    }),
    green: variant({
      requests: 100,
      usageKnown: 90,
      inputTokens: spread(90, 120, 200),
      outputTokens: spread(90, 290, 600),
      costPerRequest: { ...spread(90, 0.0000345), per1000Requests: 0.0345 },
      ttftMs: spread(95, 300, 900, 240),
    }),
  };
  it.each<[string, UsageView | null, string[][], string[]]>([
    [
      "priced and streamed: tokens, cost and first token with green/blue",
      priced,
      [
        ["USAGE", "BLUE", "GREEN", "GREEN/BLUE"],
        ["requests", "300", "100"],
        ["usage known", "291 (97.0 %)", "90 (90.0 %)"],
        ["input tokens/req mean / p95", "120.0 / 200.0", "120.0 / 200.0", "1.00×"],
        ["output tokens/req mean / p95", "80.5 / 150.0", "290.0 / 600.0", "3.60×"],
        ["cost/req", "$0.00000945", "$0.0000345", "3.65×"],
        ["cost/1000 req", "$0.00945", "$0.0345"],
        ["first token p50 / p95", "150 ms / 400 ms", "240 ms / 900 ms", "2.25×"],
      ],
      [],
    ],
    [
      "tokens known but no price: cost is missing, and the output says why",
      {
        blue: variant({ ...priced.blue, costPerRequest: { ...NONE, per1000Requests: null }, ttftMs: NONE }),
        green: variant({ ...priced.green, costPerRequest: { ...NONE, per1000Requests: null }, ttftMs: NONE }),
      },
      [["cost/req", "-", "-", "-"]],
      ["cost: no answer was priced (set origins.<variant>.price)"],
    ],
    [
      "declared but nothing answered yet",
      { blue: variant(), green: variant() },
      [
        ["requests", "0", "0"],
        ["usage known", "0", "0"],
        ["output tokens/req mean / p95", "-", "-", "-"],
      ],
      [],
    ],
  ])("%s", (_name, usage, rows, lines) => {
    const text = formatUsage(usage, null);
    for (const row of rows) expect(cells(text)).toContainEqual(row);
    for (const line of lines) expect(text.split("\n")).toContain(line);
    if (usage?.blue.ttftMs.n === 0) expect(text).not.toContain("first token");
  });

  it("says why there is no usage", () => {
    expect(formatUsage(null, { reason: "not_declared", message: "not read (why)" })).toBe("usage: not read (why)");
  });

  it("titles the screen with the window, and the stage the usage belongs to", () => {
    const text = formatAnswers({
      flag: "f",
      window: { fromMs: 0, toMs: 3_600_000 },
      rolloutId: "r1",
      stage: "serve:25",
      answers: figures(),
      usage: priced,
      usageMissing: null,
    });
    expect(text.split("\n")[0]).toBe(
      "flag f: answers over the last 60 min (1970-01-01T00:00:00Z to 1970-01-01T01:00:00Z)",
    );
    expect(text).toContain("\n\nusage in rollout r1 stage serve:25 (the stage so far):\nUSAGE");
    const staged = formatAnswers({
      flag: "f",
      window: null,
      rolloutId: "r1",
      stage: "serve:5",
      answers: null,
      usage: null,
      usageMissing: null,
    });
    expect(staged.split("\n")[0]).toBe("flag f: answers in rollout r1 stage serve:5");
  });
});
