// Between the API's flag JSON, D1 rows and the would-be snapshot. Semantic
// checks that answer 422 live here: route pattern, SSRF policy on origins,
// and — the gate for every change — compiling the snapshot the change would
// publish with the hot path's own compiler, before anything is written.
import { parseHealthSettings } from "../core/health/settings";
import { compileResponse } from "../core/response-settings";
import { checkOriginUrl, parseAllowlist } from "../core/origin-guard";
import { checkRoutePattern } from "../core/route";
import { compileSnapshot } from "../core/snapshot";
import {
  HASH_VERSION,
  SNAPSHOT_SCHEMA_VERSION,
  type FlagSnapshot,
  type OriginSpec,
  type UnitKeySource,
} from "../core/types";
import type { FlagInsert, FlagRow } from "../store/flag-repo";
import { parseJson } from "../store/db";
import { ApiError } from "./errors";
import type { FlagCreate, FlagPatch } from "./schemas";
import type { z } from "@hono/zod-openapi";

type FlagCreateInput = z.infer<typeof FlagCreate>;
type FlagPatchInput = z.infer<typeof FlagPatch>;

const RESERVED_PREFIXES = ["/admin/", "/_switchyard/", "/ofrep/"];

/** The flag as the API shows it (ETag carries the version too). */
export function flagView(row: FlagRow) {
  return {
    key: row.key,
    description: row.description,
    route: { method: row.routeMethod, path: row.routePath, ...(row.routeHost ? { host: row.routeHost } : {}) },
    origins: { blue: parseJson<OriginSpec>(row.blueOrigin), green: parseJson<OriginSpec>(row.greenOrigin) },
    previousBlueOrigin: parseJson<OriginSpec>(row.previousBlueOrigin),
    timeoutMs: row.timeoutMs,
    failover: row.failover,
    unitKey: { source: row.unitKeySource, name: row.unitKeyName },
    settings: parseJson<Record<string, unknown>>(row.settings) ?? {},
    killSwitch: row.killSwitch,
    killReason: row.killReason,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function checkOrigins(origins: Partial<Record<"blue" | "green", OriginSpec>>, allowlistText: string | undefined): void {
  const allowlist = parseAllowlist(allowlistText);
  for (const [slot, origin] of Object.entries(origins)) {
    if (origin?.url === undefined) continue;
    const problem = checkOriginUrl(origin.url, allowlist);
    if (problem !== null) {
      throw new ApiError("invalid_ruleset", `origins.${slot}.url ${problem}`, {
        path: `origins.${slot}.url`,
        reason: "origin_not_allowed",
      });
    }
  }
}

function checkRoute(path: string): void {
  const problem = checkRoutePattern(path);
  if (problem !== null) throw new ApiError("invalid_ruleset", `route.path: ${problem}`, { path: "route.path" });
  if (RESERVED_PREFIXES.some((prefix) => path.startsWith(prefix))) {
    throw new ApiError(
      "invalid_ruleset",
      `route.path must not start with ${RESERVED_PREFIXES.join(", ")} (never routed)`,
      { path: "route.path" },
    );
  }
}

/**
 * Settings policy (422): health settings must parse without problems (the
 * loop would otherwise silently fall back to defaults), the response section
 * must compile as the hot path will compile it (a schema typo or a bad
 * prediction path is refused here, never discovered on a request), and the URLs the
 * cron calls — webhook and blue's health probe — pass the same SSRF guard as
 * origins.
 */
function checkSettings(settings: Record<string, unknown> | undefined, allowlistText: string | undefined): void {
  if (settings === undefined) return;
  const { settings: health, problems } = parseHealthSettings(settings);
  if (problems.length > 0)
    throw new ApiError("invalid_ruleset", `settings.${problems[0]}`, { path: "settings.health", problems });
  const response = compileResponse(settings.response ?? {});
  if ("message" in response)
    throw new ApiError("invalid_ruleset", `settings.${response.path}: ${response.message}`, {
      path: `settings.${response.path}`,
    });
  const allowlist = parseAllowlist(allowlistText);
  for (const [path, url] of [
    ["settings.health.webhook.url", health.webhook?.url],
    ["settings.health.blueHealthUrl", health.blueHealthUrl],
  ] as const) {
    if (!url) continue;
    const problem = checkOriginUrl(url, allowlist);
    if (problem !== null)
      throw new ApiError("invalid_ruleset", `${path} ${problem}`, { path, reason: "url_not_allowed" });
  }
}

/** Create body → row (422 on route/origin policy). */
export function flagInsertFrom(body: FlagCreateInput, allowlist: string | undefined, now: number): FlagInsert {
  checkRoute(body.route.path);
  checkOrigins(body.origins, allowlist);
  checkSettings(body.settings, allowlist);
  return {
    key: body.key,
    description: body.description ?? "",
    routeMethod: body.route.method,
    routePath: body.route.path,
    routeHost: body.route.host?.toLowerCase() ?? null,
    blueOrigin: JSON.stringify(body.origins.blue),
    greenOrigin: JSON.stringify(body.origins.green),
    timeoutMs: body.timeoutMs ?? 10_000,
    failover: body.failover ?? false,
    unitKeySource: body.unitKey?.source ?? "header",
    unitKeyName: body.unitKey?.name ?? "x-user-id",
    settings: JSON.stringify(body.settings ?? {}),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** Patch body → changed columns (422 on route/origin policy). */
export function flagChangesFrom(body: FlagPatchInput, allowlist: string | undefined): Partial<FlagInsert> {
  const changes: Partial<FlagInsert> = {};
  if (body.description !== undefined) changes.description = body.description;
  if (body.route !== undefined) {
    checkRoute(body.route.path);
    Object.assign(changes, {
      routeMethod: body.route.method,
      routePath: body.route.path,
      routeHost: body.route.host?.toLowerCase() ?? null,
    });
  }
  if (body.origins !== undefined) {
    checkOrigins(body.origins, allowlist);
    if (body.origins.blue) changes.blueOrigin = JSON.stringify(body.origins.blue);
    if (body.origins.green) changes.greenOrigin = JSON.stringify(body.origins.green);
  }
  if (body.timeoutMs !== undefined) changes.timeoutMs = body.timeoutMs;
  if (body.failover !== undefined) changes.failover = body.failover;
  if (body.unitKey !== undefined)
    Object.assign(changes, { unitKeySource: body.unitKey.source, unitKeyName: body.unitKey.name });
  if (body.settings !== undefined) {
    checkSettings(body.settings, allowlist);
    changes.settings = JSON.stringify(body.settings);
  }
  return changes;
}

/** The snapshot fields a flag row determines (rules/overrides/rollout come from the current snapshot). */
export function applyRowToSnapshot(base: FlagSnapshot | null, row: FlagInsert, version: number): FlagSnapshot {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    hashVersion: HASH_VERSION,
    key: row.key,
    version,
    killSwitch: row.killSwitch ?? false,
    route: { method: row.routeMethod, path: row.routePath, ...(row.routeHost ? { host: row.routeHost } : {}) },
    origins: { blue: parseJson<OriginSpec>(row.blueOrigin) ?? {}, green: parseJson<OriginSpec>(row.greenOrigin) ?? {} },
    timeoutMs: row.timeoutMs ?? 10_000,
    failover: row.failover ?? false,
    unitKey: { source: (row.unitKeySource ?? "header") as UnitKeySource, name: row.unitKeyName ?? "x-user-id" },
    rules: base?.rules ?? [],
    overrides: base?.overrides ?? {},
    rollout: base?.rollout ?? null,
  };
}

/** 422 unless the hot path's compiler accepts the snapshot this change would publish. */
export function assertPublishable(snapshot: FlagSnapshot): void {
  const compiled = compileSnapshot(snapshot);
  if (!compiled.ok) {
    throw new ApiError(
      "invalid_ruleset",
      `the resulting snapshot is invalid at ${compiled.error.path || "(root)"}: ${compiled.error.message}`,
      {
        path: compiled.error.path,
        reason: compiled.error.code,
      },
    );
  }
}
