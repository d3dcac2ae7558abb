// One flag: state and controls first (what an operator under stress needs),
// then blue vs green charts over a window the operator picks with what each
// variant answered (invalid rate, first byte, predictions), the rollout
// timeline with every decision, the evaluation order, shadow agreement (only
// where shadow applies), the experiment report and the audit log. Renders
// FlagPageData (data/flag-data.ts); no I/O here.
import { AnswersPanel } from "../components/answers";
import { AuditTable } from "../components/audit-table";
import { KillSwitchControl, RolloutControls } from "../components/controls";
import { EvaluationOrder } from "../components/evaluation";
import { LineChart } from "../components/line-chart";
import { ExperimentPanel, ShadowPanel } from "../components/reports";
import { RolloutTimeline } from "../components/timeline";
import type { Session } from "../context";
import { CHART_WINDOWS, FLAG_PAGE, type ChartWindow, type FlagPageData } from "../data/flag-data";
import { formatTime, stageLabel } from "../format";
import { Layout, type Notice } from "../layout";
import type { RolloutView, SeriesView, ShadowView } from "../types";
import { KillBadge } from "./flags-list";

function Charts({ series }: { series: SeriesView }) {
  const { buckets, bucketMs } = series;
  const perMin = bucketMs / 60_000;
  const pick = (variant: "blue" | "green", f: (b: SeriesView["series"]["blue"][number]) => number | null) =>
    series.series[variant].map(f);
  const common = { buckets, bucketMs };
  // Only a flag that reads token usage from priced origins has a cost (docs/design/llm-traffic.md).
  const priced = (["blue", "green"] as const).some((v) => series.series[v].some((b) => b.costPer1kUsd !== null));
  return (
    <div class="grid2">
      <LineChart
        id="chart-requests"
        title="Request rate (requests/min)"
        unit="perMin"
        {...common}
        blue={pick("blue", (b) => b.requests / perMin)}
        green={pick("green", (b) => b.requests / perMin)}
      />
      <LineChart
        id="chart-errors"
        title="Error rate"
        unit="percent"
        {...common}
        blue={pick("blue", (b) => b.errorRate)}
        green={pick("green", (b) => b.errorRate)}
      />
      <LineChart
        id="chart-timeouts"
        title="Timeout rate"
        unit="percent"
        {...common}
        blue={pick("blue", (b) => b.timeoutRate)}
        green={pick("green", (b) => b.timeoutRate)}
      />
      <LineChart
        id="chart-p95"
        title="p95 latency"
        unit="ms"
        {...common}
        blue={pick("blue", (b) => b.p95Ms)}
        green={pick("green", (b) => b.p95Ms)}
      />
      {priced ? (
        <LineChart
          id="chart-cost"
          title="Cost per 1 000 requests (USD)"
          unit="usd"
          {...common}
          blue={pick("blue", (b) => b.costPer1kUsd)}
          green={pick("green", (b) => b.costPer1kUsd)}
        />
      ) : null}
    </div>
  );
}

/** Links to the same page with another chart window; the current one is marked. */
function WindowPicker({ flagKey, current }: { flagKey: string; current: ChartWindow }) {
  return (
    <nav class="window-picker" aria-label="Chart window">
      Window:{" "}
      {(Object.keys(CHART_WINDOWS) as ChartWindow[]).map((id) => (
        <>
          {" "}
          <a
            href={`/admin/flags/${encodeURIComponent(flagKey)}?window=${id}#charts`}
            aria-current={id === current ? "true" : undefined}
          >
            {CHART_WINDOWS[id].label}
          </a>
        </>
      ))}
    </nav>
  );
}

/**
 * Shadow agreement applies while a shadow stage runs, and afterwards when
 * pairs were compared (a shadow stage that ran, or mirroring at every stage).
 */
export function shadowApplies(rollout: RolloutView | null, shadow: FlagPageData["shadow"]): boolean {
  const live = rollout !== null && (rollout.state === "active" || rollout.state === "paused");
  if (live && rollout.stage?.mode === "shadow") return true;
  return shadow.ok && (shadow.value as ShadowView).samples > 0;
}

export function FlagPage({
  session,
  data,
  notice,
  now,
}: {
  session: Session;
  data: FlagPageData;
  notice?: Notice | null;
  now: number;
}) {
  const { flag, rollout } = data;
  return (
    <Layout title={flag.key} session={session} notice={notice ?? null}>
      <p>
        <a href="/admin">← All flags</a>
      </p>
      <h1>
        {flag.key} <KillBadge on={flag.killSwitch} reason={flag.killReason} />
      </h1>
      {flag.description ? <p>{flag.description}</p> : null}
      <dl class="facts">
        <dt>Route</dt>
        <dd>
          <code>
            {flag.route.method} {flag.route.path}
          </code>
          {flag.route.host ? <> on {flag.route.host}</> : null}
        </dd>
        <dt>Stage</dt>
        <dd>
          {rollout && (rollout.state === "active" || rollout.state === "paused") ? (
            <>
              {stageLabel(rollout.stage)} — stage {rollout.stageIndex + 1} of {rollout.stages.length}, {rollout.state}
            </>
          ) : (
            <span class="muted">no live rollout</span>
          )}
        </dd>
        <dt>Version</dt>
        <dd>
          {flag.version} <span class="muted">(loaded {formatTime(now)})</span>
        </dd>
      </dl>

      <h2 id="controls">Controls</h2>
      <div class="grid2">
        <KillSwitchControl session={session} flag={flag} />
        <RolloutControls
          session={session}
          flag={flag}
          flagEtag={data.flagEtag}
          rollout={rollout}
          etag={data.rolloutEtag}
        />
      </div>

      <h2 id="charts">Blue vs green, last {CHART_WINDOWS[data.chartWindow].label}</h2>
      <WindowPicker flagKey={flag.key} current={data.chartWindow} />
      <p class="muted">
        Served requests in {CHART_WINDOWS[data.chartWindow].bucketMinutes}-minute buckets. Blue (stable) is solid with
        circles, green (new) dashed with squares; gaps mean no requests.
      </p>
      {data.series.ok ? <Charts series={data.series.value} /> : <p class="muted">{data.series.why}</p>}
      <h3 id="answers">What each variant answered, last {CHART_WINDOWS[data.chartWindow].label}</h3>
      {data.answers.ok ? <AnswersPanel answers={data.answers.value} /> : <p class="muted">{data.answers.why}</p>}

      <h2 id="timeline">Rollout timeline</h2>
      {rollout ? (
        <RolloutTimeline
          rollout={rollout}
          decisions={data.decisions}
          audit={data.audit}
          auditComplete={data.auditComplete}
          now={now}
        />
      ) : (
        <p class="muted">No rollout yet.</p>
      )}

      <h2 id="evaluation">Evaluation order</h2>
      <EvaluationOrder data={data} />

      {shadowApplies(rollout, data.shadow) ? (
        <>
          <h2 id="shadow">Shadow agreement</h2>
          <ShadowPanel shadow={data.shadow} />
        </>
      ) : null}

      <h2 id="experiment">Experiment report</h2>
      <ExperimentPanel experiment={data.experiment} />

      <h2 id="audit">Audit log</h2>
      <AuditTable audit={data.audit} limit={FLAG_PAGE.auditShown} />
    </Layout>
  );
}
