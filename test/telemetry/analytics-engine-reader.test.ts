// The AE SQL API reader against a fake SQL API (a fetch responder) that
// answers in AE's JSON format ({meta, data, rows, rows_before_limit_at_least},
// 64-bit integers as strings). Checks the SQL it sends (weighting by
// _sample_interval, layout columns, escaping), parsing, retries and errors.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAnalyticsEngineReader, sqlString } from "../../src/telemetry/readers/analytics-engine";
import { MetricsReadError } from "../../src/telemetry/readers/metrics-read-error";

afterEach(() => {
  vi.restoreAllMocks();
});

const WINDOW = {
  flagKey: "demo-model",
  rolloutId: "r1",
  stage: "serve:25",
  fromMs: 1_700_000_000_000,
  toMs: 1_700_000_060_000,
};

function aeAnswer(data: Record<string, unknown>[]) {
  const meta = Object.keys(data[0] ?? {}).map((name) => ({ name, type: name.startsWith("p") ? "Float64" : "UInt64" }));
  return Response.json({ meta, data, rows: data.length, rows_before_limit_at_least: data.length });
}

function fakeSqlApi(answer: (sql: string, attempt: number) => Response | Promise<Response>) {
  const seen: { url: string; sql: string; auth: string | null }[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input as RequestInfo, init);
    const sql = await request.text();
    seen.push({ url: request.url, sql, auth: request.headers.get("authorization") });
    return answer(sql, seen.length);
  });
  return seen;
}

const reader = (extra = {}) =>
  createAnalyticsEngineReader({
    accountId: "acc123",
    apiToken: "tok",
    dataset: "switchyard_outcomes",
    sleep: async () => undefined,
    ...extra,
  });

describe("Analytics Engine SQL reader", () => {
  it("sends weighted window queries and parses AE's JSON (strings for 64-bit integers)", async () => {
    const seen = fakeSqlApi((sql) =>
      sql.includes("quantileExactWeighted")
        ? aeAnswer([{ variant: "green", reason: "SPLIT", rule: "", kind: "served", p50: 80, p95: 150.5, p99: 240 }])
        : aeAnswer([
            {
              variant: "green",
              reason: "SPLIT",
              rule: "",
              kind: "served",
              requests: "1000",
              raw_rows: "100",
              errors: "30",
              timeouts: "0",
              latency_sum: 90000,
              shadow_pairs: "0",
              shadow_agreements: 0,
              feedback_total: "20",
              feedback_successes: 15,
              inspected: "400",
              invalid: "12",
              streamed: "0",
              usage_known: "900",
              input_tokens_sum: 18000,
              output_tokens_sum: 45000,
              output_tokens_sum_sq: 2500000,
              cost_known: "800",
              cost_sum: 0.4,
              cost_sum_sq: 0.0003,
            },
          ]),
    );
    const groups = await reader().readWindow(WINDOW);
    expect(groups).toEqual([
      {
        variant: "green",
        reason: "SPLIT",
        ruleId: null,
        kind: "served",
        metrics: {
          requests: 1000,
          rows: 100,
          errors: 30,
          timeouts: 0,
          latencySumMs: 90000,
          p50Ms: 80,
          p95Ms: 150.5,
          p99Ms: 240,
          shadowPairs: 0,
          shadowAgreements: 0,
          feedbackTotal: 20,
          feedbackSuccesses: 15,
          inspected: 400,
          invalid: 12,
          streamed: 0,
          ttfbP95Ms: null,
          usageKnown: 900,
          inputTokensSum: 18000,
          outputTokensSum: 45000,
          outputTokensSumSq: 2500000,
          costKnown: 800,
          costSum: 0.4,
          costSumSq: 0.0003,
        },
      },
    ]);
    const sql = seen.find((s) => !s.sql.includes("quantile"))!.sql;
    expect(sql).toContain(
      "sum(if(double6 = -1, if(blob13 IN ('valid', 'invalid'), _sample_interval, 0), 0)) AS inspected",
    );
    expect(sql).toContain("sum(if(double6 = -1, if(blob13 = 'invalid', _sample_interval, 0), 0)) AS invalid");
    // Usage sums only over answers whose usage (or cost) is known: -1 (unknown) never enters a sum.
    expect(sql).toContain(
      "sum(if(double6 = -1, if(blob16 = 'known', _sample_interval * double17, 0), 0)) AS output_tokens_sum",
    );
    expect(sql).toContain("sum(if(double6 = -1, if(double18 >= 0, _sample_interval * double18, 0), 0)) AS cost_sum");
    expect(seen).toHaveLength(2);
    expect(seen[0]!.url).toBe("https://api.cloudflare.com/client/v4/accounts/acc123/analytics_engine/sql");
    expect(seen[0]!.auth).toBe("Bearer tok");
    const aggregates = seen.find((s) => !s.sql.includes("quantile"))!.sql;
    expect(aggregates).toContain("sum(if(double6 = -1, _sample_interval, 0)) AS requests");
    expect(aggregates).toContain("sum(if(double6 = -1, 1, 0)) AS raw_rows");
    expect(aggregates).toContain("index1 = 'demo-model' AND blob5 = 'r1'");
    expect(aggregates).toContain(
      "timestamp >= toDateTime(1700000000) AND timestamp < toDateTime(1700000060) AND blob4 = 'serve:25'",
    );
    expect(aggregates).toContain("NOT startsWith(blob4, 'ofrep:')");
    expect(aggregates).toContain("NOT (blob10 = 'shadow' AND blob11 IN ('skipped_too_large', 'request_unreadable'))");
    expect(aggregates).toContain("GROUP BY variant, reason, rule, kind FORMAT JSON");
    // Client-aborted requests are no variant's requests: left out of counts and latency alike.
    for (const { sql } of seen) expect(sql).toContain("blob12 != 'client_aborted'");
    expect(seen.find((s) => s.sql.includes("quantile"))!.sql).toContain(
      "quantileExactWeighted(0.95)(double1, _sample_interval) AS p95",
    );
  });

  it("reads time to first byte of streamed answers only when the window has some", async () => {
    const seen = fakeSqlApi((sql) =>
      sql.includes("AS ttfb_p95")
        ? aeAnswer([{ variant: "green", reason: "SPLIT", rule: "", kind: "served", ttfb_p95: 412 }])
        : sql.includes("quantileExactWeighted")
          ? aeAnswer([])
          : aeAnswer([{ variant: "green", reason: "SPLIT", rule: "", kind: "served", requests: "10", streamed: "6" }]),
    );
    const [group] = await reader().readWindow(WINDOW);
    expect(group!.metrics).toMatchObject({ streamed: 6, ttfbP95Ms: 412 });
    const ttfb = seen.find((s) => s.sql.includes("AS ttfb_p95"))!.sql;
    expect(ttfb).toContain("quantileExactWeighted(0.95)(double11, _sample_interval) AS ttfb_p95");
    expect(ttfb).toContain("double15 = 1 AND double11 >= 0");
    expect(seen).toHaveLength(3);
    await reader().readExceedances(WINDOW, [500], "first_byte");
    const above = seen.at(-1)!.sql;
    expect(above).toContain("sum(if(double11 > 500, _sample_interval, 0)) AS above_0");
    expect(above).toContain("double15 = 1");
  });

  it("reads predictions: labels largest first within the cap, numbers as deciles or bins at given edges", async () => {
    const seen = fakeSqlApi((sql) =>
      sql.includes("AS label")
        ? aeAnswer([
            { variant: "blue", reason: "SPLIT", rule: "", kind: "served", label: "positive", n: 70 },
            { variant: "blue", reason: "SPLIT", rule: "", kind: "served", label: "negative", n: "30" },
          ])
        : sql.includes("AS bin_0")
          ? aeAnswer([{ variant: "blue", reason: "SPLIT", rule: "", kind: "served", n: 10, bin_0: 4, bin_1: 6 }])
          : aeAnswer([
              { variant: "blue", reason: "SPLIT", rule: "", kind: "served", n: 9, d0: 0.1, d1: 0.2, d2: 0.3, d3: 0.4 },
            ]),
    );
    const [labels] = await reader().readPredictions(WINDOW, null);
    expect(labels).toMatchObject({
      variant: "blue",
      labeled: 100,
      labels: [
        { label: "positive", count: 70 },
        { label: "negative", count: 30 },
      ],
      values: 9,
      bins: null,
    });
    expect(labels!.deciles!.slice(0, 4)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(seen[0]!.sql).toContain("GROUP BY variant, reason, rule, kind, label ORDER BY n DESC LIMIT");
    const deciles = seen.find((s) => s.sql.includes("AS d8"))!.sql;
    expect(deciles).toContain("quantileExactWeighted(0.9)(double13, _sample_interval) AS d8");
    expect(deciles).toContain("double14 = 1");
    const [binned] = await reader().readPredictions(WINDOW, [0.5]);
    expect(binned!.bins).toEqual([4, 6]);
    const bins = seen.find((s) => s.sql.includes("AS bin_0"))!.sql;
    expect(bins).toContain("sum(if(double13 <= 0.5, _sample_interval, 0)) AS bin_0");
    expect(bins).toContain("sum(if(double13 > 0.5, _sample_interval, 0)) AS bin_1");
    await expect(reader().readPredictions(WINDOW, [Number.NaN])).rejects.toThrow(RangeError);
  });

  it('filters by rollout like the embedded reader: one id, none (""), or any rollout or none (no rollout condition)', async () => {
    const seen = fakeSqlApi(() => aeAnswer([]));
    await reader().readWindow({ ...WINDOW, rolloutId: null, stage: null });
    await reader().readExceedances({ ...WINDOW, rolloutId: { any: true }, stage: null }, [1]);
    await reader().readWindow({ ...WINDOW, rolloutId: { any: true }, stage: null });
    expect(seen.slice(0, 2).every((s) => s.sql.includes("index1 = 'demo-model' AND blob5 = '' AND timestamp"))).toBe(
      true,
    );
    for (const { sql } of seen.slice(2)) {
      expect(sql).toContain("index1 = 'demo-model' AND timestamp >= toDateTime(1700000000)");
      expect(sql).not.toContain("blob5");
    }
  });

  it("counts weighted exceedances per threshold and skips infinite ones", async () => {
    const seen = fakeSqlApi(() =>
      aeAnswer([{ variant: "blue", reason: "SPLIT", rule: "", kind: "", above_0: "12", above_1: "0" }]),
    );
    const groups = await reader().readExceedances(WINDOW, [225, Number.POSITIVE_INFINITY]);
    expect(groups).toEqual([{ variant: "blue", reason: "SPLIT", ruleId: null, kind: "served", above: [12, 0] }]);
    expect(seen[0]!.sql).toContain("sum(if(double1 > 225, _sample_interval, 0)) AS above_0, 0 AS above_1");
  });

  it("retries 429/5xx with backoff, fails fast on 4xx, and explains failures", async () => {
    const sleeps: number[] = [];
    const flaky = fakeSqlApi((_, attempt) => (attempt < 3 ? new Response("busy", { status: 503 }) : aeAnswer([])));
    expect(
      await reader({ sleep: async (ms: number) => void sleeps.push(ms), attempts: 3, backoffMs: 100 }).readExceedances(
        WINDOW,
        [1],
      ),
    ).toEqual([]);
    expect(flaky).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
    vi.restoreAllMocks();
    const bad = fakeSqlApi(() => new Response("unknown column blob99", { status: 422 }));
    await expect(reader().readExceedances(WINDOW, [1])).rejects.toMatchObject({
      code: "http_error",
      message: expect.stringContaining("422: unknown column"),
    });
    expect(bad).toHaveLength(1);
    vi.restoreAllMocks();
    fakeSqlApi(() => new Response("<html>", { status: 200 }));
    await expect(reader().readExceedances(WINDOW, [1])).rejects.toMatchObject({ code: "bad_response" });
    vi.restoreAllMocks();
    fakeSqlApi(() => {
      throw new TypeError("connection refused");
    });
    await expect(reader().readExceedances(WINDOW, [1])).rejects.toMatchObject({ code: "network" });
    await expect(
      createAnalyticsEngineReader({ accountId: undefined, apiToken: "t", dataset: "d" }).readWindow(WINDOW),
    ).rejects.toBeInstanceOf(MetricsReadError);
  });

  it("times out a hanging API", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(
      (_input, init) =>
        new Promise((_, reject) => {
          init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
        }),
    );
    await expect(reader({ timeoutMs: 20, attempts: 2 }).readExceedances(WINDOW, [1])).rejects.toMatchObject({
      code: "timeout",
    });
  });

  it("escapes string literals", () => {
    expect(sqlString("a'b\\c")).toBe("'a\\'b\\\\c'");
    expect(() => sqlString("x\ny")).toThrow(MetricsReadError);
  });
});
