// Admin API sub-app (hono) mounted at /admin/api. Placeholder until the
// admin-API issue lands: every route answers 404 in the one error shape.
import { Hono } from "hono";
import type { Env } from "../env";

export const adminApp = new Hono<{ Bindings: Env }>().basePath("/admin/api");

adminApp.notFound((c) => c.json({ error: { code: "not_found", message: `No admin route ${c.req.method} ${c.req.path}` } }, 404));
