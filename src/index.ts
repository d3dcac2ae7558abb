// Worker entry: wires ports from env and dispatches. Everything that is not
// switchyard's own surface goes straight to the hot path (no framework on it).
// Only the hot path is imported statically: the admin API, dashboard, OFREP,
// feedback, cron and demo surfaces load on their first request, so a new
// isolate starts without building their schemas and apps
// (docs/design/routing-hot-path.md, "Start-up cost").
import type { Env } from "./env";
import { routeRequest } from "./edge/route-request";
import { servicesFor } from "./wiring";
import { requestIdMinter } from "./feedback/ids";

const OWN_PREFIX = "/_switchyard/";

/** Loads once per isolate on first call; a failed load is retried by the next call. */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}

const adminApp = onFirstUse(async () => (await import("./admin/app")).adminApp);
const dashboardApp = onFirstUse(async () => (await import("./dashboard/app")).dashboardApp);
const ofrepApp = onFirstUse(async () => (await import("./ofrep/app")).createOfrepApp(servicesFor));

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const services = servicesFor(env);
    services.coloOf(request); // the location-wide probe share is keyed by it (store/probe-share.ts)
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === `${OWN_PREFIX}healthz`) {
      return Response.json({ ok: true, outcomes: services.outcomes.counters, flagIndex: services.cache.counters });
    }
    if (path.startsWith("/admin/api/")) return (await adminApp()).fetch(request, env, ctx);
    if (path === "/admin" || path.startsWith("/admin/")) return (await dashboardApp()).fetch(request, env, ctx);
    if (path.startsWith("/ofrep/")) return (await ofrepApp()).fetch(request, env, ctx);
    if (path === "/feedback") return (await import("./feedback/handler")).handleFeedback(request, env, ctx);
    if (path.startsWith("/__demo/") && env.DEV_MODE === "1")
      return (await import("./dev/demo-control")).handleDemoControl(request, path);
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
    ctx.waitUntil(import("./cron/scheduled").then(({ runScheduled }) => runScheduled(env, controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
