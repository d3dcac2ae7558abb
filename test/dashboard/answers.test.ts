// The flag page's "what each variant answered" panel, through the real
// Worker over outcomes written into the embedded store: invalid rate, time
// to first byte p95 and predictions per variant, green's drift from blue
// (hand-computed: PSI with the 1e-4 floor, chi-square p from scipy), bars
// for labels and a histogram for numbers — and what it says when a figure
// does not apply.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Outcome } from "../../src/core/outcome";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { call, createFlag } from "../admin/helpers";
import { servedOutcome } from "../helpers/outcome";
import { page, rolloutOf, signIn } from "./helpers";

let cookie = "";
const now = Date.now();

function answers(key: string, variant: "blue" | "green", count: number, each: (i: number) => Partial<Outcome>) {
  return Array.from({ length: count }, (_, i) =>
    servedOutcome({
      requestId: `${key}-${variant}-${i}`,
      flagKey: key,
      rolloutId: null,
      variant,
      timestampMs: now - 30 * 60_000 + i,
      ...each(i),
    }),
  );
}

const LABELS = { schema: { type: "object", required: ["label"] }, prediction: "$.label" };

beforeAll(async () => {
  await createFlag("ans-labels", { settings: { response: LABELS } });
  await createFlag("ans-scores", { settings: { response: { prediction: "$.score" } } });
  await createFlag("ans-plain");
  const label = (i: number, cuts: [number, string][]) => cuts.find(([below]) => i < below)![1];
  await createEmbeddedOutcomeStore(env.DB).insertBatch([
    // Blue: 1 of 50 invalid, cat 30 / dog 20, 10 streamed with first bytes 10…100 ms.
    ...answers("ans-labels", "blue", 50, (i) => ({
      inspection: i < 1 ? "invalid" : "valid",
      predictedLabel: label(i, [
        [30, "cat"],
        [50, "dog"],
      ]),
      ...(i < 10 ? { streamed: true, firstByteMs: (i + 1) * 10 } : {}),
    })),
    // Green: 5 of 50 invalid, cat 20 / dog 25 / fish 5, nothing streamed.
    ...answers("ans-labels", "green", 50, (i) => ({
      inspection: i < 5 ? "invalid" : "valid",
      predictedLabel: label(i, [
        [20, "cat"],
        [45, "dog"],
        [50, "fish"],
      ]),
    })),
    // Scores: blue 0.1…1.0 (ten each), green the same plus 0.5.
    ...answers("ans-scores", "blue", 100, (i) => ({
      inspection: "valid",
      predictedValue: (Math.floor(i / 10) + 1) / 10,
    })),
    ...answers("ans-scores", "green", 100, (i) => ({
      inspection: "valid",
      predictedValue: (Math.floor(i / 10) + 1) / 10 + 0.5,
    })),
    ...answers("ans-plain", "blue", 5, () => ({})),
    ...answers("ans-plain", "green", 5, () => ({})),
  ]);
  cookie = await signIn();
});

const flagPage = async (key: string) => (await page("GET", `/admin/flags/${key}`, { cookie })).text();

describe("flag page: what each variant answered", () => {
  it("shows invalid rate, first-byte p95 and labels per variant, label drift and bars per label", async () => {
    const html = await flagPage("ans-labels");
    expect(html).toContain('<h3 id="answers">What each variant answered, last 1 h</h3>');
    expect(html).toContain(
      '<tr><th scope="row">Invalid rate</th><td>2.0 % (1 of 50 inspected)</td><td>10.0 % (5 of 50 inspected)</td></tr>',
    );
    // Nearest rank: the 10th of 10 first bytes.
    expect(html).toContain(
      '<tr><th scope="row">Time to first byte p95</th><td>100 ms (10 streamed)</td><td>not streamed</td></tr>',
    );
    expect(html).toContain('<tr><th scope="row">Predictions</th><td>50 labels</td><td>50 labels</td></tr>');
    // cat/dog/fish: blue [30, 20, 0], green [20, 25, 5]: PSI 0.7935, χ² 7.556 on 2 df, p 0.0229.
    expect(html).toContain("Drift of green from blue (labels): PSI 0.793 · chi-square p 0.023 (df 2).");
    expect(html).toContain("Predicted labels (share of each variant&#39;s labels)");
    expect(html).toMatch(
      /aria-label="Predicted labels \(share of each variant&#39;s labels\): cat: blue 60.0 %, green 40.0 %; dog: blue 40.0 %, green 50.0 %; fish: blue 0.0 %, green 10.0 %"/,
    );
    expect(html.match(/<rect class="bar bar-blue"/g)).toHaveLength(3);
    expect(html.match(/<rect class="bar bar-green"/g)).toHaveLength(3);
    expect(html).toContain("Contract: JSON Schema declared, prediction at <code>$.label</code>");
  });

  it("draws a histogram for numbers and reports PSI, chi-square and KS over blue's decile bins", async () => {
    const html = await flagPage("ans-scores");
    expect(html).toContain("no contract declared</td><td>no contract declared</td>");
    expect(html).toContain("100 numbers, median 0.5</td><td>100 numbers, median 1</td>");
    // Blue's deciles 0.1…0.9 cut ten bins of 10; green (0.6…1.5) has 10 in each of bins 6–9 and 60 above 0.9:
    // PSI = 5·(1e-4 − 0.1)·ln(1e-4 / 0.1) + (0.6 − 0.1)·ln 6 = 4.346; KS D = 0.5 after bin 5.
    expect(html).toContain(
      "Drift of green from blue (bins at blue&#39;s deciles): PSI 4.346 · chi-square p &lt; 0.0001 (df 9) · KS D = 0.500, p &lt; 0.0001.",
    );
    expect(html).toContain("Predicted values (histogram, share of each variant&#39;s numbers)");
    // 8 equal bins from 0.1 (blue's 10th percentile) to 1.4 (green's 90th), plus two open tails.
    expect(html).toContain('<th scope="row">≤ 0.1</th>');
    expect(html).toContain('<th scope="row">(0.1, 0.2625]</th>');
    expect(html).toContain('<th scope="row">&gt; 1.4</th>');
    expect(html).toContain(
      '<th scope="row">(1.2375, 1.4]</th><td class="num">0 (0.0 %)</td><td class="num">20 (20.0 %)</td>',
    );
  });

  it("says what does not apply instead of showing zeros", async () => {
    const html = await flagPage("ans-plain");
    expect(html).toContain(
      '<tr><th scope="row">Invalid rate</th><td>no contract declared</td><td>no contract declared</td></tr>',
    );
    expect(html).toContain("<td>not streamed</td><td>not streamed</td>");
    expect(html).toContain("<td>no prediction path declared</td><td>no prediction path declared</td>");
    expect(html).toContain("Drift of green from blue: no prediction path declared.");
    expect(html).toContain("No prediction path declared: set settings.response.prediction");
    expect(html).not.toContain('id="chart-predictions"');
  });
});

describe("flag page: the reports' answers", () => {
  const stage = (mode: string, percent: number) => ({ mode, percent, minDurationSeconds: 60, minSamples: 10 });

  async function withRollout(key: string, first: ReturnType<typeof stage>) {
    const etag = await createFlag(key, { settings: { response: LABELS } });
    const started = await call("POST", `/flags/${key}/rollouts`, {
      ifMatch: etag,
      body: { stages: [first, stage("serve", 100)] },
    });
    expect(started.status).toBe(201);
    return (await rolloutOf(key)).id;
  }

  const section = (html: string, id: string) => html.slice(html.indexOf(`<h2 id="${id}">`)).split("<h2 ")[1]!;

  it("the experiment report shows each arm's invalid rate and the label drift of its stage", async () => {
    const rolloutId = await withRollout("ans-exp-page", stage("serve", 50));
    const split = { rolloutId, stage: "serve:50" };
    await createEmbeddedOutcomeStore(env.DB).insertBatch([
      ...answers("ans-exp-page", "blue", 20, (i) => ({
        ...split,
        inspection: i < 2 ? "invalid" : "valid",
        predictedLabel: "cat",
      })),
      ...answers("ans-exp-page", "green", 20, (i) => ({
        ...split,
        inspection: i < 4 ? "invalid" : "valid",
        predictedLabel: i < 10 ? "cat" : "dog",
      })),
    ]);
    const experiment = section(await flagPage("ans-exp-page"), "experiment");
    expect(experiment).toContain("Invalid rate: blue 10.0 % (2 of 20 inspected) · green 20.0 % (4 of 20 inspected)");
    // cat/dog: blue [20, 0], green [10, 10]: PSI = (0.5 − 1e-4)·ln(0.5/1e-4) + (0.5 − 1)·ln 0.5 = 4.604; χ² = 13.333, p = 0.00026.
    expect(experiment).toContain("Drift of green from blue (labels): PSI 4.604 · chi-square p 0.00026 (df 1).");
  });

  it("the shadow panel compares blue's served answers with green's mirrored ones", async () => {
    const rolloutId = await withRollout("ans-shadow-page", stage("shadow", 0));
    const shadow = { rolloutId, stage: "shadow", reason: "DEFAULT" } as const;
    await createEmbeddedOutcomeStore(env.DB).insertBatch([
      ...answers("ans-shadow-page", "blue", 10, () => ({ ...shadow, inspection: "valid", predictedLabel: "cat" })),
      ...answers("ans-shadow-page", "green", 10, (i) => ({
        ...shadow,
        kind: "shadow",
        shadowAgreement: 1,
        comparatorReason: "equal",
        inspection: i < 3 ? "invalid" : "valid",
        predictedLabel: "cat",
      })),
    ]);
    const panel = section(await flagPage("ans-shadow-page"), "shadow");
    expect(panel).toContain(
      "Invalid rate: blue 0.0 % (0 of 10 inspected) · green (mirrored) 30.0 % (3 of 10 inspected)",
    );
    expect(panel).toContain("Drift of green from blue (labels): PSI 0.000 · chi-square p 1 (df 0).");
  });
});
