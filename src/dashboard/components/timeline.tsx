// The rollout stage timeline: each planned stage (mode, green %, minimum
// duration and samples) beside what happened (entered, left, time spent,
// status) and every health-loop decision taken in it with its figures
// (samples against the requirement, each guard's green vs control vs limit).
import { formatDuration, formatGuardFigure, formatNumber, formatTime, stageLabel } from "../format";
import { decisionsByStage, stageActuals, type StageStatus } from "../timeline-model";
import type { AuditView, DecisionView, GuardFigureView, RolloutView } from "../types";
import type { Section } from "../data/flag-data";

const STATUS_TEXT: Record<StageStatus, string> = {
  done: "done",
  current: "running now",
  paused: "paused",
  stopped: "stopped (rolled back)",
  pending: "planned",
  not_reached: "not reached",
  skipped: "skipped (never entered)",
  unrecorded: "passed (before the audit entries shown)",
};

/** What the record shows about a stage's time: entered/left, or why there is nothing. */
function ActualText({
  enteredAt,
  leftAt,
  seconds,
  status,
  minSeconds,
}: {
  enteredAt: number | null;
  leftAt: number | null;
  seconds: number | null;
  status: StageStatus;
  minSeconds: number;
}) {
  if (enteredAt === null)
    return <>{status === "unrecorded" ? "entry not in the audit entries shown" : "not entered"}</>;
  const short = status === "done" && leftAt !== null && seconds !== null && seconds < minSeconds;
  return (
    <>
      entered {formatTime(enteredAt)}
      {leftAt !== null ? <>, left {formatTime(leftAt)}</> : null}
      {seconds !== null ? <> ({formatDuration(seconds)})</> : null}
      {short ? <>, before its planned minimum</> : null}
    </>
  );
}

function Guards({ guards }: { guards: GuardFigureView[] }) {
  if (guards.length === 0) return <span class="muted">not judged</span>;
  return (
    <ul>
      {guards.map((g) => (
        <li>
          <strong>{g.guard.replace(/_/g, " ")}</strong>:{" "}
          <span
            class={`badge ${g.status === "breach" ? "badge-kill" : g.status === "ok" ? "badge-ok" : g.status === "suspect" ? "badge-warn" : "badge-neutral"}`}
          >
            {g.status}
          </span>{" "}
          green {formatGuardFigure(g.guard, g.green)} vs control {formatGuardFigure(g.guard, g.control)}
          {g.threshold !== null ? <>, limit {formatGuardFigure(g.guard, g.threshold)}</> : null}
          {g.pValue !== null ? <>, p = {g.pValue.toPrecision(2)}</> : null}
        </li>
      ))}
    </ul>
  );
}

function DecisionTable({ decisions }: { decisions: DecisionView[] }) {
  return (
    <div class="scroll" tabindex={0} role="region" aria-label="Decisions">
      <table>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Decision</th>
            <th scope="col">Samples (green / control / needed)</th>
            <th scope="col">Guards</th>
          </tr>
        </thead>
        <tbody>
          {decisions.map((d) => {
            const s = d.figures?.samples;
            return (
              <tr>
                <td>{formatTime(d.at)}</td>
                <td>
                  <strong>{d.action}</strong> — {d.reason.replace(/_/g, " ")}
                  {d.scope !== "rollout" ? <> ({d.scope})</> : null}
                  {d.applied ? null : (
                    <>
                      <br />
                      <span class="muted">not applied</span>
                    </>
                  )}
                </td>
                <td class="num">
                  {s ? `${formatNumber(s.green)} / ${formatNumber(s.control)} / ${formatNumber(s.required)}` : "–"}
                  {d.figures?.control ? (
                    <>
                      <br />
                      <span class="muted">control: {d.figures.control.replace(/_/g, " ")}</span>
                    </>
                  ) : null}
                </td>
                <td>
                  <Guards guards={d.figures?.guards ?? []} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function RolloutTimeline({
  rollout,
  decisions,
  audit,
  auditComplete,
  now,
}: {
  rollout: RolloutView;
  decisions: Section<DecisionView[]>;
  audit: Section<AuditView[]>;
  auditComplete: boolean;
  now: number;
}) {
  const actuals = stageActuals(rollout, audit.ok ? audit.value : [], now, audit.ok && auditComplete);
  const byStage = decisions.ok ? decisionsByStage(rollout, decisions.value) : new Map<number, DecisionView[]>();
  return (
    <>
      <p class="muted">
        Rollout <code>{rollout.id}</code>: {rollout.state.replace("_", " ")}, started {formatTime(rollout.createdAt)}.
        Hold at 100 % before promotion: {formatDuration(rollout.holdSeconds)}.
        {decisions.ok ? null : <> Decisions: {decisions.why}</>}
      </p>
      <ol class="timeline" aria-label="Rollout stages, planned vs actual">
        {rollout.stages.map((stage, i) => {
          const actual = actuals[i]!;
          const list = byStage.get(i) ?? [];
          return (
            <li class={actual.status === "current" || actual.status === "paused" ? "current" : actual.status}>
              <h3>
                Stage {i + 1} of {rollout.stages.length}: {stageLabel(stage)} — {STATUS_TEXT[actual.status]}
              </h3>
              <p>
                <strong>Planned:</strong> at least {formatDuration(stage.minDurationSeconds)} and{" "}
                {formatNumber(stage.minSamples)} samples. <strong>Actual:</strong>{" "}
                <ActualText {...actual} minSeconds={stage.minDurationSeconds} />
              </p>
              {list.length > 0 ? (
                <details open={actual.status === "current" || actual.status === "stopped"}>
                  <summary>
                    {list.length} decision{list.length === 1 ? "" : "s"} — last: {list[0]!.action},{" "}
                    {list[0]!.reason.replace(/_/g, " ")}
                  </summary>
                  <DecisionTable decisions={list} />
                </details>
              ) : actual.enteredAt !== null && decisions.ok ? (
                <p class="muted">No decisions recorded in this stage.</p>
              ) : null}
            </li>
          );
        })}
      </ol>
    </>
  );
}
