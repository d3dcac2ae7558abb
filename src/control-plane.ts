// The control plane: the admin API, the dashboard, the demo switches and the
// cron. It runs either inside the router Worker (the single-Worker layout of
// `npm run dev`, the tests and small installs) or as its own Worker behind the
// router's CONTROL service binding (the deployed layout), so that a new router
// isolate never compiles admin code (docs/design/routing-hot-path.md,
// "Start-up cost"). Contract: it serves exactly the paths `isControlPath`
// names; every app loads on first use, never at isolate start.
import type { Env } from "./env";
import { isControlPath } from "./control-paths";

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

/** Answers a request on a control path (`isControlPath`); anything else is 404. */
export async function handleControlRequest(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path.startsWith("/admin/api/")) return (await adminApp()).fetch(request, env, ctx);
  if (path === "/admin" || path.startsWith("/admin/")) return (await dashboardApp()).fetch(request, env, ctx);
  if (isControlPath(path, env)) return (await import("./dev/demo-control")).handleDemoControl(request, path);
  return new Response("Not Found", { status: 404 });
}

/** The cron tick (snapshot reconcile, then the health loop), kept alive by `waitUntil`. */
export function runControlCron(controller: ScheduledController, env: Env, ctx: ExecutionContext): void {
  ctx.waitUntil(import("./cron/scheduled").then(({ runScheduled }) => runScheduled(env, controller.scheduledTime)));
}
