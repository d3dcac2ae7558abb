// One way to declare an admin route: its scope is part of the declaration,
// so the auth middleware cannot be forgotten, the OpenAPI document shows it
// (`x-required-scope`), and the test suite walks `ROUTE_SCOPES` to generate
// the auth matrix. Error responses are documented once for all routes, and
// the JSON body/response wrappers the route files share are defined here.
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { requireScope, type RouteScope } from "./auth";
import { ErrorBody } from "./schemas";

export interface DeclaredRoute {
  method: RouteConfig["method"];
  /** hono form, under /admin/api (":key"). */
  path: string;
  scope: RouteScope;
  /** Documented responses by status, errors included (the response test parses real answers with them). */
  responses: RouteConfig["responses"];
}

/** Every declared route, in declaration order. */
export const ROUTE_SCOPES: DeclaredRoute[] = [];

const ERROR_RESPONSES = Object.fromEntries(
  [400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 500].map((status) => [
    status,
    { description: "error", content: { "application/json": { schema: ErrorBody } } },
  ]),
);

/** A documented JSON response: `responses: { 200: json(Schema, "what it is") }`. */
export const json = <T>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
/** A required JSON request body: `request: { body: body(Schema) }`. */
export const body = <T>(schema: T) => ({ required: true, content: { "application/json": { schema } } });

type Spec = Omit<RouteConfig, "middleware" | "security"> & { scope: RouteScope };

export function adminRoute<const S extends Spec>(spec: S) {
  const { scope, ...route } = spec;
  const responses = { ...ERROR_RESPONSES, ...route.responses };
  ROUTE_SCOPES.push({
    method: route.method,
    path: `/admin/api${route.path.replace(/\{(\w+)\}/g, ":$1")}`,
    scope,
    responses,
  });
  // The scope middleware is attached at run time; the handler's typed env
  // (AdminEnv) already declares the `actor` it sets, so the cast loses nothing.
  return createRoute({
    ...route,
    ...(scope === "public" ? { security: [] } : { security: [{ bearer: [] }], middleware: [requireScope(scope)] }),
    "x-required-scope": scope,
    responses,
  } as RouteConfig) as unknown as Omit<S, "scope">;
}
