// Request → flag matching by method, path pattern and optional host.
// Patterns: literal segments, ":name" (one segment) and a trailing "*"
// (the rest). More specific routes win: literals over params over wildcards,
// then longer patterns; a method "*" matches any method. Pure.
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
  score: number;
  target: T;
}

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
  const literals = segments.filter((segment) => !segment.startsWith(":")).length;
  const score = (wildcard ? 0 : 1_000_000) + segments.length * 1000 + literals * 10 + (route.host ? 5 : 0) + (route.method === "*" ? 0 : 1);
  return { method: route.method.toUpperCase(), host: route.host?.toLowerCase() ?? null, segments, wildcard, score, target };
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
    .sort((a, b) => b.score - a.score);
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
