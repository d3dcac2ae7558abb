// Property test: for every write route with a body, ≥ 2 000 random invalid
// bodies (random JSON, valid bodies with a field replaced or an unknown field
// added, malformed text) always answer 4xx in the one error shape — never
// 500 — and leave D1 unchanged (row counts, audit count, flag versions).
// Requests carry a valid admin token and the current If-Match, so the body
// is the only thing wrong with them.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import {
  FlagCreate,
  FlagPatch,
  KillBody,
  OverridePut,
  OverridesBulk,
  RolloutStart,
  RulesPut,
  SegmentCreate,
  SegmentPatch,
  TokenCreate,
} from "../../src/admin/schemas";
import { call, createFlag, createSegment, dbFingerprint, flagBody } from "./helpers";

const RUNS = 2_000;

interface WriteRoute {
  method: string;
  path: string;
  schema: ZodType;
  valid: Record<string, unknown>;
  ifMatch?: () => string;
}

let flagEtag = "";
let segmentEtag = "";

const routes: WriteRoute[] = [
  { method: "POST", path: "/flags", schema: FlagCreate, valid: flagBody("fz-new") },
  {
    method: "PATCH",
    path: "/flags/fz",
    schema: FlagPatch,
    valid: { timeoutMs: 10, failover: true },
    ifMatch: () => flagEtag,
  },
  {
    method: "PUT",
    path: "/flags/fz/rules",
    schema: RulesPut,
    valid: { rules: [{ id: "a", segment: "fz-seg", variant: "green" }] },
    ifMatch: () => flagEtag,
  },
  {
    method: "POST",
    path: "/segments",
    schema: SegmentCreate,
    valid: { key: "fz-seg2", constraints: [{ attribute: "cf.country", operator: "in", values: ["DE"] }] },
  },
  {
    method: "PATCH",
    path: "/segments/fz-seg",
    schema: SegmentPatch,
    valid: { negate: true },
    ifMatch: () => segmentEtag,
  },
  {
    method: "PUT",
    path: "/flags/fz/overrides/u1",
    schema: OverridePut,
    valid: { variant: "green" },
    ifMatch: () => flagEtag,
  },
  {
    method: "POST",
    path: "/flags/fz/overrides",
    schema: OverridesBulk,
    valid: { upsert: [{ unitKey: "u", variant: "blue" }], delete: ["v"] },
    ifMatch: () => flagEtag,
  },
  { method: "POST", path: "/flags/fz/kill", schema: KillBody, valid: { reason: "fuzz" } },
  { method: "DELETE", path: "/flags/fz/kill", schema: KillBody, valid: { reason: "fuzz" } },
  {
    method: "POST",
    path: "/flags/fz/rollouts",
    schema: RolloutStart,
    valid: { stages: [{ mode: "serve", percent: 100, minDurationSeconds: 1, minSamples: 1 }], holdSeconds: 5 },
    ifMatch: () => flagEtag,
  },
  { method: "POST", path: "/tokens", schema: TokenCreate, valid: { name: "fz", scope: "read" } },
];

const json = fc.jsonValue({ maxDepth: 3 });
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("__proto__", "constructor", "version", "killSwitch", "id", "key"),
);

/** Raw text bodies; a JSON-parseable one still has to fail the schema. */
function invalidBodies(route: WriteRoute): fc.Arbitrary<string> {
  const fields = Object.keys(route.valid);
  const values = fc
    .oneof(
      { weight: 2, arbitrary: json },
      {
        weight: 3,
        arbitrary: fc
          .tuple(fc.constantFrom(...fields), json)
          .map(([field, value]) => ({ ...route.valid, [field]: value })),
      },
      {
        weight: 2,
        arbitrary: fc.tuple(key, json).map(([field, value]) =>
          Object.defineProperty({ ...route.valid }, field, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          }),
        ),
      },
    )
    .map((value) => JSON.stringify(value) ?? "null");
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom("{", '{"a":', "[1,", "nul", "\u0000", '{"reason": "x",}'),
  );
  return fc.oneof({ weight: 5, arbitrary: values }, { weight: 1, arbitrary: text }).filter((raw) => {
    try {
      return !route.schema.safeParse(JSON.parse(raw)).success;
    } catch {
      return true; // not JSON at all
    }
  });
}

describe("invalid bodies never write and never 500", () => {
  beforeAll(async () => {
    flagEtag = await createFlag("fz");
    segmentEtag = await createSegment("fz-seg");
  });

  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s",
    async (_name, route) => {
      // The mutations start from a body the schema accepts, so they probe its edges.
      expect(route.schema.safeParse(route.valid).success).toBe(true);
      const before = await dbFingerprint();
      await fc.assert(
        fc.asyncProperty(invalidBodies(route), async (raw) => {
          const response = await call(route.method, route.path, {
            raw,
            ...(route.ifMatch ? { ifMatch: route.ifMatch() } : {}),
          });
          const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
          expect(response.status, raw).toBeGreaterThanOrEqual(400);
          expect(response.status, raw).toBeLessThan(500);
          expect(typeof body.error?.code).toBe("string");
          expect(typeof body.error?.message).toBe("string");
        }),
        { numRuns: RUNS },
      );
      expect(await dbFingerprint()).toEqual(before);
    },
    120_000,
  );
});
