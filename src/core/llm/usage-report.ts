// Per-variant usage figures for reports (docs/design/llm-traffic.md): what an
// arm's answers cost and how soon they started. Input is one row per answer
// whose usage was declared; only answers whose usage is known enter the
// token and cost figures (cost: also priced), only streamed answers the time
// to first token. Pure.
import { percentile } from "../shadow/report";

export interface UsageRow {
  usage: "known" | "unknown";
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  ttftMs: number | null;
}

export interface Spread {
  n: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
}

export interface VariantUsage {
  /** Answers of a flag that declares usage, and how many stated it. */
  requests: number;
  usageKnown: number;
  inputTokens: Spread;
  outputTokens: Spread;
  /** USD per request, over answers with a known cost; `per1000Requests` is its mean × 1000. */
  costPerRequest: Spread & { per1000Requests: number | null };
  ttftMs: Spread;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, mean: null, p50: null, p95: null };
  return {
    n: sorted.length,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
  };
}

const present = (values: (number | null)[]) => values.filter((v): v is number => v !== null);

/** Figures of one variant's answers. */
export function summariseUsage(rows: readonly UsageRow[]): VariantUsage {
  const known = rows.filter((row) => row.usage === "known");
  const cost = spread(present(known.map((row) => row.costUsd)));
  return {
    requests: rows.length,
    usageKnown: known.length,
    inputTokens: spread(present(known.map((row) => row.inputTokens))),
    outputTokens: spread(present(known.map((row) => row.outputTokens))),
    costPerRequest: { ...cost, per1000Requests: cost.mean === null ? null : cost.mean * 1000 },
    ttftMs: spread(present(rows.map((row) => row.ttftMs))),
  };
}
