// Between the API's segment JSON and its D1 row, and the semantic checks
// that answer 422 before a segment is written: every constraint must compile
// with the hot path's own operator compiler (values, regex safety) within
// the per-segment caps (limits.ts). No I/O. The flag's counterpart is
// flag-model.ts; the routes are routes/segments.ts.
import type { z } from "@hono/zod-openapi";
import { compileOperator } from "../core/operators";
import type { ConstraintSpec } from "../core/types";
import type { SegmentRow } from "../store/segment-repo";
import { parseJson } from "../store/db";
import { ApiError } from "./errors";
import { LIMITS } from "./limits";
import type { Constraint } from "./schemas";

export function segmentView(row: SegmentRow) {
  return {
    key: row.key,
    description: row.description,
    constraints: parseJson<ConstraintSpec[]>(row.constraints) ?? [],
    negate: row.negate,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** 422 unless every constraint compiles (operator values, regex safety, counts). */
export function checkConstraints(constraints: z.infer<typeof Constraint>[]): void {
  if (constraints.length > LIMITS.constraintsPerSegment) {
    throw new ApiError("limit_exceeded", `at most ${LIMITS.constraintsPerSegment} constraints per segment`);
  }
  constraints.forEach((constraint, i) => {
    if (constraint.values.length > LIMITS.valuesPerConstraint) {
      throw new ApiError("limit_exceeded", `constraints[${i}].values: at most ${LIMITS.valuesPerConstraint} values`);
    }
    const compiled = compileOperator(constraint.operator, constraint.values);
    if (typeof compiled === "string") {
      throw new ApiError("invalid_ruleset", `constraints[${i}]: ${compiled}`, { path: `constraints[${i}].values` });
    }
  });
}
