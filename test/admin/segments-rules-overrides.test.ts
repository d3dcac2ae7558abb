// Segments, rules and overrides: happy paths, 404/409/412/422, caps, the
// would-be snapshot gate (422 writes nothing) and republishing dependents.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { snapshotKvKey } from "../../src/store/snapshot-store";
import { auditRows, call, createFlag, createSegment, dbFingerprint, flagEtag, json } from "./helpers";

const snapshotOf = (key: string) => env.SNAPSHOTS.get<Record<string, any>>(snapshotKvKey(key), "json");

describe("segments", () => {
  it("create, read, list, patch, delete", async () => {
    const etag = await createSegment("s-crud");
    expect(etag).toBe('"segment-1"');
    const read = await call("GET", "/segments/s-crud");
    expect(await json(read)).toMatchObject({
      key: "s-crud",
      constraints: [{ attribute: "cf.country", operator: "in", values: ["DE"] }],
      negate: false,
      version: 1,
    });
    expect((await json(await call("GET", "/segments"))).items.map((s: { key: string }) => s.key)).toContain("s-crud");
    const patched = await call("PATCH", "/segments/s-crud", { body: { negate: true }, ifMatch: etag });
    expect(patched.status).toBe(200);
    expect(patched.headers.get("etag")).toBe('"segment-2"');
    expect((await call("PATCH", "/segments/s-crud", { body: { negate: false }, ifMatch: etag })).status).toBe(412);
    expect((await call("PATCH", "/segments/s-crud", { body: { negate: false } })).status).toBe(428);
    expect((await call("DELETE", "/segments/s-crud", { ifMatch: '"segment-2"' })).status).toBe(204);
    expect((await call("GET", "/segments/s-crud")).status).toBe(404);
  });

  it("422 for constraint values the operator cannot use (e.g. an unsafe regex); 409 for a duplicate", async () => {
    const before = await dbFingerprint();
    for (const constraint of [
      { attribute: "header.x", operator: "matches", values: ["(a+)+$"] },
      { attribute: "header.v", operator: "semver_gt", values: ["not-a-version"] },
      { attribute: "header.v", operator: "semver_gt", values: ["v2.0.0"] },
      { attribute: "header.v", operator: "semver_lt", values: ["V1.0.0"] },
      { attribute: "header.v", operator: "semver_eq", values: ["v1.2.3-rc.1"] },
      { attribute: "ip", operator: "ip_in_cidr", values: ["300.1.1.1/8"] },
    ]) {
      const response = await call("POST", "/segments", { body: { key: "s-bad", constraints: [constraint] } });
      expect(response.status).toBe(422);
      expect((await json(response)).error.code).toBe("invalid_ruleset");
    }
    const tagged = await json(
      await call("POST", "/segments", {
        body: { key: "s-bad", constraints: [{ attribute: "header.v", operator: "semver_gt", values: ["v2.0.0"] }] },
      }),
    );
    expect(tagged.error.message).toBe(
      'constraints[0]: "v2.0.0" is not a semantic version: write it without the leading "v"',
    );
    const tooMany = await call("POST", "/segments", {
      body: {
        key: "s-bad",
        constraints: Array.from({ length: 51 }, () => ({ attribute: "cf.country", operator: "eq", values: ["DE"] })),
      },
    });
    expect(tooMany.status).toBe(422);
    expect((await json(tooMany)).error).toMatchObject({
      code: "limit_exceeded",
      message: expect.stringContaining("50"),
    });
    const unknownOperator = await call("POST", "/segments", {
      body: { key: "s-bad", constraints: [{ attribute: "x", operator: "like", values: [] }] },
    });
    expect(unknownOperator.status).toBe(400);
    expect(await dbFingerprint()).toEqual(before);
    await createSegment("s-dup");
    expect((await call("POST", "/segments", { body: { key: "s-dup", constraints: [] } })).status).toBe(409);
  });
});

describe("rules", () => {
  it("PUT replaces the ordered list, bumps the flag and republishes; the evaluator sees it", async () => {
    const etag = await createFlag("r-flag");
    await createSegment("r-de");
    await createSegment("r-fr", [{ attribute: "cf.country", operator: "in", values: ["FR"] }]);
    const rules = [
      { id: "de-green", segment: "r-de", variant: "green" },
      { id: "fr-half", segment: "r-fr", percent: 50 },
    ];
    const response = await call("PUT", "/flags/r-flag/rules", { body: { rules }, ifMatch: etag });
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe('"flag-2"');
    const snapshot = await snapshotOf("r-flag");
    expect(snapshot).toMatchObject({
      version: 2,
      rules: [
        { id: "de-green", variant: "green", segment: { key: "r-de" } },
        { id: "fr-half", percent: 50 },
      ],
    });
    const explain = await json(await call("GET", "/flags/r-flag/evaluate?unit=u1&attr.country=DE"));
    expect(explain).toMatchObject({
      variant: "green",
      reason: "SEGMENT_MATCH",
      ruleId: "de-green",
      segment: "r-de",
      bucket: expect.any(Number),
    });
    const other = await json(await call("GET", "/flags/r-flag/evaluate?unit=u1&attr.cf.country=US"));
    expect(other).toMatchObject({ variant: "blue", reason: "DEFAULT", ruleId: null });
    expect((await call("GET", "/flags/r-flag/evaluate")).status).toBe(400);
    expect((await call("GET", "/flags/none/evaluate?unit=u")).status).toBe(404);
    const last = (await auditRows()).at(-1)!;
    expect(last).toMatchObject({ action: "flag.rules.replace", flag_key: "r-flag" });
    expect(JSON.parse(String(last.after))).toEqual({ rules });
  });

  it("422 for an unknown segment, 400 for a rule with both variant and percent, 412 when stale, cap at 100 rules", async () => {
    const etag = await createFlag("r-bad");
    await createSegment("r-bad-seg");
    const before = await dbFingerprint();
    const unknown = await call("PUT", "/flags/r-bad/rules", {
      body: { rules: [{ id: "a", segment: "nope", variant: "green" }] },
      ifMatch: etag,
    });
    expect(unknown.status).toBe(422);
    const both = await call("PUT", "/flags/r-bad/rules", {
      body: { rules: [{ id: "a", segment: "r-bad-seg", variant: "green", percent: 5 }] },
      ifMatch: etag,
    });
    expect(both.status).toBe(400);
    const duplicateIds = await call("PUT", "/flags/r-bad/rules", {
      body: {
        rules: [
          { id: "a", segment: "r-bad-seg", variant: "green" },
          { id: "a", segment: "r-bad-seg", percent: 1 },
        ],
      },
      ifMatch: etag,
    });
    expect(duplicateIds.status).toBe(422);
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `r${i}`, segment: "r-bad-seg", variant: "blue" }));
    const capped = await call("PUT", "/flags/r-bad/rules", { body: { rules: many }, ifMatch: etag });
    expect(capped.status).toBe(422);
    expect((await json(capped)).error.code).toBe("limit_exceeded");
    expect((await call("PUT", "/flags/r-bad/rules", { body: { rules: [] }, ifMatch: '"flag-9"' })).status).toBe(412);
    expect((await call("PUT", "/flags/nope/rules", { body: { rules: [] }, ifMatch: etag })).status).toBe(404);
    expect(await dbFingerprint()).toEqual(before);
  });

  it("a segment used by a rule: delete → 409; patch re-validates and republishes the flag", async () => {
    const etag = await createFlag("r-dep");
    const segEtag = await createSegment("r-dep-seg");
    await call("PUT", "/flags/r-dep/rules", {
      body: { rules: [{ id: "x", segment: "r-dep-seg", variant: "green" }] },
      ifMatch: etag,
    });
    const del = await call("DELETE", "/segments/r-dep-seg", { ifMatch: segEtag });
    expect(del.status).toBe(409);
    expect((await json(del)).error.details).toEqual({ flags: ["r-dep"] });
    const patch = await call("PATCH", "/segments/r-dep-seg", {
      body: { constraints: [{ attribute: "cf.country", operator: "in", values: ["NL"] }] },
      ifMatch: segEtag,
    });
    expect(patch.status).toBe(200);
    expect(await snapshotOf("r-dep")).toMatchObject({
      version: 3,
      rules: [{ segment: { constraints: [{ values: ["NL"] }] } }],
    });
  });
});

describe("overrides", () => {
  it("put, list, delete one; bulk upsert/delete atomically; each bumps the flag", async () => {
    let etag = await createFlag("o-flag");
    const put = await call("PUT", "/flags/o-flag/overrides/qa-1", { body: { variant: "green" }, ifMatch: etag });
    expect(put.status).toBe(200);
    etag = put.headers.get("etag")!;
    expect(etag).toBe('"flag-2"');
    expect((await snapshotOf("o-flag"))?.overrides).toEqual({ "qa-1": "green" });
    const bulk = await call("POST", "/flags/o-flag/overrides", {
      body: {
        upsert: Array.from({ length: 300 }, (_, i) => ({ unitKey: `u${i}`, variant: i % 2 ? "green" : "blue" })),
        delete: ["qa-1"],
      },
      ifMatch: etag,
    });
    expect(bulk.status).toBe(200);
    expect(await json(bulk)).toEqual({ upserted: 300, deleted: 1, version: 3 });
    etag = bulk.headers.get("etag")!;
    const page = await json(await call("GET", "/flags/o-flag/overrides?limit=1000"));
    expect(page.items).toHaveLength(300);
    expect(page.nextCursor).toBeNull();
    const first = await json(await call("GET", "/flags/o-flag/overrides?limit=2"));
    expect(first.items).toEqual([
      { unitKey: "u0", variant: "blue" },
      { unitKey: "u1", variant: "green" },
    ]);
    expect((await call("DELETE", "/flags/o-flag/overrides/u1", { ifMatch: etag })).status).toBe(204);
    expect((await call("DELETE", "/flags/o-flag/overrides/u1", { ifMatch: '"flag-4"' })).status).toBe(404);
    expect(Object.keys((await snapshotOf("o-flag"))?.overrides ?? {})).toHaveLength(299);
    expect((await json(await call("GET", "/flags/o-flag/evaluate?unit=u3"))).reason).toBe("OVERRIDE");
  });

  it("10 000 per call is accepted, 10 001 is a 422; contradicting ops are a 400; nothing written on rejection", async () => {
    const etag = await createFlag("o-cap");
    const before = await dbFingerprint();
    const tooMany = await call("POST", "/flags/o-cap/overrides", {
      body: { delete: Array.from({ length: 10_001 }, (_, i) => `k${i}`) },
      ifMatch: etag,
    });
    expect(tooMany.status).toBe(422);
    expect((await json(tooMany)).error.code).toBe("limit_exceeded");
    const contradicting = await call("POST", "/flags/o-cap/overrides", {
      body: { upsert: [{ unitKey: "a", variant: "green" }], delete: ["a"] },
      ifMatch: etag,
    });
    expect(contradicting.status).toBe(400);
    expect(await dbFingerprint()).toEqual(before);
    const max = await call("POST", "/flags/o-cap/overrides", {
      body: { upsert: Array.from({ length: 10_000 }, (_, i) => ({ unitKey: `user-${i}`, variant: "green" })) },
      ifMatch: etag,
    });
    expect(max.status).toBe(200);
    expect((await dbFingerprint()).overrides).toBe(before.overrides! + 10_000);
    expect(Object.keys((await snapshotOf("o-cap"))?.overrides ?? {})).toHaveLength(10_000);
  });

  it("428 without If-Match, 412 stale, 404 for an unknown flag", async () => {
    const etag = await createFlag("o-err");
    expect((await call("PUT", "/flags/o-err/overrides/u", { body: { variant: "green" } })).status).toBe(428);
    expect(
      (await call("PUT", "/flags/o-err/overrides/u", { body: { variant: "green" }, ifMatch: '"flag-7"' })).status,
    ).toBe(412);
    expect((await call("PUT", "/flags/none/overrides/u", { body: { variant: "green" }, ifMatch: etag })).status).toBe(
      404,
    );
    expect((await call("PUT", "/flags/o-err/overrides/u", { body: { variant: "red" }, ifMatch: etag })).status).toBe(
      400,
    );
    expect(await flagEtag("o-err")).toBe(etag);
  });
});
