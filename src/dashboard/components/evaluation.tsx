// The flag's evaluation order as the hot path applies it (docs/design/evaluation-and-bucketing.md): kill
// switch → overrides (count and a prefix search) → segment rules in stored
// order, each with its segment's constraints → the rollout's hashed split →
// default blue. Read-only.
import { formatNumber, stageLabel } from "../format";
import type { FlagPageData } from "../data/flag-data";

export function EvaluationOrder({ data }: { data: FlagPageData }) {
  const { flag, rules, rollout } = data;
  const key = encodeURIComponent(flag.key);
  const live = rollout && (rollout.state === "active" || rollout.state === "paused");
  return (
    <ol class="eval">
      <li>
        <strong>Kill switch</strong>:{" "}
        {flag.killSwitch ? <span class="badge badge-kill">ON — everything stops here and goes to blue</span> : "off"}
      </li>
      <li>
        <strong>Overrides</strong>: {formatNumber(data.overrideCount)} pinned unit key
        {data.overrideCount === 1 ? "" : "s"}.
        <form method="get" action={`/admin/flags/${key}#overrides`} role="search" class="stack" id="overrides">
          <label for="q">Find overrides by unit key prefix</label>
          <input id="q" name="q" type="search" value={data.overrideQuery} maxlength={256} />
          <button type="submit">Search</button>
        </form>
        {data.overrideQuery !== "" ? (
          data.overrideMatches.length === 0 ? (
            <p role="status">No override starts with “{data.overrideQuery}”.</p>
          ) : (
            <ul role="status" aria-label="Matching overrides">
              {data.overrideMatches.map((o) => (
                <li>
                  <code>{o.unitKey}</code> → <span class={`tag tag-${o.variant}`}>{o.variant}</span>
                </li>
              ))}
            </ul>
          )
        ) : null}
      </li>
      <li>
        <strong>Segment rules</strong> (first match wins):
        {rules.length === 0 ? (
          <span class="muted"> none</span>
        ) : (
          <div class="scroll" tabindex={0} role="region" aria-label="Segment rules">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Segment and constraints</th>
                  <th scope="col">Serves</th>
                </tr>
              </thead>
              <tbody>
                {rules.map((r, i) => (
                  <tr>
                    <td class="num">{i + 1}</td>
                    <td>
                      <code>{r.id}</code>
                    </td>
                    <td>
                      <code>{r.segmentKey}</code>
                      {r.negate ? " (negated)" : null}
                      <ul>
                        {r.constraints.map((c) => (
                          <li>
                            <code>{c.attribute}</code> {c.operator} {c.values.map((v) => `“${v}”`).join(", ")}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {r.variant !== null ? (
                        <span class={`tag tag-${r.variant}`}>{r.variant} (fixed)</span>
                      ) : (
                        `${r.percent} % green`
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </li>
      <li>
        <strong>Hashed split</strong>:{" "}
        {live ? (
          <>
            {stageLabel(rollout.stage)} (rollout {rollout.state})
          </>
        ) : (
          <span class="muted">no live rollout (0 % green)</span>
        )}
      </li>
      <li>
        <strong>Default</strong>: blue (stable).
      </li>
    </ol>
  );
}
