// Which requests belong to the control plane (control-plane.ts): the one list,
// used by the router to forward them and by the control Worker to serve them.
import type { Env } from "./env";

/** The admin API, the dashboard and, with DEV_MODE=1 only, the demo switches (else user traffic). */
export function isControlPath(path: string, env: Env): boolean {
  return path === "/admin" || path.startsWith("/admin/") || (path.startsWith("/__demo/") && env.DEV_MODE === "1");
}
