// Per-request admin context (hono variables) and the helpers every mutating
// route uses: ETags / If-Match, and what happens after a commit (publish the
// snapshot, invalidate this isolate's flag cache). In the single-Worker layout
// that isolate then honours a kill switch at its very next request; deployed,
// this is the control Worker, and router isolates see the change through
// their version probe (docs/design/scaling.md).
import type { Context } from "hono";
import type { Env } from "../env";
import { publishFlags } from "../store/admin-publish";
import type { Db } from "../store/db";
import { kvWriteGapMs, servicesFor } from "../wiring";
import type { Actor } from "./auth";
import { ApiError } from "./errors";

export interface AdminEnv {
  Bindings: Env;
  Variables: { actor: Actor; requestId: string; db: Db; now: number };
}

export type AdminContext = Context<AdminEnv>;

export type VersionedKind = "flag" | "segment" | "rollout";

export const etagOf = (kind: VersionedKind, version: number): string => `"${kind}-${version}"`;

export interface IfMatchOptions {
  /** Documented default for emergency actions: a missing If-Match applies to the current version. */
  optional?: boolean;
}

/** 428 when If-Match is missing (unless optional), 412 when it is stale. */
export function checkIfMatch(c: AdminContext, currentEtag: string, options: IfMatchOptions = {}): void {
  const header = c.req.header("if-match");
  if (header === undefined || header.trim() === "") {
    if (options.optional) return;
    throw new ApiError("precondition_required", "send If-Match with the ETag from your last read");
  }
  // Weak tags are compared as strong ones on purpose: Cloudflare weakens ETags
  // when it compresses a response, and ours name an exact version anyway.
  const tags = header.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  // "*" would skip the version check entirely, which is what If-Match exists to prevent.
  if (tags.includes("*")) throw new ApiError("invalid_request", "If-Match: * is not accepted; send the ETag");
  if (!tags.includes(currentEtag)) {
    throw new ApiError("precondition_failed", `stale If-Match: the current ETag is ${currentEtag}`, { currentEtag });
  }
}

/** Audit fields common to every change made in this request. */
export function auditBase(c: AdminContext) {
  return { actor: c.get("actor").id, requestId: c.get("requestId") };
}

/** After a committed batch: publish snapshots to KV and refresh this isolate. */
export async function afterCommit(c: AdminContext, flagKeys: string[], deletedFlag?: string): Promise<void> {
  try {
    // A burst of changes is coalesced into one trailing publish, which outlives the response (admin-publish.ts).
    const keys = deletedFlag === undefined ? flagKeys : [...flagKeys, deletedFlag];
    await publishFlags(c.env.DB, c.env.SNAPSHOTS, keys, {
      gapMs: kvWriteGapMs(c.env),
      defer: (publish) => c.executionCtx.waitUntil(publish),
    });
  } catch (error) {
    // D1 is the source of truth and already committed: the hot path's D1
    // version probe and the cron reconcile republish, so the change stands.
    console.error("snapshot publish failed after commit", { requestId: c.get("requestId"), error: String(error) });
  } finally {
    servicesFor(c.env).cache.invalidate();
  }
}

/** Opaque pagination cursor (base64url of the last item's sort key). */
export const encodeCursor = (value: string): string =>
  btoa(unescape(encodeURIComponent(value)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_");

export function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined || cursor === "") return null;
  try {
    return decodeURIComponent(escape(atob(cursor.replace(/-/g, "+").replace(/_/g, "/"))));
  } catch {
    throw new ApiError("invalid_request", "invalid cursor");
  }
}
