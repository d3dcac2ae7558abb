// Operator controls on the flag page: the kill switch (a reason is required
// and the browser confirms; without script the server asks for the
// confirmation itself), the rollout actions, and — when no rollout is live —
// starting one with a plan. Each form carries the ETag the page was rendered
// with, so acting on a stale page is refused (412) exactly like the API. Buttons a token's scope cannot use are disabled,
// with the scope named — the API still enforces it.
import type { Scope } from "../../admin/auth";
import { canDo, type Session } from "../context";
import { PLAN_FORM_DEFAULTS } from "../plan-form";
import type { FlagView, RolloutView } from "../types";

/** Starting a rollout is the API's admin-scope POST /flags/:key/rollouts. */
export const START_SCOPE: Scope = "admin";

export const ACTION_SCOPE = {
  pause: "operate",
  rollback: "operate",
  resume: "admin",
  advance: "admin",
  promote: "admin",
} as const satisfies Record<string, Scope>;
export type DashAction = keyof typeof ACTION_SCOPE;

const ACTION_TEXT: Record<DashAction, { label: string; confirm?: string; hint: string }> = {
  pause: { label: "Pause rollout", hint: "Stays at its percentage; the health loop stops advancing it." },
  resume: { label: "Resume rollout", hint: "Restarts the stage clock." },
  advance: {
    label: "Advance to next stage",
    confirm: "Advance the rollout to the next stage now?",
    hint: "Skips the rest of the current stage's minimums.",
  },
  rollback: {
    label: "Roll back",
    confirm: "Roll back this rollout? The kill switch turns ON and all traffic goes to blue (stable).",
    hint: "Ends the rollout and turns the kill switch on.",
  },
  promote: {
    label: "Promote green",
    confirm: "Promote green (new) to blue (stable)? This ends the rollout.",
    hint: "Only at the last, 100 % stage.",
  },
};

/** Which actions make sense in a rollout's state (the API still decides). */
export function actionsFor(rollout: RolloutView): DashAction[] {
  const last = rollout.stageIndex >= rollout.stages.length - 1;
  if (rollout.state === "active") return last ? ["pause", "rollback", "promote"] : ["pause", "advance", "rollback"];
  if (rollout.state === "paused") return last ? ["resume", "rollback", "promote"] : ["resume", "rollback"];
  return [];
}

function ScopeHint({ session, needed }: { session: Session; needed: Scope }) {
  return canDo(session, needed) ? null : (
    <p class="hint">
      Needs the “{needed}” scope; your token has “{session.scope}”.
    </p>
  );
}

export function KillSwitchControl({ session, flag }: { session: Session; flag: FlagView }) {
  const on = flag.killSwitch;
  const key = encodeURIComponent(flag.key);
  const allowed = canDo(session, "operate");
  return (
    <form
      class="stack panel"
      method="post"
      action={`/admin/flags/${key}/${on ? "unkill" : "kill"}`}
      data-confirm={
        on
          ? `Turn the kill switch OFF for "${flag.key}"? Its rules and rollout apply again.`
          : `Turn the kill switch ON for "${flag.key}"? All of its traffic goes to blue (stable) within seconds.`
      }
    >
      <h3>Kill switch</h3>
      <p>
        {on ? (
          <>
            The kill switch is <strong>ON</strong>
            {flag.killReason ? <> — “{flag.killReason}”</> : null}. Everything goes to blue (stable).
          </>
        ) : (
          <>
            The kill switch is <strong>off</strong>.
          </>
        )}
      </p>
      <label for="kill-reason">Reason (recorded in the audit log)</label>
      <textarea id="kill-reason" name="reason" rows={2} maxlength={500} required disabled={!allowed}></textarea>
      <input type="hidden" name="confirmed" value="0" />
      <p>
        <button type="submit" class={on ? "primary" : "danger"} disabled={!allowed}>
          {on ? "Turn kill switch OFF" : "Turn kill switch ON"}
        </button>
      </p>
      <ScopeHint session={session} needed="operate" />
    </form>
  );
}

/** A new rollout with its plan (prefilled with the default plan), sent with the flag's ETag. */
function StartRollout({ session, flag, flagEtag }: { session: Session; flag: FlagView; flagEtag: string }) {
  const allowed = canDo(session, START_SCOPE);
  const blocked = flag.killSwitch;
  const d = PLAN_FORM_DEFAULTS;
  return (
    <form
      class="stack"
      method="post"
      action={`/admin/flags/${encodeURIComponent(flag.key)}/rollout/start`}
      data-confirm={`Start a rollout of "${flag.key}" with these stages? Green gets traffic as the stages advance.`}
    >
      <h4>Start a rollout</h4>
      <label for="plan-stages">Stages (shadow first, served percentages up to 100)</label>
      <input
        id="plan-stages"
        name="stages"
        value={d.stages}
        required
        disabled={!allowed || blocked}
        aria-describedby="plan-hint"
      />
      <label for="plan-duration">Minimum time per stage (seconds)</label>
      <input
        id="plan-duration"
        name="minDuration"
        value={d.minDuration}
        inputmode="numeric"
        required
        disabled={!allowed || blocked}
      />
      <label for="plan-samples">Minimum samples per stage (blank: the default plan's)</label>
      <input
        id="plan-samples"
        name="minSamples"
        value={d.minSamples}
        inputmode="numeric"
        disabled={!allowed || blocked}
      />
      <label for="plan-hold">Hold at 100 % before promotion (seconds)</label>
      <input id="plan-hold" name="hold" value={d.hold} inputmode="numeric" required disabled={!allowed || blocked} />
      <input type="hidden" name="etag" value={flagEtag} />
      <input type="hidden" name="confirmed" value="0" />
      <p class="hint" id="plan-hint">
        Prefilled with the default plan; the health loop advances, promotes or rolls back on its own. Scope:{" "}
        {START_SCOPE}.
      </p>
      {blocked ? (
        <p class="hint">The kill switch is on: turn it off first (a rollout cannot start while it is on).</p>
      ) : null}
      <p>
        <button type="submit" class="primary" disabled={!allowed || blocked}>
          Start rollout
        </button>
      </p>
      <ScopeHint session={session} needed={START_SCOPE} />
    </form>
  );
}

export function RolloutControls({
  session,
  flag,
  flagEtag,
  rollout,
  etag,
}: {
  session: Session;
  flag: FlagView;
  flagEtag: string;
  rollout: RolloutView | null;
  etag: string | null;
}) {
  if (!rollout)
    return (
      <div class="panel">
        <h3>Rollout controls</h3>
        <p class="muted">No rollout yet.</p>
        <StartRollout session={session} flag={flag} flagEtag={flagEtag} />
      </div>
    );
  const actions = actionsFor(rollout);
  const key = encodeURIComponent(flag.key);
  return (
    <div class="panel">
      <h3>Rollout controls</h3>
      {actions.length === 0 ? (
        <>
          <p class="muted">This rollout has ended ({rollout.state.replace("_", " ")}).</p>
          <StartRollout session={session} flag={flag} flagEtag={flagEtag} />
        </>
      ) : null}
      <div class="controls">
        {actions.map((action) => {
          const text = ACTION_TEXT[action];
          const allowed = canDo(session, ACTION_SCOPE[action]);
          return (
            <form
              method="post"
              action={`/admin/flags/${key}/rollout/${action}`}
              {...(text.confirm ? { "data-confirm": text.confirm } : {})}
            >
              <input type="hidden" name="etag" value={etag ?? ""} />
              <input type="hidden" name="confirmed" value={text.confirm ? "0" : "1"} />
              <button
                type="submit"
                class={action === "rollback" ? "danger" : undefined}
                disabled={!allowed}
                aria-describedby={`hint-${action}`}
              >
                {text.label}
              </button>
              <p class="hint" id={`hint-${action}`}>
                {text.hint} Scope: {ACTION_SCOPE[action]}.
              </p>
              <ScopeHint session={session} needed={ACTION_SCOPE[action]} />
            </form>
          );
        })}
      </div>
    </div>
  );
}
