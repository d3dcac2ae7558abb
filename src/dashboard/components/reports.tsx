// Shadow agreement and the experiment report, each with what the variants
// answered (invalid rate, prediction drift). The experiment route may not
// exist in a deployment; then the panel says so. Effects are drawn as
// intervals on a zero line (always-valid interval of green − blue), with the
// numbers in text beside them.
import { linearScale } from "../chart-math";
import { formatMs, formatNumber, formatPercent } from "../format";
import type { Section } from "../data/flag-data";
import type { ExperimentView, ShadowView } from "../types";
import { DriftLine, InvalidLine } from "./answers";
import { SimilarityFacts, UsageTable } from "./usage";

export function ShadowPanel({ shadow }: { shadow: Section<ShadowView> }) {
  if (!shadow.ok) return <p class="muted">{shadow.why}</p>;
  const s = shadow.value;
  return (
    <dl class="facts">
      <dt>Agreement</dt>
      <dd>
        {formatPercent(s.agreement.rate)} of {formatNumber(s.agreement.n)} compared pairs
        {s.agreement.low !== null ? (
          <>
            {" "}
            (95 % CI {formatPercent(s.agreement.low)} – {formatPercent(s.agreement.high)})
          </>
        ) : null}
      </dd>
      <dt>p95 latency</dt>
      <dd>
        blue {formatMs(s.latency.blue.p95)} · green {formatMs(s.latency.green.p95)}
      </dd>
      <dt>Error rate</dt>
      <dd>
        blue {formatPercent(s.errors.blueRate)} · green {formatPercent(s.errors.greenRate)}
      </dd>
      <dt>Answers</dt>
      <dd>
        <InvalidLine answers={s.answers} green="green (mirrored)" />
        <DriftLine answers={s.answers} />
      </dd>
      <SimilarityFacts similarity={s.similarity} />
      <dt>Recommendation</dt>
      <dd>
        <strong>{s.recommendation.replace(/_/g, " ").toLowerCase()}</strong>
        {s.reasons.length > 0 ? <> — {s.reasons.join("; ")}</> : null}
      </dd>
      {s.bySegment.length > 1 ? (
        <>
          <dt>By segment</dt>
          <dd>{s.bySegment.map((g) => `${g.segment}: ${formatPercent(g.rate)} (n=${g.n})`).join(" · ")}</dd>
        </>
      ) : null}
    </dl>
  );
}

interface Effect {
  name: string;
  estimate: number;
  low: number;
  high: number;
  unit: "percent" | "ms";
  decision?: string;
}

/** Effects with an always-valid interval from the experiment report (the p95 has none). */
export function effectsOf(report: ExperimentView): Effect[] {
  return Object.entries(report.metrics).flatMap(([name, m]) => {
    if (m === null || m.kind === "quantile") return [];
    const s = m.sequential;
    if (![s.estimate, s.low, s.high].every(Number.isFinite)) return [];
    return [
      {
        name,
        estimate: s.estimate,
        low: s.low,
        high: s.high,
        unit: name.startsWith("latency") ? ("ms" as const) : ("percent" as const),
        decision: m.decision,
      },
    ];
  });
}

function IntervalRow({ effect }: { effect: Effect }) {
  const W = 300;
  const span = Math.max(Math.abs(effect.low), Math.abs(effect.high), 1e-9) * 1.1;
  const x = linearScale([-span, span], [10, W - 10]);
  const fmt = (v: number) => (effect.unit === "ms" ? formatMs(v) : formatPercent(v));
  const text = `${effect.name}: green − blue = ${fmt(effect.estimate)} (interval ${fmt(effect.low)} to ${fmt(effect.high)})`;
  return (
    <li>
      <svg class="interval" viewBox={`0 0 ${W} 24`} width={W} height={24} role="img" aria-label={text}>
        <line class="zero" x1={x(0)} x2={x(0)} y1={2} y2={22} />
        <line class="ci" x1={x(effect.low)} x2={x(effect.high)} y1={12} y2={12} />
        <line class="ci" x1={x(effect.low)} x2={x(effect.low)} y1={7} y2={17} />
        <line class="ci" x1={x(effect.high)} x2={x(effect.high)} y1={7} y2={17} />
        <circle cx={x(effect.estimate)} cy={12} r={4} />
      </svg>{" "}
      <span>
        {text}
        {effect.decision ? ` — ${effect.decision.replace(/_/g, " ")}` : ""}
      </span>
    </li>
  );
}

export function ExperimentPanel({ experiment }: { experiment: Section<ExperimentView> }) {
  if (!experiment.ok) return <p class="muted">{experiment.why}</p>;
  const effects = effectsOf(experiment.value);
  const { answers } = experiment.value;
  const usage = experiment.value.usage ? <UsageTable usage={experiment.value.usage} /> : null;
  return (
    <>
      {effects.length === 0 ? (
        <p class="muted">The experiment report has no effects with intervals yet.</p>
      ) : (
        <ul class="effects">
          {effects.map((e) => (
            <IntervalRow effect={e} />
          ))}
        </ul>
      )}
      {usage}
      <InvalidLine answers={answers} />
      <DriftLine answers={answers} />
    </>
  );
}
