// GET /flags/{key}/evaluate?unit=…&attr.<name>=… — explains a decision with
// the hot path's own compiler and evaluator over the flag's current D1 state,
// without proxying or recording an outcome. `attr.cf.country=DE` sets the
// attribute `cf.country`; the short `attr.country=DE` also works (the part
// after the scope), as does `attr.header.x-plan=pro`.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { bucketOf } from "../../core/bucket";
import { evaluateFlag } from "../../core/evaluate";
import { compileSnapshot } from "../../core/snapshot";
import { readFlagSnapshot } from "../../store/snapshot-builder";
import { etagOf, type AdminEnv } from "../context";
import { ApiError, validationHook } from "../errors";
import { adminRoute } from "../route-def";
import { FlagParams, UnitKey } from "../schemas";
import { Evaluation } from "../response-schemas";

export const evaluateRoutes = new OpenAPIHono<AdminEnv>({ defaultHook: validationHook });

// Not strict: `attr.*` parameters are open-ended; only their count is capped.
const EvaluateQuery = z.object({ unit: UnitKey }).catchall(z.string().max(1024));

evaluateRoutes.openapi(
  adminRoute({
    method: "get",
    path: "/flags/{key}/evaluate",
    scope: "read",
    tags: ["flags"],
    summary: "Explain the decision for one unit (reason, rule, bucket)",
    request: { params: FlagParams, query: EvaluateQuery },
    responses: { 200: { description: "the decision", content: { "application/json": { schema: Evaluation } } } },
  }),
  async (c) => {
    const { key } = c.req.valid("param");
    const { unit } = c.req.valid("query");
    const url = new URL(c.req.url);
    const attributes = new Map<string, string>();
    for (const [name, value] of url.searchParams) if (name.startsWith("attr.")) attributes.set(name.slice(5), value);
    if (attributes.size > 100) throw new ApiError("invalid_request", "at most 100 attr.* parameters");
    const snapshot = await readFlagSnapshot(c.env.DB, key);
    if (!snapshot) throw new ApiError("not_found", `flag "${key}" not found`);
    const compiled = compileSnapshot(snapshot);
    if (!compiled.ok)
      throw new ApiError("invalid_ruleset", `stored flag does not compile: ${compiled.error.message}`, compiled.error);
    const lookup = (name: string) => attributes.get(name) ?? attributes.get(name.slice(name.indexOf(".") + 1));
    const evaluation = evaluateFlag(compiled.value, { unitKey: unit, attribute: lookup });
    const rule = compiled.value.rules.find((r) => r.id === evaluation.ruleId);
    c.header("ETag", etagOf("flag", snapshot.version));
    return c.json(
      {
        flag: key,
        version: snapshot.version,
        unit,
        variant: evaluation.variant,
        reason: evaluation.reason,
        ruleId: evaluation.ruleId,
        segment: evaluation.segmentKey,
        // The bucket is explained even when the decision did not need it.
        bucket: bucketOf(compiled.value.salt, unit),
        greenBelow: rule ? (rule.variant === null ? rule.greenBuckets : null) : compiled.value.splitGreenBuckets,
        salt: compiled.value.salt,
        rollout: snapshot.rollout,
        killSwitch: snapshot.killSwitch,
      },
      200,
    );
  },
);
