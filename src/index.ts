// Worker entry: wires ports from env and dispatches. Everything that is not
// switchyard's own surface goes straight to the hot path (no framework on it).
import type { Env } from "./env";
import { routeRequest } from "./edge/route-request";
import { adminApp } from "./admin/app";
import { dashboardApp } from "./dashboard/app";
import { createOfrepApp } from "./ofrep/app";
import { runScheduled } from "./cron/scheduled";
import { servicesFor } from "./wiring";
import { handleFeedback } from "./feedback/handler";
import { requestIdMinter } from "./feedback/ids";
import { handleDemoControl } from "./dev/demo-control";

const OWN_PREFIX = "/_switchyard/";
const ofrepApp = createOfrepApp(servicesFor);

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const services = servicesFor(env);
    services.coloOf(request); // the location-wide probe share is keyed by it (store/probe-share.ts)
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === `${OWN_PREFIX}healthz`) {
      return Response.json({ ok: true, outcomes: services.outcomes.counters, flagIndex: services.cache.counters });
    }
    if (path.startsWith("/admin/api/")) return adminApp.fetch(request, env, ctx);
    if (path === "/admin" || path.startsWith("/admin/")) return dashboardApp.fetch(request, env, ctx);
    if (path.startsWith("/ofrep/")) return ofrepApp.fetch(request, env, ctx);
    if (path === "/feedback") return handleFeedback(request, env, ctx);
    if (path.startsWith("/__demo/") && env.DEV_MODE === "1") return handleDemoControl(request, path);
    return routeRequest(
      request,
      {
        ...services,
        newId: () => crypto.randomUUID(),
        mintRequestId: requestIdMinter(env),
        random: Math.random,
        secureCookies: env.DEV_MODE !== "1",
        waitUntil: (promise) => ctx.waitUntil(promise),
      },
      url,
    );
  },

  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(runScheduled(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
