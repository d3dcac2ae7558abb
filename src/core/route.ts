// Request → flag matching by method, path pattern and optional host.
// Patterns: literal segments, ":name" (one segment) and a trailing "*"
// (the rest, possibly empty); a method "*" matches any method. Pure.
// Precedence among the routes that match a request: compare the patterns
// segment by segment from the left; at the first position where they differ
// in kind, literal beats ":param" beats the end of an exact pattern beats
// "*". So a literal prefix wins (`/v1/*` over `/:a/:b/*` for `/v1/x/y`),
// and a longer pattern wins only over a wildcard (`/v1/:id/*` over `/v1/*`).
// Same shape: a route with a host beats one without, then a named method
// beats "*". The order is computed once when the matcher is built.
export interface RouteSpec {
  method: string;
  path: string;
  host?: string | null;
}

export interface RouteEntry<T> {
  route: RouteSpec;
  target: T;
}

interface CompiledRoute<T> {
  method: string;
  host: string | null;
  segments: string[];
  wildcard: boolean;
  /** Kind per position (see KIND), then the pattern's end; compared left to right. */
  shape: number[];
  target: T;
}

/** Segment kinds by precedence: higher wins at the first position that differs. */
const KIND = { literal: 3, param: 2, end: 1, wildcard: 0 } as const;

export type RouteMatcher<T> = (method: string, host: string, path: string) => T | null;

const SEGMENT = /^(?::[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._~!$&'()+,;=@%-]+)$/;

/** Returns an error message for an unusable pattern, or null when valid. */
export function checkRoutePattern(path: string): string | null {
  if (!path.startsWith("/")) return "path pattern must start with /";
  const segments = splitPath(path);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === "*" && i === segments.length - 1) continue;
    if (segment === "." || segment === ".." || !SEGMENT.test(segment)) return `invalid path segment "${segment}"`;
  }
  return null;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function compile<T>({ route, target }: RouteEntry<T>): CompiledRoute<T> {
  const segments = splitPath(route.path);
  const wildcard = segments[segments.length - 1] === "*";
  if (wildcard) segments.pop();
  const shape: number[] = segments.map((segment) => (segment.startsWith(":") ? KIND.param : KIND.literal));
  shape.push(wildcard ? KIND.wildcard : KIND.end);
  return {
    method: route.method.toUpperCase(),
    host: route.host?.toLowerCase() ?? null,
    segments,
    wildcard,
    shape,
    target,
  };
}

/**
 * Negative when `a` takes precedence over `b`. Every shape ends in a terminal
 * kind found nowhere else, so two shapes never tie over the shorter length
 * unless they are equally long.
 */
function comparePrecedence(a: CompiledRoute<unknown>, b: CompiledRoute<unknown>): number {
  const length = Math.min(a.shape.length, b.shape.length);
  for (let i = 0; i < length; i++) {
    if (a.shape[i] !== b.shape[i]) return b.shape[i]! - a.shape[i]!;
  }
  if ((a.host === null) !== (b.host === null)) return a.host === null ? 1 : -1;
  if ((a.method === "*") !== (b.method === "*")) return a.method === "*" ? 1 : -1;
  return 0;
}

function matchesPath(route: CompiledRoute<unknown>, parts: string[]): boolean {
  if (route.wildcard ? parts.length < route.segments.length : parts.length !== route.segments.length) return false;
  for (let i = 0; i < route.segments.length; i++) {
    const expected = route.segments[i]!;
    if (!expected.startsWith(":") && expected !== parts[i]) return false;
  }
  return true;
}

/** Builds a matcher over all routes; invalid patterns are skipped. */
export function buildRouteMatcher<T>(entries: RouteEntry<T>[]): RouteMatcher<T> {
  const routes = entries
    .filter((entry) => checkRoutePattern(entry.route.path) === null)
    .map(compile)
    .sort(comparePrecedence);
  return (method, host, path) => {
    const parts = splitPath(path);
    const upperMethod = method.toUpperCase();
    const lowerHost = host.toLowerCase();
    for (const route of routes) {
      if (route.method !== "*" && route.method !== upperMethod) continue;
      if (route.host !== null && route.host !== lowerHost) continue;
      if (matchesPath(route, parts)) return route.target;
    }
    return null;
  };
}
