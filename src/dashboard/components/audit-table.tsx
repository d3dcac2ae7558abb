// The flag's audit log, newest first: when, who (token id, never a secret),
// what, and the reason when the change carried one.
import { formatTime } from "../format";
import type { Section } from "../data/flag-data";
import type { AuditView } from "../types";

const reasonOf = (row: AuditView): string | null => {
  const after = row.after as { reason?: unknown } | null;
  return typeof after?.reason === "string" ? after.reason : null;
};

export function AuditTable({ audit, limit }: { audit: Section<AuditView[]>; limit: number }) {
  if (!audit.ok) return <p class="muted">{audit.why}</p>;
  if (audit.value.length === 0) return <p class="muted">No changes recorded yet.</p>;
  return (
    <div class="scroll" tabindex={0} role="region" aria-label="Audit log">
      <table id="audit-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {audit.value.slice(0, limit).map((row) => (
            <tr>
              <td>{formatTime(row.at)}</td>
              <td>
                <code>{row.actor}</code>
              </td>
              <td>{row.action}</td>
              <td>{reasonOf(row) ?? <span class="muted">–</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
