// The kill switch: POST/DELETE /flags/{key}/kill. It is the emergency
// brake, so it needs only the operate scope and no If-Match, is idempotent (a
// no-op writes nothing), and turning it ON is never blocked by a snapshot
// problem. Rollouts (which it overrides: everything goes to blue) are in
// rollouts.ts.
import { OpenAPIHono } from "@hono/zod-openapi";
import { commitChange, flagAtVersion } from "../../store/admin-tx";
import { updateFlag, type FlagRow, type FlagUpdate } from "../../store/flag-repo";
import { readFlagSnapshot } from "../../store/snapshot-builder";
import { afterCommit, auditBase, etagOf, type AdminContext, type AdminEnv } from "../context";
import { validationHook, writeFailureToApi } from "../errors";
import { assertPublishable } from "../flag-model";
import { adminRoute, body, json } from "../route-def";
import { FlagParams, KillBody } from "../schemas";
import { KillState } from "../response-schemas";
import { loadFlag } from "./flags";

export const killRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

function killView(row: Pick<FlagRow, "key" | "killSwitch" | "killReason" | "version">, changed: boolean) {
  return { key: row.key, killSwitch: row.killSwitch, killReason: row.killReason, version: row.version, changed };
}

async function setKill(c: AdminContext, key: string, on: boolean, reason: string) {
  const db = c.get("db");
  const flag = await loadFlag(c, key);
  if (flag.killSwitch === on) {
    // Idempotent: already in the asked state, so nothing is written or audited.
    c.header("ETag", etagOf("flag", flag.version));
    return c.json(killView(flag, false), 200);
  }
  // Turning the brake ON is never blocked by a snapshot problem: the hot path
  // reads kill_switch from D1's index record even when no snapshot publishes.
  const snapshot = on ? null : await readFlagSnapshot(c.env.DB, key);
  if (snapshot) assertPublishable({ ...snapshot, killSwitch: on, version: flag.version + 1 });
  const now = c.get("now");
  // The reason describes the brake while it is on; once off there is none
  // (the audit rows keep both reasons).
  const changes: FlagUpdate = { killSwitch: on, killReason: on ? reason : null };
  const committed = await commitChange(
    db,
    {
      // Guarded on the version just read, so the audit's `before` is exact; a
      // concurrent change makes this a 412 the operator simply repeats.
      guards: [flagAtVersion(key, flag.version)],
      statements: [updateFlag(db, key, changes, now)],
      audit: {
        ...auditBase(c),
        action: on ? "flag.kill" : "flag.unkill",
        resourceType: "flag",
        resourceId: key,
        flagKey: key,
        before: killView(flag, false),
        after: { ...killView({ ...flag, ...changes, version: flag.version + 1 }, true), reason },
      },
    },
    now,
  );
  if (!committed.ok) throw writeFailureToApi(committed.error, `flag "${key}"`);
  await afterCommit(c, [key]);
  c.header("ETag", etagOf("flag", flag.version + 1));
  return c.json(killView({ ...flag, ...changes, version: flag.version + 1 } as FlagRow, true), 200);
}

killRoutes.openapi(
  adminRoute({
    method: "post",
    path: "/flags/{key}/kill",
    scope: "operate",
    tags: ["kill switch"],
    summary: "Kill switch ON: everything to blue (no If-Match; idempotent)",
    request: { params: FlagParams, body: body(KillBody) },
    responses: { 200: json(KillState, "kill switch state") },
  }),
  async (c) => setKill(c, c.req.valid("param").key, true, c.req.valid("json").reason),
);

killRoutes.openapi(
  adminRoute({
    method: "delete",
    path: "/flags/{key}/kill",
    scope: "operate",
    tags: ["kill switch"],
    summary: "Kill switch OFF (no If-Match; idempotent)",
    request: { params: FlagParams, body: body(KillBody) },
    responses: { 200: json(KillState, "kill switch state") },
  }),
  async (c) => setKill(c, c.req.valid("param").key, false, c.req.valid("json").reason),
);
