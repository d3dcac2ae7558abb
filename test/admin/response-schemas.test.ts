// Every admin route's real answers parse with the response schema that the
// route declares (the one the OpenAPI document shows and the dashboard and
// CLI types come from): one scenario through the real Worker calls each
// route at least once with success, plus the usual failures; each answer is
// then parsed with its route's schema for that status. The schemas are
// strict, so a renamed, dropped or added field fails here.
import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { z } from "@hono/zod-openapi";
import type { Outcome } from "../../src/core/outcome";
import { ROUTE_SCOPES, type DeclaredRoute } from "../../src/admin/route-def";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { createShadowExampleStore } from "../../src/store/shadow-example-store";
import { drive, seedHealthFlag, stage, startRollout, tick } from "../cron/helpers";
import { installModels } from "../helpers/fake-origins";
import { call, createSegment, flagBody, type CallOptions } from "./helpers";

interface Seen {
  method: string;
  path: string;
  status: number;
  body: unknown;
}
const seen: Seen[] = [];

/** Calls the Worker, checks the status, records the answer for the schema checks. */
async function hit(method: string, path: string, status: number, options: CallOptions = {}) {
  const response = await call(method, path, options);
  const text = await response.text();
  expect(response.status, `${method} ${path}: ${text}`).toBe(status);
  const body = text === "" ? undefined : JSON.parse(text);
  seen.push({ method, path: `/admin/api${path.split("?")[0]}`, status, body });
  return { body, etag: response.headers.get("etag") ?? "" };
}

const matches = (route: DeclaredRoute, s: Seen) =>
  route.method.toUpperCase() === s.method && new RegExp(`^${route.path.replace(/:\w+/g, "[^/]+")}$`).test(s.path);
const routeOf = (s: Seen) => ROUTE_SCOPES.find((route) => matches(route, s));
const schemaOf = (route: DeclaredRoute, status: number) =>
  (route.responses[status] as { content?: Record<string, { schema: z.ZodType }> } | undefined)?.content?.[
    "application/json"
  ]?.schema;

function outcome(key: string, rolloutId: string, i: number, changes: Partial<Outcome>): Outcome {
  return {
    timestampMs: Date.now() - 1_000,
    requestId: `${key}-${i}`,
    flagKey: key,
    rolloutId,
    variant: "blue",
    reason: "SPLIT",
    ruleId: null,
    stage: "serve:50",
    status: 200,
    latencyMs: 100 + (i % 7),
    error: false,
    timeout: false,
    shadowAgreement: null,
    feedbackValue: null,
    colo: i % 2 ? "FRA" : "IAD",
    unitKeyGenerated: false,
    failedOver: false,
    ...changes,
  };
}

const serve = (percent: number) => ({ mode: "serve", percent, minDurationSeconds: 0, minSamples: 0 });

beforeAll(async () => {
  await hit("GET", "/whoami", 200);
  await hit("GET", "/openapi.json", 200, { token: null });
  const { body: minted } = await hit("POST", "/tokens", 201, { body: { name: "schema-test", scope: "read" } });
  await hit("GET", "/tokens", 200);
  await hit("DELETE", `/tokens/${minted.id}`, 204);

  // Segments: create, list, read, patch, delete an unused one.
  const { etag: segmentEtag } = await hit("POST", "/segments", 201, {
    body: {
      key: "rs-de",
      description: "Germany",
      constraints: [{ attribute: "cf.country", operator: "in", values: ["DE"] }],
    },
  });
  await hit("GET", "/segments?limit=1", 200);
  await hit("GET", "/segments/rs-de", 200);
  await hit("PATCH", "/segments/rs-de", 200, { body: { negate: false }, ifMatch: segmentEtag });
  await hit("DELETE", "/segments/rs-unused", 204, { ifMatch: await createSegment("rs-unused") });

  // A flag through its whole life: settings, rules, overrides, evaluation, kill switch, a rollout to promotion.
  const key = "rs-flag";
  let { etag } = await hit("POST", "/flags", 201, {
    body: flagBody(key, { settings: { shadow: { comparator: { kind: "label", path: "$.label" } } } }),
  });
  await hit("GET", "/flags?limit=1", 200);
  await hit("GET", `/flags/${key}`, 200);
  ({ etag } = await hit("PATCH", `/flags/${key}`, 200, { body: { description: "schema test" }, ifMatch: etag }));
  ({ etag } = await hit("PUT", `/flags/${key}/rules`, 200, {
    body: { rules: [{ id: "de", segment: "rs-de", percent: 50 }] },
    ifMatch: etag,
  }));
  ({ etag } = await hit("PUT", `/flags/${key}/overrides/alice`, 200, { body: { variant: "green" }, ifMatch: etag }));
  ({ etag } = await hit("POST", `/flags/${key}/overrides`, 200, {
    body: { upsert: [{ unitKey: "bob", variant: "blue" }] },
    ifMatch: etag,
  }));
  await hit("GET", `/flags/${key}/overrides`, 200);
  ({ etag } = await hit("DELETE", `/flags/${key}/overrides/bob`, 204, { ifMatch: etag }));
  await hit("GET", `/flags/${key}/evaluate?unit=carol&attr.cf.country=DE`, 200);
  await hit("POST", `/flags/${key}/kill`, 200, { body: { reason: "schema test" } });
  ({ etag } = await hit("DELETE", `/flags/${key}/kill`, 200, { body: { reason: "schema test over" } }));
  const { body: started } = await hit("POST", `/flags/${key}/rollouts`, 201, {
    body: { stages: [serve(50), serve(100)] },
    ifMatch: etag,
  });
  let rolloutEtag = (await hit("GET", `/flags/${key}/rollouts/current`, 200)).etag;
  for (const action of ["pause", "resume", "advance", "promote"]) {
    rolloutEtag = (await hit("POST", `/flags/${key}/rollouts/current/${action}`, 200, { ifMatch: rolloutEtag })).etag;
  }

  // Reports over recorded outcomes: A/B at 50 %, shadow pairs, a disagreement example, the chart series.
  await createEmbeddedOutcomeStore(env.DB).insertBatch([
    ...Array.from({ length: 40 }, (_, i) =>
      outcome(key, started.id, i, {
        variant: i % 2 ? "green" : "blue",
        error: i % 10 === 0,
        // Inspected numeric predictions, so the answers sections carry drift and a histogram.
        inspection: i % 5 === 0 ? "invalid" : "valid",
        predictedValue: i,
      }),
    ),
    ...Array.from({ length: 6 }, (_, i) =>
      outcome(key, started.id, 100 + i, {
        variant: "green",
        kind: "shadow",
        stage: "shadow",
        shadowAgreement: i === 0 ? 0 : 1,
        similarity: i === 0 ? 0 : 1,
        comparatorReason: i === 0 ? "label_mismatch" : "equal",
        pairedLatencyMs: 90,
        pairedStatus: 200,
      }),
    ),
  ]);
  await createShadowExampleStore(env.DB).save({
    flagKey: key,
    rolloutId: started.id,
    requestId: `${key}-100`,
    timestampMs: Date.now(),
    reason: "label_mismatch",
    similarity: 0,
    blueStatus: 200,
    greenStatus: 200,
    blueLatencyMs: 90,
    greenLatencyMs: 100,
    blueBody: '{"label":"a"}',
    greenBody: '{"label":"b"}',
  });
  await hit("GET", `/flags/${key}/experiment?stage=serve:50`, 200);
  await hit("GET", `/flags/${key}/shadow?examples=5`, 200);
  await hit("GET", `/flags/${key}/series?hours=1`, 200);
  await hit("GET", `/flags/${key}/answers?minutes=60`, 200);
  await hit("GET", `/audit?flag=${key}&limit=50`, 200);

  // Rollback and delete on flags of their own.
  const rb = await hit("POST", "/flags", 201, { body: flagBody("rs-rb") });
  await hit("POST", "/flags/rs-rb/rollouts", 201, { body: {}, ifMatch: rb.etag });
  await hit("POST", "/flags/rs-rb/rollouts/current/rollback", 200);
  const del = await hit("POST", "/flags", 201, { body: flagBody("rs-del") });
  await hit("DELETE", "/flags/rs-del", 204, { ifMatch: del.etag });

  // A health-loop decision recorded by the real loop.
  installModels({});
  await seedHealthFlag("rs-dec");
  await startRollout("rs-dec", "r-rs-dec", [stage("serve", 50, 10), stage("serve", 100, 10)]);
  await drive("rs-dec", 40);
  await tick();
  await hit("GET", "/flags/rs-dec/decisions", 200);

  // Failures: every one answers the one error shape.
  await hit("GET", "/flags/nope", 404);
  await hit("GET", "/whoami", 401, { token: null });
  await hit("POST", "/flags", 400, { body: { key: "Bad Key" } });
  await hit("POST", "/flags", 409, { body: flagBody(key) });
  await hit("PATCH", `/flags/${key}`, 428, { body: { description: "x" } });
  await hit("PATCH", `/flags/${key}`, 412, { body: { description: "x" }, ifMatch: '"flag-1"' });
  await hit("PUT", `/flags/${key}/rules`, 422, {
    body: { rules: [{ id: "x", segment: "rs-missing", variant: "green" }] },
    ifMatch: (await call("GET", `/flags/${key}`)).headers.get("etag")!,
  });
  await hit("DELETE", "/segments/rs-de", 409, { ifMatch: (await call("GET", "/segments/rs-de")).headers.get("etag")! });
});

afterAll(() => {
  vi.restoreAllMocks();
});

describe("admin responses match their declared schemas", () => {
  it.each(ROUTE_SCOPES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    "%s: a real success answer parses",
    (_, route) => {
      const answers = seen.filter((s) => s.status < 300 && matches(route, s));
      expect(answers.length).toBeGreaterThan(0);
      for (const answer of answers) {
        const schema = schemaOf(route, answer.status);
        if (answer.status === 204) {
          expect([schema, answer.body]).toEqual([undefined, undefined]);
          continue;
        }
        expect(schema, `${answer.method} ${answer.path} ${answer.status} has no documented schema`).toBeDefined();
        const parsed = schema!.safeParse(answer.body);
        expect(parsed.error?.issues ?? [], `${answer.method} ${answer.path}`).toEqual([]);
      }
    },
  );

  it("failures parse with the error schema their route documents", () => {
    const failures = seen.filter((s) => s.status >= 400);
    expect(failures.map((s) => s.status).sort()).toEqual([400, 401, 404, 409, 409, 412, 422, 428]);
    for (const failure of failures) {
      const schema = schemaOf(routeOf(failure)!, failure.status);
      const issues = schema ? (schema.safeParse(failure.body).error?.issues ?? []) : ["no schema"];
      expect(issues, `${failure.method} ${failure.path} ${failure.status}`).toEqual([]);
    }
  });

  it("the OpenAPI document names a component schema for every JSON response (no free-form objects)", () => {
    const doc = seen.find((s) => s.path === "/admin/api/openapi.json")!.body as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    const unnamed = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) =>
        Object.entries(op.responses)
          .filter(([, r]) => r.content !== undefined && !r.content["application/json"]?.schema.$ref)
          .map(([status]) => `${method} ${path} ${status}`),
      ),
    );
    expect(unnamed).toEqual([]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["Error", "Flag", "Rollout", "ShadowReport", "ExperimentReport", "DecisionPage"]),
    );
  });

  it("a renamed field fails the parse (the schemas are strict)", () => {
    const bodies = seen.filter((s) => s.body !== undefined);
    for (const answer of bodies) {
      const body = answer.body as Record<string, unknown>;
      const [first] = Object.keys(body);
      const { [first!]: value, ...rest } = body;
      const renamed = { ...rest, [`${first}_renamed`]: value };
      expect(
        schemaOf(routeOf(answer)!, answer.status)!.safeParse(renamed).success,
        `${answer.method} ${answer.path}: ${first}`,
      ).toBe(false);
    }
  });
});
