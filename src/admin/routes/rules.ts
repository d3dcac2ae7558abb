// PUT /flags/{key}/rules: replace the flag's ordered segment rules. The
// rules are part of the flag's snapshot, so the write uses the flag's ETag,
// bumps its version and is guarded on the versions of the segments it
// embeds; the would-be snapshot is compiled before anything is written.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { ConstraintSpec } from "../../core/types";
import { commitChange, flagAtVersion, segmentAtVersion, bumpFlag } from "../../store/admin-tx";
import { listRules, replaceRules } from "../../store/flag-repo";
import { getSegments } from "../../store/segment-repo";
import { parseJson } from "../../store/db";
import { afterCommit, auditBase, checkIfMatch, etagOf, type AdminEnv } from "../context";
import { ApiError, validationHook, writeFailureToApi } from "../errors";
import { assertPublishable } from "../flag-model";
import { LIMITS } from "../limits";
import { adminRoute, body, json } from "../route-def";
import { FlagParams, RulesPut } from "../schemas";
import { Rules } from "../response-schemas";
import { currentSnapshot, loadFlag } from "./flags";

export const ruleRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

ruleRoutes.openapi(
  adminRoute({
    method: "put",
    path: "/flags/{key}/rules",
    scope: "admin",
    tags: ["rules"],
    summary: "Replace the ordered segment rules (If-Match: flag ETag)",
    request: { params: FlagParams, body: body(RulesPut) },
    responses: { 200: json(Rules, "the rules") },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const { rules } = c.req.valid("json");
    const db = c.get("db");
    const flag = await loadFlag(c, key);
    checkIfMatch(c, etagOf("flag", flag.version));
    if (rules.length > LIMITS.rulesPerFlag)
      throw new ApiError("limit_exceeded", `at most ${LIMITS.rulesPerFlag} rules per flag`);
    const segmentKeys = [...new Set(rules.map((rule) => rule.segment))];
    const segments = new Map((await getSegments(db, segmentKeys)).map((row) => [row.key, row]));
    const missing = segmentKeys.filter((segmentKey) => !segments.has(segmentKey));
    if (missing.length > 0)
      throw new ApiError("invalid_ruleset", `unknown segment(s): ${missing.join(", ")}`, { segments: missing });
    const snapshot = await currentSnapshot(c, key);
    const specs = rules.map((rule) => {
      const segment = segments.get(rule.segment)!;
      return {
        id: rule.id,
        segment: {
          key: segment.key,
          constraints: parseJson<ConstraintSpec[]>(segment.constraints) ?? [],
          negate: segment.negate,
        },
        ...(rule.variant !== undefined ? { variant: rule.variant } : { percent: rule.percent! }),
      };
    });
    assertPublishable({ ...snapshot, version: flag.version + 1, rules: specs });
    const before = (await listRules(db, key)).map(({ id, segmentKey, variant, percent }) => ({
      id,
      segment: segmentKey,
      variant,
      percent,
    }));
    const now = c.get("now");
    const committed = await commitChange(
      db,
      {
        // Segments must be the versions just compiled into the would-be snapshot.
        guards: [
          flagAtVersion(key, flag.version),
          ...[...segments.values()].map((s) => segmentAtVersion(s.key, s.version)),
        ],
        statements: [...replaceRules(db, key, rules), bumpFlag(db, key, now)],
        audit: {
          ...auditBase(c),
          action: "flag.rules.replace",
          resourceType: "flag",
          resourceId: key,
          flagKey: key,
          before: { rules: before },
          after: { rules },
        },
      },
      now,
    );
    if (!committed.ok) throw writeFailureToApi(committed.error, `flag "${key}"`);
    await afterCommit(c, [key]);
    c.header("ETag", etagOf("flag", flag.version + 1));
    return c.json({ rules }, 200);
  },
);
