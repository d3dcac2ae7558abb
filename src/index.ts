// Worker entry: wires ports from env and dispatches. Everything that is not
// switchyard's own surface goes straight to the hot path (no framework on it).
// The control plane (admin API, dashboard, cron) is either bundled here,
// loaded on first use (CONTROL_PLANE_BUNDLED, the single-Worker layout), or
// not in this script at all and reached through the CONTROL service binding:
// the build drops the dead branch, so a deployed router isolate compiles only
// the data plane. Nothing else is imported lazily: the bundler wraps every
// module a lazy import() reaches in an init function, and running those at
// start cost more than OFREP's and feedback's own top-level code
// (docs/design/routing-hot-path.md, "Start-up cost").
import type { Env } from "./env";
import { ApiError, errorBody } from "./admin/api-error";
import { isControlPath } from "./control-paths";
import { handleFeedback } from "./feedback/handler";
import { routeRequest, type RouterDeps } from "./edge/route-request";
import { servicesFor, type IsolateServices } from "./wiring";
import { requestIdMinter } from "./feedback/ids";
import { createOfrepHandler } from "./ofrep/app";

/** Build-time constant (wrangler `define`, vitest `define`): true bundles the control plane into this Worker. */
declare const CONTROL_PLANE_BUNDLED: boolean;

const OWN_PREFIX = "/_switchyard/";

/**
 * Everything the proxy path needs but the request's own context, made once
 * per env (the runtime hands every request of an isolate the same object).
 */
const requestFreeDeps = new WeakMap<Env, Omit<RouterDeps, "waitUntil">>();

function proxyDeps(services: IsolateServices, env: Env): Omit<RouterDeps, "waitUntil"> {
  let deps = requestFreeDeps.get(env);
  if (!deps || deps.cache !== services.cache) {
    deps = {
      ...services,
      newId: () => crypto.randomUUID(),
      mintRequestId: requestIdMinter(env),
      random: () => Math.random(),
      secureCookies: env.DEV_MODE !== "1",
    };
    requestFreeDeps.set(env, deps);
  }
  return deps;
}

/** Made on the first OFREP request, not at isolate start. */
let ofrepHandler: ReturnType<typeof createOfrepHandler> | undefined;

function adminError(error: ApiError): Response {
  return Response.json(errorBody(error.code, error.message), { status: error.status });
}

/**
 * A control path in the two-Worker layout: handed unchanged to the control
 * Worker; without the binding, or when that Worker fails, the admin API's
 * error shape rather than the platform's error page.
 */
async function forwardToControl(request: Request, env: Env): Promise<Response> {
  if (!env.CONTROL)
    return adminError(
      new ApiError(
        "control_plane_unbound",
        "This router forwards the admin API and dashboard to the control-plane Worker, and its CONTROL service binding is missing (docs/operating/configuration-and-deploying.md).",
      ),
    );
  try {
    return await env.CONTROL.fetch(request);
  } catch {
    return adminError(new ApiError("control_plane_unavailable", "The control-plane Worker did not answer; try again."));
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const services = servicesFor(env);
    services.coloOf(request); // the location-wide probe share is keyed by it (store/probe-share.ts)
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === `${OWN_PREFIX}healthz`) {
      return Response.json({ ok: true, outcomes: services.outcomes.counters, flagIndex: services.cache.counters });
    }
    if (isControlPath(path, env)) {
      if (CONTROL_PLANE_BUNDLED) return (await import("./control-plane")).handleControlRequest(request, env, ctx);
      return forwardToControl(request, env);
    }
    if (path.startsWith("/ofrep/")) return (ofrepHandler ??= createOfrepHandler(servicesFor))(request, path, env, ctx);
    if (path === "/feedback") return handleFeedback(request, env, ctx);
    return routeRequest(request, { ...proxyDeps(services, env), waitUntil: (promise) => ctx.waitUntil(promise) }, url);
  },

  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    // In the two-Worker layout the cron is the control Worker's (wrangler.control.toml).
    if (CONTROL_PLANE_BUNDLED) (await import("./control-plane")).runControlCron(controller, env, ctx);
  },
} satisfies ExportedHandler<Env>;
