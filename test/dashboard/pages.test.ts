// The flags list and flag page render the demo flag's real data: route,
// kill state, stage, last decision, sparkline, charts with axes and a
// legend naming both variants, the timeline with decisions, evaluation
// order with overrides count/search, shadow/experiment sections, audit;
// and what they say about the `npm run dev` seed and a live shadow stage.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createFlag, flagEtag, mintToken } from "../admin/helpers";
import { applyDemoSeed } from "../helpers/demo-seed";
import { guardFigure, page, rolloutOf, seedDecision, seedDemoFlag, seedOutcomes, signIn } from "./helpers";

const KEY = "dash-pages";
let cookie = "";

beforeAll(async () => {
  await seedDemoFlag(KEY);
  const now = Date.now();
  const rows = [];
  for (let i = 0; i < 60; i++) {
    const ts = now - i * 60_000;
    rows.push({ ts, variant: "blue" as const, latencyMs: 80 + (i % 7), error: i % 20 === 0 });
    rows.push({ ts, variant: "green" as const, latencyMs: 95 + (i % 5), error: i % 10 === 0, timeout: i === 5 });
  }
  await seedOutcomes(KEY, rows);
  const rollout = await rolloutOf(KEY);
  // Written in time order, as the health loop does (the API lists newest id first).
  await seedDecision(KEY, rollout.id, 0, "advance", "healthy", now - 120_000);
  await seedDecision(KEY, rollout.id, 1, "hold", "min_duration", now - 30_000, [
    guardFigure("error_rate", "ok", 0.012, 0.01, 0.03),
    guardFigure("ttfb_p95", "ok", 240, 200, 400),
    guardFigure("cost_per_request", "suspect", 0.0000345, 0.0000093, 0.0000279),
  ]);
  cookie = await signIn();
});

describe("flags list", () => {
  it("shows route, kill state, stage with green %, last decision and an error-rate sparkline", async () => {
    const response = await page("GET", "/admin", { cookie });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`href="/admin/flags/${KEY}"`);
    expect(html).toContain(`POST /${KEY}/predict`);
    expect(html).toContain("Kill switch off");
    expect(html).toContain("25 % green");
    expect(html).toContain("stage 2 of 3, active");
    expect(html).toMatch(/<span class="badge badge-neutral">hold<\/span> min duration/);
    expect(html).toMatch(
      /<svg class="spark"[^>]*role="img" aria-label="dash-pages error rate, last 6 h: blue \(stable\) [\d.]+ %, green \(new\) [\d.]+ %"/,
    );
    expect(html).toContain('<th scope="col">Kill switch</th>');
  });
});

describe("flag page", () => {
  it("draws four blue-vs-green charts with axes, UTC ticks, a legend naming both variants and a data table", async () => {
    const html = await (await page("GET", `/admin/flags/${KEY}`, { cookie })).text();
    for (const id of ["chart-requests", "chart-errors", "chart-timeouts", "chart-p95"]) {
      expect(html).toContain(`<figure class="chart" id="${id}">`);
      expect(html).toContain(`aria-labelledby="${id}-title ${id}-desc"`);
    }
    expect(html).toMatch(/<path class="line line-blue" d="M[\d.]+ [\d.]+ L/);
    expect(html).toMatch(/<path class="line line-green" d="M[\d.]+ [\d.]+ L/);
    expect(html).toContain("blue (stable) — latest");
    expect(html).toContain("green (new) — latest");
    expect(html).toMatch(/<text[^>]*text-anchor="middle">\d\d:\d\d<\/text>/);
    expect(html).toMatch(/<text[^>]*text-anchor="end">\d+(\.\d+)? %<\/text>/);
    expect(html).toMatch(/<text[^>]*text-anchor="end">\d+ ms<\/text>/);
    expect(html).toContain("Data table: p95 latency");
  });

  it("shows the rollout timeline planned vs actual with each decision and its figures", async () => {
    const html = await (await page("GET", `/admin/flags/${KEY}`, { cookie })).text();
    expect(html).toContain("Stage 1 of 3: shadow (0 % served) — done");
    expect(html).toContain("Stage 2 of 3: 25 % green — running now");
    expect(html).toContain("Stage 3 of 3: 100 % green — planned");
    expect(html).toContain("Planned:</strong> at least 1 min and 10 samples");
    expect(html).toMatch(/entered \d{4}-\d\d-\d\d \d\d:\d\d UTC, left/);
    expect(html).toContain("1 decision — last: hold, min duration");
    expect(html).toContain("120 / 480 / 10");
    expect(html).toMatch(
      /error rate<\/strong>: <span class="badge badge-ok">ok<\/span> green 1.2 % vs control 1.0 %, limit 3.0 %/,
    );
    // Each guard's figures in its own unit (test/dashboard/guard-figures.test.ts has them all).
    expect(html).toContain("green 240 ms vs control 200 ms, limit 400 ms");
    expect(html).toContain("green $0.0000345 vs control $0.00000930, limit $0.0000279");
  });

  it("lists the evaluation order with rules, segments and the overrides count, and searches overrides", async () => {
    const html = await (await page("GET", `/admin/flags/${KEY}`, { cookie })).text();
    expect(html).toContain("2 pinned unit keys");
    expect(html).toContain("<code>eu-canary</code>");
    expect(html).toContain("<code>cf.country</code> in “DE”");
    expect(html).toContain("10 % green");
    expect(html).toContain('<label for="q">Find overrides by unit key prefix</label>');
    const found = await (await page("GET", `/admin/flags/${KEY}?q=qa-a`, { cookie })).text();
    expect(found).toContain('<code>qa-alice</code> → <span class="tag tag-green">green</span>');
    expect(found).not.toContain("<code>qa-bob</code>");
    const none = await (await page("GET", `/admin/flags/${KEY}?q=zzz`, { cookie })).text();
    expect(none).toContain("No override starts with “zzz”");
  });

  it("shows the experiment report and the audit log; no shadow panel at a served stage without compared pairs", async () => {
    const html = await (await page("GET", `/admin/flags/${KEY}`, { cookie })).text();
    expect(html).not.toContain('<h2 id="shadow">');
    expect(html).not.toContain("compared pairs");
    expect(html).toContain('<h2 id="experiment">Experiment report</h2>');
    expect(html).not.toContain("No experiment report is available from this deployment yet.");
    // The route exists now; this flag's stage has no served SPLIT outcomes yet, so no intervals.
    expect(html).toContain("The experiment report has no effects with intervals yet.");
    expect(html).toContain('<table id="audit-table">');
    expect(html).toContain("rollout.advance");
    expect(html).toContain("flag.rules.replace");
  });

  it("is labelled for assistive technology: controls have labels, scroll regions are focusable", async () => {
    const html = await (await page("GET", `/admin/flags/${KEY}`, { cookie })).text();
    expect(html).toContain('<label for="kill-reason">Reason (recorded in the audit log)</label>');
    expect(html).toContain('<textarea id="kill-reason" name="reason"');
    expect(html).toContain('<a class="skip" href="#main">Skip to content</a>');
    expect(html).toMatch(/<div class="scroll" tabindex="0" role="region" aria-label="[^"]+">/);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('name="viewport" content="width=device-width, initial-scale=1"');
    expect(html).not.toMatch(/\sstyle="/);
  });

  it("disables controls a read-scope token cannot use and names the scope", async () => {
    const readCookie = await signIn(await mintToken("read", "dash-reader"));
    const html = await (await page("GET", `/admin/flags/${KEY}`, { cookie: readCookie })).text();
    expect(html).toMatch(/<button type="submit" class="danger" disabled="">Turn kill switch ON<\/button>/);
    expect(html).toContain("Needs the “operate” scope; your token has “read”.");
    expect(html).toContain("Needs the “admin” scope; your token has “read”.");
  });

  it.each([
    ["", "1 h", "1h", 30, 2],
    ["?window=15m", "15 min", "15m", 15, 1],
    ["?window=6h", "6 h", "6h", 36, 10],
    ["?window=24h", "24 h", "24h", 48, 30],
    ["?window=bogus", "1 h", "1h", 30, 2],
  ])("draws the charts over the window the operator picks (%s)", async (query, label, id, points, bucketMinutes) => {
    const html = await (await page("GET", `/admin/flags/${KEY}${query}`, { cookie })).text();
    expect(html).toContain(`<h2 id="charts">Blue vs green, last ${label}</h2>`);
    expect(html).toContain(`Served requests in ${bucketMinutes}-minute buckets.`);
    expect(html).toContain(`<a href="/admin/flags/${KEY}?window=${id}#charts" aria-current="true">${label}</a>`);
    expect(html.match(/aria-current="true"/g)).toHaveLength(1);
    // Each of the four charts has one data-table row per bucket.
    const rowsOf = (id: string) =>
      html
        .slice(html.indexOf(`<figure class="chart" id="${id}">`))
        .split("</figure>")[0]!
        .match(/<tr><th scope="row">/g)?.length;
    expect(["chart-requests", "chart-errors", "chart-timeouts", "chart-p95"].map(rowsOf)).toEqual(
      new Array(4).fill(points),
    );
  });

  it("answers 404 for an unknown flag", async () => {
    const response = await page("GET", "/admin/flags/no-such-flag", { cookie });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("There is no flag");
  });
});

describe("what the flag page says happened", () => {
  it("the dev seed's rollout (written straight at stage 3): earlier stages were skipped, not done, and there is no shadow panel", async () => {
    await applyDemoSeed();
    const html = await (await page("GET", "/admin/flags/demo-model", { cookie })).text();
    expect(html).toContain("Stage 1 of 5: shadow (0 % served) — skipped (never entered)");
    expect(html).toContain("Stage 2 of 5: 5 % green — skipped (never entered)");
    expect(html).toContain("Stage 3 of 5: 25 % green — running now");
    expect(html).not.toMatch(/— done/);
    expect(html).toMatch(/Stage 1 of 5[\s\S]*?<strong>Actual:<\/strong> not entered/);
    expect(html).not.toContain('<h2 id="shadow">');
  });

  it("a live shadow stage shows the shadow panel, even with no pairs compared yet", async () => {
    await createFlag("dash-shadow");
    expect(
      (await call("POST", "/flags/dash-shadow/rollouts", { body: {}, ifMatch: await flagEtag("dash-shadow") })).status,
    ).toBe(201);
    const html = await (await page("GET", "/admin/flags/dash-shadow", { cookie })).text();
    expect(html).toContain('<h2 id="shadow">Shadow agreement</h2>');
    expect(html).toContain("compared pairs");
    expect(html).toContain("Stage 1 of 5: shadow (0 % served) — running now");
  });
});
