// GET /whoami (read scope): which actor and scope the presented token has.
// Lets a client (the dashboard's sign-in, the CLI) validate a token and show
// only the controls its scope allows — without trying a write. Never echoes
// the secret.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AdminEnv } from "../context";
import { validationHook } from "../errors";
import { adminRoute } from "../route-def";
import { Whoami } from "../response-schemas";

export const whoamiRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

whoamiRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/whoami",
    scope: "read",
    tags: ["tokens"],
    summary: "The calling token's actor id and scope",
    responses: { 200: { description: "actor and scope", content: { "application/json": { schema: Whoami } } } },
  }),
  async (c) => c.json({ actor: c.get("actor").id, scope: c.get("actor").scope }, 200),
);
