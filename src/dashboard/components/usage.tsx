// Per-variant usage of an LLM flag (docs/design/llm-traffic.md): tokens,
// cost and time to first token from the experiment report, and the text
// similarity spread from the shadow report. Renders nothing for a flag that
// reads no usage or compares no text.
import { formatMs, formatNumber, formatUsd } from "../format";
import type { ExperimentView, ShadowView } from "../types";

type Usage = NonNullable<ExperimentView["usage"]>;

export function UsageTable({ usage }: { usage: Usage }) {
  return (
    <table class="usage">
      <thead>
        <tr>
          <th>variant</th>
          <th>requests (usage known)</th>
          <th>input tokens mean / p95</th>
          <th>output tokens mean / p95</th>
          <th>cost per request</th>
          <th>per 1 000 requests</th>
          <th>first token p50 / p95</th>
        </tr>
      </thead>
      <tbody>
        {(["blue", "green"] as const).map((variant) => {
          const u = usage[variant];
          return (
            <tr>
              <td>{variant}</td>
              <td>
                {formatNumber(u.requests)} ({formatNumber(u.usageKnown)})
              </td>
              <td>
                {formatNumber(u.inputTokens.mean, 1)} / {formatNumber(u.inputTokens.p95)}
              </td>
              <td>
                {formatNumber(u.outputTokens.mean, 1)} / {formatNumber(u.outputTokens.p95)}
              </td>
              <td>{formatUsd(u.costPerRequest.mean)}</td>
              <td>{formatUsd(u.costPerRequest.per1000Requests)}</td>
              <td>
                {formatMs(u.ttftMs.p50)} / {formatMs(u.ttftMs.p95)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** One line: the similarity quantiles of compared shadow pairs (the `text` comparator's figure). */
export function SimilarityFacts({ similarity }: { similarity: ShadowView["similarity"] }) {
  if (similarity === null) return null;
  return (
    <>
      <dt>Similarity</dt>
      <dd>
        p10 {formatNumber(similarity.p10, 2)} · median {formatNumber(similarity.p50, 2)} · p90{" "}
        {formatNumber(similarity.p90, 2)} over {formatNumber(similarity.n)} pairs
      </dd>
    </>
  );
}
