import { describe, expect, it } from "vitest";
import { compileComparator, type ComparatorSpec } from "../../src/core/shadow/comparators";
import { parseJsonPath } from "../../src/core/shadow/json-path";
import { redactForExample } from "../../src/core/shadow/redact";
import { buildShadowReport, percentile, type ShadowPair } from "../../src/core/shadow/report";
import { compileShadow } from "../../src/core/shadow/settings";
import cases from "../fixtures/comparator-cases.json";

describe("shadow comparators (test/fixtures/comparator-cases.json)", () => {
  it.each(cases)("$name", ({ spec, blue, green, agree, similarity, reason }) => {
    const compare = compileComparator(spec as ComparatorSpec);
    if (typeof compare === "string") throw new Error(compare);
    const result = compare(blue, green);
    expect(result.agree).toBe(agree);
    expect(result.similarity).toBeCloseTo(similarity, 9);
    expect(result.reason).toBe(reason);
  });

  it.each([
    [{ kind: "label", path: "label" }, /must start with \$/],
    [{ kind: "label", path: "$.a..b" }, /unsupported path/],
    [{ kind: "topk", path: "$.x", k: 0, minOverlap: 0.5 }, /k must be/],
    [{ kind: "topk", path: "$.x", k: 3, minOverlap: 2 }, /minOverlap/],
    [{ kind: "fuzzy" }, /unknown comparator/],
  ])("refuses %j", (spec, message) => {
    expect(compileComparator(spec as ComparatorSpec)).toMatch(message);
  });
});

describe("shadow settings", () => {
  it("merges defaults and derives sample thresholds in buckets", () => {
    const compiled = compileShadow({ sampleRate: 12.5, alwaysSampleRate: 1 });
    expect("message" in compiled).toBe(false);
    if ("message" in compiled) return;
    expect(compiled.sampleBuckets).toBe(12_500);
    expect(compiled.alwaysSampleBuckets).toBe(1000);
    expect(compiled.spec.maxBodyBytes).toBe(256 * 1024);
  });

  it.each([
    [{ sampleRate: 101 }, "shadow.sampleRate"],
    [{ maxBodyBytes: 10 * 1024 * 1024 }, "shadow.maxBodyBytes"],
    [{ timeoutMs: 0 }, "shadow.timeoutMs"],
    [{ exampleRate: 2 }, "shadow.exampleRate"],
    [{ comparator: { kind: "label", path: "nope" } }, "shadow.comparator"],
    [{ redactPaths: ["$.ok", "bad"] }, "shadow.redactPaths"],
  ])("refuses %j at %s", (raw, path) => {
    expect(compileShadow(raw)).toMatchObject({ path });
  });
});

describe("redaction of stored examples", () => {
  const paths = (...p: string[]) => p.map((x) => parseJsonPath(x) as never);
  it("blanks configured paths and truncates", () => {
    expect(
      redactForExample(
        '{"user":{"email":"a@b.c","id":1},"items":[{"pii":1},{"pii":2}]}',
        paths("$.user.email", "$.items[*].pii"),
      ),
    ).toBe('{"user":{"email":"[redacted]","id":1},"items":[{"pii":"[redacted]"},{"pii":"[redacted]"}]}');
    expect(redactForExample("x".repeat(3000), [])).toMatch(/^x{2048}…\[truncated 952 chars\]$/);
  });

  it("withholds non-JSON bodies when redaction is configured", () => {
    expect(redactForExample("email=a@b.c", paths("$.email"))).toMatch(/withheld/);
    expect(redactForExample("plain text", [])).toBe("plain text");
  });
});

function pairs(n: number, make: (i: number) => Partial<ShadowPair>): ShadowPair[] {
  return Array.from({ length: n }, (_, i) => ({
    requestId: `r${i}`,
    segment: "(default)",
    agreement: 1,
    comparatorReason: "equal",
    greenLatencyMs: 10,
    blueLatencyMs: 10,
    greenError: false,
    blueError: false,
    ...make(i),
  }));
}

describe("shadow report (hand-computed fixtures)", () => {
  it("nearest-rank percentiles", () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(percentile([], 0.5)).toBeNull();
  });

  it("figures for 1 000 pairs: 900 agree, green p95 20 ms vs blue 10 ms, 10 green errors", () => {
    const report = buildShadowReport(
      pairs(1000, (i) => ({
        agreement: i < 900 ? 1 : 0,
        comparatorReason: i < 900 ? "equal" : "label_mismatch",
        greenLatencyMs: i % 20 === 0 ? 20 : 10, // 5 % at 20 ms → nearest-rank p95 = 10, p96+ = 20
        greenError: i >= 990,
        segment: i % 2 === 0 ? "eu" : "(default)",
      })),
    );
    expect(report.samples).toBe(1000);
    expect(report.agreement.rate).toBe(0.9);
    // Wilson 95 % for 900/1000 (z = 1.959964), computed by hand in python: [0.879848, 0.917091]
    expect(report.agreement.low).toBeCloseTo(0.879848, 5);
    expect(report.agreement.high).toBeCloseTo(0.917091, 5);
    expect(report.latency.green).toEqual({ p50: 10, p95: 10 });
    expect(report.errors.greenRate).toBe(0.01);
    expect(report.errors.blueRate).toBe(0);
    expect(report.errors.ratio).toBeCloseTo(10, 9); // floored blue rate 0.1 %
    expect(report.recommendation).toBe("FIX_ERRORS");
    expect(report.bySegment.map((s) => [s.segment, s.n])).toEqual([
      ["eu", 500],
      ["(default)", 500],
    ]);
    expect(report.latencyOutliers[0]).toMatchObject({ ratio: 2 });
  });

  it.each([
    ["INSUFFICIENT_DATA", pairs(999, () => ({}))],
    ["PROMOTE_TO_CANARY", pairs(1000, (i) => ({ agreement: i < 850 ? 1 : 0 }))],
    ["INVESTIGATE_DISAGREEMENT", pairs(1000, (i) => ({ agreement: i < 849 ? 1 : 0 }))],
    ["OPTIMIZE_LATENCY", pairs(1000, (i) => ({ greenLatencyMs: i < 940 ? 10 : 16 }))],
    ["PROMOTE_TO_CANARY", pairs(1000, (i) => ({ greenLatencyMs: i < 950 ? 10 : 16 }))],
  ] as const)("recommends %s", (expected, input) => {
    expect(buildShadowReport(input).recommendation).toBe(expected);
  });

  it("excludes uncompared pairs from agreement and counts skips by reason", () => {
    const report = buildShadowReport([
      ...pairs(3, () => ({})),
      ...pairs(2, () => ({ agreement: null, comparatorReason: "skipped_too_large" })),
      ...pairs(1, () => ({ agreement: null, comparatorReason: "blue_error", blueError: true })),
    ]);
    expect(report.samples).toBe(3);
    expect(report.skipped).toEqual({ skipped_too_large: 2, blue_error: 1 });
  });

  it("honours per-flag thresholds", () => {
    const input = pairs(100, (i) => ({ agreement: i < 80 ? 1 : 0 }));
    expect(buildShadowReport(input, { minSamples: 100, minAgreement: 0.75 }).recommendation).toBe("PROMOTE_TO_CANARY");
  });
});
