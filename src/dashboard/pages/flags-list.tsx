// Flags list: per flag its route, kill-switch state, rollout stage and green
// share, health (the health loop's last decision) and an error-rate
// sparkline per variant over the last hours. Data is loaded by
// data/list-data.ts; this file only renders.
import { Sparkline } from "../components/sparkline";
import type { Session } from "../context";
import { formatTime, stageLabel } from "../format";
import { Layout, type Notice } from "../layout";
import type { ListRow } from "../data/list-data";
import { overallRate } from "../types";

export function KillBadge({ on, reason }: { on: boolean; reason?: string | null }) {
  return on ? (
    <span class="badge badge-kill" title={reason ?? undefined}>
      Kill switch ON
    </span>
  ) : (
    <span class="badge badge-ok">Kill switch off</span>
  );
}

function HealthCell({ row }: { row: ListRow }) {
  if (row.decisionsAvailable === false) return <span class="muted">health loop not deployed</span>;
  const d = row.lastDecision;
  if (!d) return <span class="muted">no decision yet</span>;
  const badge = d.action === "rollback" ? "badge-kill" : d.action === "hold" ? "badge-neutral" : "badge-ok";
  return (
    <span>
      <span class={`badge ${badge}`}>{d.action}</span> {d.reason.replace(/_/g, " ")}
      <br />
      <span class="muted">{formatTime(d.at)}</span>
    </span>
  );
}

function StageCell({ row }: { row: ListRow }) {
  const r = row.rollout;
  if (!r) return <span class="muted">no rollout</span>;
  const live = r.state === "active" || r.state === "paused";
  if (!live)
    return (
      <span>
        {r.state.replace("_", " ")} <span class="muted">({formatTime(r.endedAt)})</span>
      </span>
    );
  return (
    <span>
      <strong>{stageLabel(r.stage)}</strong>
      <br />
      <span class="muted">
        stage {r.stageIndex + 1} of {r.stages.length}, {r.state}
      </span>
    </span>
  );
}

export function FlagsListPage({
  session,
  rows,
  nextCursor,
  hours,
  notice,
}: {
  session: Session;
  rows: ListRow[];
  nextCursor: string | null;
  hours: number;
  notice?: Notice | null;
}) {
  return (
    <Layout title="Flags" session={session} notice={notice ?? null}>
      <h1>Flags</h1>
      <p class="muted">
        {rows.length} flag{rows.length === 1 ? "" : "s"} on this page. Error rates over the last {hours} h; blue =
        stable model, green = new model.
      </p>
      <div class="scroll" tabindex={0} role="region" aria-label="Flags table">
        <table>
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col">Route</th>
              <th scope="col">Kill switch</th>
              <th scope="col">Stage</th>
              <th scope="col">Health (last decision)</th>
              <th scope="col">Error rate, {hours} h</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/flags/${encodeURIComponent(row.flag.key)}`}>{row.flag.key}</a>
                  {row.flag.description ? (
                    <>
                      <br />
                      <span class="muted">{row.flag.description}</span>
                    </>
                  ) : null}
                </th>
                <td>
                  <code>
                    {row.flag.route.method} {row.flag.route.path}
                  </code>
                </td>
                <td>
                  <KillBadge on={row.flag.killSwitch} reason={row.flag.killReason} />
                </td>
                <td>
                  <StageCell row={row} />
                </td>
                <td>
                  <HealthCell row={row} />
                </td>
                <td>
                  {row.series ? (
                    <Sparkline
                      label={`${row.flag.key} error rate, last ${hours} h`}
                      blue={row.series.series.blue.map((b) => b.errorRate)}
                      green={row.series.series.green.map((b) => b.errorRate)}
                      blueOverall={overallRate(row.series.series.blue, "errors")}
                      greenOverall={overallRate(row.series.series.green, "errors")}
                    />
                  ) : (
                    <span class="muted">no data</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? (
        <p>
          No flags yet. Create one with <code>POST /admin/api/flags</code>.
        </p>
      ) : null}
      {nextCursor ? (
        <p>
          <a href={`/admin?cursor=${encodeURIComponent(nextCursor)}`}>Next page</a>
        </p>
      ) : null}
    </Layout>
  );
}
