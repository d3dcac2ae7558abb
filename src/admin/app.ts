// Admin API sub-app (hono + zod-openapi) mounted at /admin/api by index.ts.
// Owns: request id, body limit, per-request db/clock, the one error handler,
// the route groups and the OpenAPI 3.1 document generated from the same
// schemas that validate requests. Routes declare their scope (route-def.ts).
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { acceptedRequestId } from "../core/caller-request-id";
import { openDb } from "../store/db";
import type { AdminEnv } from "./context";
import { bodyTooLarge, errorBody, handleError, validationHook } from "./errors";
import { LIMITS } from "./limits";
import { adminRoute } from "./route-def";
import { OpenApiDocument } from "./response-schemas";
import { flagRoutes } from "./routes/flags";
import { segmentRoutes } from "./routes/segments";
import { ruleRoutes } from "./routes/rules";
import { overrideRoutes } from "./routes/overrides";
import { killRoutes } from "./routes/kill";
import { rolloutRoutes } from "./routes/rollouts";
import { tokenAuditRoutes } from "./routes/tokens-audit";
import { evaluateRoutes } from "./routes/evaluate";
import { shadowRoutes } from "./routes/shadow";
import { experimentRoutes } from "./routes/experiment";
import { decisionRoutes } from "./routes/decisions";
import { seriesRoutes } from "./routes/series";
import { answerRoutes } from "./routes/answers";
import { whoamiRoutes } from "./routes/whoami";

export const adminApp = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook }).basePath("/admin/api");

adminApp.use("*", async function adminRequestContext(c, next) {
  const requestId = acceptedRequestId(c.req.header("x-request-id")) ?? crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("db", openDb(c.env.DB));
  c.set("now", Date.now());
  c.header("x-request-id", requestId);
  c.header("cache-control", "no-store");
  await next();
});

adminApp.use(
  "*",
  bodyLimit({
    maxSize: LIMITS.bodyBytes,
    onError: () => {
      throw bodyTooLarge();
    },
  }),
);

adminApp.route("/", flagRoutes);
adminApp.route("/", ruleRoutes);
adminApp.route("/", overrideRoutes);
adminApp.route("/", killRoutes);
adminApp.route("/", rolloutRoutes);
adminApp.route("/", evaluateRoutes);
adminApp.route("/", shadowRoutes);
adminApp.route("/", experimentRoutes);
adminApp.route("/", segmentRoutes);
adminApp.route("/", tokenAuditRoutes);
adminApp.route("/", decisionRoutes);
adminApp.route("/", seriesRoutes);
adminApp.route("/", answerRoutes);
adminApp.route("/", whoamiRoutes);

adminApp.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: 'An API token ("syk_…") with scope read < operate < admin.',
});

// Declared through adminRoute like every other route so the auth-matrix test sees it.
const openApiRoute = adminRoute({
  method: "get",
  path: "/openapi.json",
  scope: "public",
  tags: ["meta"],
  summary: "This document",
  responses: {
    200: { description: "OpenAPI 3.1 document", content: { "application/json": { schema: OpenApiDocument } } },
  },
});
adminApp.openapi(openApiRoute, (c) =>
  c.json(
    adminApp.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "switchyard admin API",
        version: "1.0.0",
        description:
          "Flags, segments, overrides, rollouts and the kill switch. Errors: { error: { code, message, details? } }.",
      },
      servers: [{ url: "/" }],
    }),
    200,
  ),
);

adminApp.notFound((c) => c.json(errorBody("not_found", `No admin route ${c.req.method} ${c.req.path}`), 404));
adminApp.onError(handleError);
