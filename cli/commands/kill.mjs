// `kill KEY --reason R` / `unkill KEY --reason R`: the emergency brake
// (operate scope, no If-Match by design, idempotent). --json prints the
// API's answer: { key, killSwitch, killReason, version, changed }.
import { enc } from "../http.mjs";
import { usageError } from "../errors.mjs";

export async function setKill(ctx, key, on) {
  const reason = ctx.options.reason;
  if (!reason || reason.trim() === "")
    throw usageError(`${on ? "kill" : "unkill"} needs --reason "why" (it goes to the audit log)`);
  const { body } = await ctx.api.request(on ? "POST" : "DELETE", `/flags/${enc(key)}/kill`, {
    body: { reason },
    what: `flag "${key}"`,
  });
  if (ctx.json) return ctx.printJson(body);
  if (!body.changed) return ctx.print(`flag ${key}: kill switch already ${on ? "ON" : "off"} (nothing changed)`);
  return ctx.print(
    on
      ? `flag ${key}: kill switch ON — everything goes to blue (this isolate now, all within VERSION_PROBE_SECONDS)`
      : `flag ${key}: kill switch off — routing follows the rules again`,
  );
}
