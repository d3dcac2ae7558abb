// Route precedence as a table of pairs: both routes match the request, the
// first one must win whatever order the routes were given in. The rule
// (src/core/route.ts): segment by segment from the left, literal > ":param" >
// end of an exact pattern > "*"; then a host beats none, a method beats "*".
import { describe, expect, it } from "vitest";
import { buildRouteMatcher, type RouteSpec } from "../../src/core/route";

type Route = string | RouteSpec;
// [winner, loser, request path, request method?, request host?]
type Pair = [Route, Route, string, string?, string?];

const spec = (route: Route): RouteSpec => (typeof route === "string" ? { method: "*", path: route } : route);
const name = (route: Route): string => JSON.stringify(spec(route));

const PAIRS: Pair[] = [
  // a literal prefix wins, however many segments the other pattern has
  ["/v1/*", "/:a/:b/*", "/v1/x/y"],
  ["/v1/*", "/:a/:b/:c", "/v1/x/y"],
  ["/v1/:model/predict", "/:v/:model/:action", "/v1/m/predict"],
  ["/v1/:id", "/:a/x", "/v1/x"],
  ["/a/:b", "/:a/b", "/a/b"],
  // literal > param > end > wildcard at the first differing position
  ["/v1/x", "/v1/:id", "/v1/x"],
  ["/v1/:id", "/v1/*", "/v1/x"],
  ["/v1/:model/predict", "/v1/*", "/v1/m/predict"],
  ["/v1/:id/*", "/v1/*", "/v1/x/y"],
  ["/v1/x/*", "/v1/:id/*", "/v1/x/y"],
  ["/a", "/a/*", "/a"],
  ["/", "/*", "/"],
  ["/v1/*", "/*", "/v1"],
  ["/:a/*", "/*", "/x/y"],
  // same shape: a host beats none, then a named method beats "*"
  [{ method: "*", path: "/p/*", host: "api.example" }, "/p/*", "/p/q", "POST", "api.example"],
  [{ method: "POST", path: "/p/:x" }, "/p/:x", "/p/q", "POST"],
  [
    { method: "*", path: "/p/:x", host: "api.example" },
    { method: "POST", path: "/p/:x" },
    "/p/q",
    "POST",
    "api.example",
  ],
  // the path decides before the host does
  ["/v1/*", { method: "*", path: "/*", host: "api.example" }, "/v1/x", "GET", "api.example"],
];

describe("route precedence", () => {
  it.each(PAIRS)("%j beats %j for %s", (winner, loser, path, method = "GET", host = "router.example") => {
    for (const routes of [
      [winner, loser],
      [loser, winner],
    ]) {
      const match = buildRouteMatcher(routes.map((route) => ({ route: spec(route), target: name(route) })));
      expect(match(method, host, path)).toBe(name(winner));
    }
  });

  it("falls back to the less specific route when the more specific one does not match", () => {
    const match = buildRouteMatcher(["/v1/*", "/:a/:b/*"].map((path) => ({ route: spec(path), target: path })));
    expect(match("GET", "h", "/v2/x/y")).toBe("/:a/:b/*");
    expect(match("GET", "h", "/v1/x/y")).toBe("/v1/*");
    expect(match("GET", "h", "/v2")).toBeNull();
  });
});
