// State-changing dashboard requests: kill/unkill, rollout actions and
// starting a rollout with a plan. Each
// is forwarded to the admin API in-process with the session's token and the
// page's ETag (If-Match), so scope checks, concurrency, validation and the
// audit row are the API's. Outcomes: success → 303 back to the flag page
// with a fixed notice; 412 → the flag page re-rendered with current data,
// status 412 and "changed since you loaded it"; 403/409/4xx → the page with
// the API's message; 401 → back to sign-in.
import { api, type ApiResult, type DashContext } from "./context";
import { ACTION_SCOPE, START_SCOPE, type DashAction } from "./components/controls";
import { describePlan, parsePlanForm, type PlanFormFields } from "./plan-form";
import { loadFlagPage } from "./data/flag-data";
import { endSession } from "./session";
import { FlagPage } from "./pages/flag-page";
import { ConfirmPage } from "./pages/confirm";
import { MessagePage } from "./pages/message";
import type { Notice } from "./layout";
import type { KillView } from "./types";

export const STALE_MESSAGE =
  "This flag changed since you loaded it (another operator or the health loop acted). Nothing was done. The page now shows the current state — check it and try again.";

const SUCCESS_NOTICE: Record<DashAction, string> = {
  pause: "paused",
  resume: "resumed",
  advance: "advanced",
  rollback: "rollback",
  promote: "promoted",
};

const flagHref = (key: string) => `/admin/flags/${encodeURIComponent(key)}`;

function failureNotice(c: DashContext, result: ApiResult<unknown>, needed?: string): Notice {
  const message = result.error?.message ?? `HTTP ${result.status}`;
  switch (result.status) {
    case 412:
      return { kind: "error", text: STALE_MESSAGE };
    case 403:
      return {
        kind: "error",
        text: `Your token's scope (“${c.get("session").scope}”) does not allow this${needed ? `; it needs “${needed}”` : ""}. Nothing was done.`,
      };
    case 409:
      return { kind: "error", text: `Not possible in the current state: ${message}` };
    default:
      return { kind: "error", text: `Refused (${result.status}): ${message}` };
  }
}

async function respondFailure(c: DashContext, key: string, result: ApiResult<unknown>, needed?: string) {
  if (result.status === 401) {
    endSession(c);
    return c.redirect("/admin/login?notice=expired", 303);
  }
  const data = await loadFlagPage(c, key, "");
  if (!data)
    return c.html(
      <MessagePage
        title="Flag not found"
        text={`There is no flag "${key}" (it may have been deleted).`}
        session={c.get("session")}
      />,
      404,
    );
  const status = result.status >= 400 && result.status < 500 ? result.status : 500;
  return c.html(
    <FlagPage session={c.get("session")} data={data} notice={failureNotice(c, result, needed)} now={Date.now()} />,
    status as 400,
  );
}

export async function handleKill(c: DashContext, on: boolean) {
  const key = c.req.param("key")!;
  const form = await c.req.parseBody();
  const reason = typeof form.reason === "string" ? form.reason : "";
  if (form.confirmed !== "1") {
    return c.html(
      <ConfirmPage
        session={c.get("session")}
        question={
          on
            ? `Turn the kill switch ON for "${key}"? All of its traffic goes to blue (stable).`
            : `Turn the kill switch OFF for "${key}"?`
        }
        action={`${flagHref(key)}/${on ? "kill" : "unkill"}`}
        fields={{ reason }}
        button={on ? "Yes, turn kill switch ON" : "Yes, turn kill switch OFF"}
        backHref={flagHref(key)}
      />,
    );
  }
  const result = await api<KillView>(c, on ? "POST" : "DELETE", `/flags/${encodeURIComponent(key)}/kill`, {
    body: { reason },
  });
  if (!result.data) return respondFailure(c, key, result, "operate");
  const notice = result.data.changed ? (on ? "killed" : "unkilled") : "kill-unchanged";
  return c.redirect(`${flagHref(key)}?notice=${notice}`, 303);
}

export async function handleRolloutAction(c: DashContext) {
  const key = c.req.param("key")!;
  const action = c.req.param("action") as DashAction;
  if (!(action in ACTION_SCOPE))
    return c.html(
      <MessagePage title="Unknown action" text="That rollout action does not exist." session={c.get("session")} />,
      404,
    );
  const form = await c.req.parseBody();
  const etag = typeof form.etag === "string" ? form.etag : "";
  if (form.confirmed !== "1") {
    return c.html(
      <ConfirmPage
        session={c.get("session")}
        question={`${action[0]!.toUpperCase()}${action.slice(1)} the rollout of "${key}"?`}
        action={`${flagHref(key)}/rollout/${action}`}
        fields={{ etag }}
        button={`Yes, ${action}`}
        backHref={flagHref(key)}
      />,
    );
  }
  // Always send the page's ETag, even where the API makes it optional, so a stale page never acts.
  const result = await api(
    c,
    "POST",
    `/flags/${encodeURIComponent(key)}/rollouts/current/${action}`,
    etag ? { ifMatch: etag } : {},
  );
  if (!result.data) return respondFailure(c, key, result, ACTION_SCOPE[action]);
  return c.redirect(`${flagHref(key)}?notice=${SUCCESS_NOTICE[action]}`, 303);
}

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === "string" ? form[name] : "");

/** POST /flags/:key/rollouts with the form's plan and the page's flag ETag; a form that is not a plan changes nothing (400). */
export async function handleStartRollout(c: DashContext) {
  const key = c.req.param("key")!;
  const form = await c.req.parseBody();
  const fields: PlanFormFields = {
    stages: field(form, "stages"),
    minDuration: field(form, "minDuration"),
    minSamples: field(form, "minSamples"),
    hold: field(form, "hold"),
  };
  const etag = field(form, "etag");
  const plan = parsePlanForm(fields);
  if (!plan.ok)
    return respondFailure(c, key, {
      status: 400,
      etag: null,
      data: null,
      error: { code: "invalid_request", message: plan.message },
    });
  if (form.confirmed !== "1") {
    return c.html(
      <ConfirmPage
        session={c.get("session")}
        question={`Start a rollout of "${key}": ${describePlan(plan.body)}?`}
        action={`${flagHref(key)}/rollout/start`}
        fields={{ ...fields, etag }}
        button="Yes, start the rollout"
        backHref={flagHref(key)}
      />,
    );
  }
  const result = await api(c, "POST", `/flags/${encodeURIComponent(key)}/rollouts`, {
    body: plan.body,
    ...(etag ? { ifMatch: etag } : {}),
  });
  if (!result.data) return respondFailure(c, key, result, START_SCOPE);
  return c.redirect(`${flagHref(key)}?notice=started`, 303);
}
