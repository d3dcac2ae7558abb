// Entry of the control-plane Worker (wrangler.control.toml) in the deployed
// two-Worker layout: the router forwards every control path to it through
// the CONTROL service binding, and the cron runs here. It shares the router's
// D1, KV and Analytics Engine bindings; the router holds none of its code.
import type { Env } from "./env";
import { handleControlRequest, runControlCron } from "./control-plane";

export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => handleControlRequest(request, env, ctx),
  scheduled: async (controller: ScheduledController, env: Env, ctx: ExecutionContext) =>
    runControlCron(controller, env, ctx),
} satisfies ExportedHandler<Env>;
