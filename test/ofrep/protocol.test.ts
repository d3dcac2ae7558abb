// OFREP v0.3 over the real Worker: success shapes, reason mapping, every
// error code, bulk with ETag / If-None-Match → 304, and outcome logging.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { outcomeRows, seedFlag, seedOverride, seedRollout, seedSegmentRule, bumpVersion } from "../helpers/seed";
import { evaluate, ofrep } from "./helpers";

const json = async (response: Response) => (await response.json()) as Record<string, any>;

describe("single flag evaluation", () => {
  it("answers a static flag with the variant name as value, STATIC reason and metadata", async () => {
    await seedFlag(env.DB, { key: "of-static" });
    const response = await evaluate("of-static", { targetingKey: "u1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await json(response)).toEqual({
      key: "of-static",
      value: "blue",
      variant: "blue",
      reason: "STATIC",
      metadata: { switchyardReason: "DEFAULT", stage: "none", flagVersion: 1 },
    });
  });

  it("carries the variant's model name in metadata when its origin declares one (an LLM flag)", async () => {
    await seedFlag(env.DB, {
      key: "of-llm",
      blueOrigin: JSON.stringify({ url: "https://blue.test", model: "chat-v1" }),
      greenOrigin: JSON.stringify({
        url: "https://green.test",
        model: "chat-v2",
        price: { inputPerMTok: 1, outputPerMTok: 2 },
      }),
    });
    await seedRollout(env.DB, "of-llm", "r-llm", 100);
    expect(await json(await evaluate("of-llm", { targetingKey: "u1" }))).toMatchObject({
      variant: "green",
      metadata: { model: "chat-v2" },
    });
    await seedFlag(env.DB, { key: "of-plain" });
    expect((await json(await evaluate("of-plain", { targetingKey: "u1" }))).metadata).not.toHaveProperty("model");
  });

  it("maps override and segment match to TARGETING_MATCH, split to SPLIT, kill switch to DISABLED", async () => {
    await seedFlag(env.DB, { key: "of-map" });
    await seedRollout(env.DB, "of-map", "r-map", 100);
    await seedOverride(env.DB, "of-map", "pinned-blue", "blue");
    await seedSegmentRule(env.DB, "of-map", {
      id: "de",
      position: 0,
      segmentKey: "of-de",
      constraints: [{ attribute: "cf.country", operator: "eq", values: ["DE"] }],
      variant: "blue",
    });
    const pinned = await json(await evaluate("of-map", { targetingKey: "pinned-blue" }));
    expect(pinned).toMatchObject({
      value: "blue",
      reason: "TARGETING_MATCH",
      metadata: { switchyardReason: "OVERRIDE", rolloutId: "r-map", stage: "serve:100", greenPercent: 100 },
    });
    // `country` satisfies a constraint on `cf.country` (documented short form), nested `cf.country` too.
    for (const context of [
      { targetingKey: "x", country: "DE" },
      { targetingKey: "x", cf: { country: "DE" } },
    ]) {
      const segment = await json(await evaluate("of-map", context));
      expect(segment).toMatchObject({
        value: "blue",
        reason: "TARGETING_MATCH",
        metadata: { switchyardReason: "SEGMENT_MATCH", ruleId: "de", segment: "of-de" },
      });
    }
    const split = await json(await evaluate("of-map", { targetingKey: "x", country: "FR" }));
    expect(split).toMatchObject({
      value: "green",
      variant: "green",
      reason: "SPLIT",
      metadata: { stageIndex: 0, rolloutState: "active" },
    });
    await bumpVersion(env.DB, "of-map", { killSwitch: true });
    const killed = await json(await evaluate("of-map", { targetingKey: "pinned-blue" }));
    expect(killed).toMatchObject({ value: "blue", reason: "DISABLED", metadata: { switchyardReason: "KILL_SWITCH" } });
  });

  it("answers UNKNOWN (switchyardReason DEFAULT) when rules exist but none matched: never a reason outside the protocol", async () => {
    await seedFlag(env.DB, { key: "of-unmatched" });
    await seedSegmentRule(env.DB, "of-unmatched", {
      id: "de",
      position: 0,
      segmentKey: "of-unmatched-de",
      constraints: [{ attribute: "cf.country", operator: "eq", values: ["DE"] }],
      variant: "green",
    });
    const body = await json(await evaluate("of-unmatched", { targetingKey: "u", country: "FR" }));
    expect(body).toMatchObject({
      value: "blue",
      variant: "blue",
      reason: "UNKNOWN",
      metadata: { switchyardReason: "DEFAULT" },
    });
  });

  it("answers a flag that cannot be evaluated with the protocol's error body (GENERAL), and still records the ERROR outcome", async () => {
    await seedFlag(env.DB, { key: "of-broken", greenOrigin: JSON.stringify({ url: "not a url" }) });
    const response = await evaluate("of-broken", { targetingKey: "u" });
    expect(response.status).toBe(500);
    const body = await json(response);
    expect(body).toMatchObject({
      key: "of-broken",
      errorCode: "GENERAL",
      errorDetails: expect.stringContaining("use your default value"),
      metadata: { switchyardReason: "ERROR" },
    });
    expect(body).not.toHaveProperty("reason");
    expect(body).not.toHaveProperty("value");
    expect(await outcomeRows(env.DB, "of-broken")).toMatchObject([{ reason: "ERROR", variant: "blue" }]);
    const bulk = (await json(await ofrep("/evaluate/flags", { body: { context: { targetingKey: "u" } } })))
      .flags as Record<string, unknown>[];
    expect(bulk.find((flag) => flag.key === "of-broken")).toMatchObject({
      errorCode: "GENERAL",
      metadata: { switchyardReason: "ERROR" },
    });
    for (const flag of bulk)
      if ("reason" in flag)
        expect(["STATIC", "TARGETING_MATCH", "SPLIT", "DISABLED", "UNKNOWN"]).toContain(flag.reason);
  });

  it("keeps each unit on one variant at 50 % and agrees with the admin explain endpoint", async () => {
    await seedFlag(env.DB, { key: "of-sticky" });
    await seedRollout(env.DB, "of-sticky", "r-sticky", 50);
    const seen = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      for (const user of ["alice", "bob", "carol", "dave", "erin", "frank"]) {
        const body = await json(await evaluate("of-sticky", { targetingKey: user }));
        expect(body.reason).toBe("SPLIT");
        seen.set(user, (seen.get(user) ?? new Set()).add(body.value));
      }
    }
    for (const variants of seen.values()) expect(variants.size).toBe(1);
    // The admin explain endpoint (same evaluator) agrees for every unit.
    const { call } = await import("../admin/helpers");
    for (const [user, variants] of seen) {
      const explained = await json(await call("GET", `/flags/of-sticky/evaluate?unit=${user}`));
      expect(explained.variant).toBe([...variants][0]);
    }
  });

  it("records one outcome per evaluation, marked as an OFREP decision without an origin call", async () => {
    await seedFlag(env.DB, { key: "of-log" });
    await seedRollout(env.DB, "of-log", "r-log", 25);
    const response = await evaluate(
      "of-log",
      { targetingKey: "u-log" },
      { headers: { "x-request-id": "req-ofrep-1" } },
    );
    expect(response.headers.get("x-request-id")).toBe("req-ofrep-1");
    const rows = await outcomeRows(env.DB, "of-log");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      requestId: "req-ofrep-1",
      rolloutId: "r-log",
      stage: "ofrep:serve:25",
      status: 0,
      latencyMs: 0,
      error: 0,
      timeout: 0,
      kind: "served",
    });
  });
});

describe("errors exactly as the protocol", () => {
  it("FLAG_NOT_FOUND → 404 with the key", async () => {
    const response = await evaluate("of-nope", { targetingKey: "u" });
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({
      key: "of-nope",
      errorCode: "FLAG_NOT_FOUND",
      errorDetails: 'flag "of-nope" not found',
    });
  });

  it("TARGETING_KEY_MISSING, INVALID_CONTEXT and PARSE_ERROR → 400", async () => {
    await seedFlag(env.DB, { key: "of-err" });
    const cases: [Parameters<typeof ofrep>[1], string][] = [
      [{ body: { context: { country: "DE" } } }, "TARGETING_KEY_MISSING"],
      [{ body: {} }, "TARGETING_KEY_MISSING"],
      [{ body: { context: { targetingKey: 42 } } }, "INVALID_CONTEXT"],
      [{ body: { context: "DE" } }, "INVALID_CONTEXT"],
      [{ body: { context: { targetingKey: "u", tags: ["a"] } } }, "INVALID_CONTEXT"],
      [{ raw: "{not json" }, "PARSE_ERROR"],
      [{ raw: "[1,2]" }, "PARSE_ERROR"],
    ];
    for (const [options, code] of cases) {
      const response = await ofrep("/evaluate/flags/of-err", options);
      expect(response.status, code).toBe(400);
      const body = await json(response);
      expect(body).toMatchObject({ key: "of-err", errorCode: code });
      expect(typeof body.errorDetails).toBe("string");
    }
    const bulk = await ofrep("/evaluate/flags", { raw: "nope" });
    expect(bulk.status).toBe(400);
    expect(await json(bulk)).toEqual({ errorCode: "PARSE_ERROR", errorDetails: "request body is not valid JSON" });
  });

  it("an unknown OFREP path is a 404 in the protocol's error shape", async () => {
    const response = await ofrep("/configuration");
    expect(response.status).toBe(404);
    expect((await json(response)).errorCode).toBe("GENERAL");
  });
});

describe("bulk evaluation", () => {
  it("evaluates every flag, sets an ETag, answers 304 to If-None-Match and changes the ETag when a decision changes", async () => {
    await seedFlag(env.DB, { key: "of-bulk-a" });
    await seedFlag(env.DB, { key: "of-bulk-b" });
    const context = { context: { targetingKey: "bulk-user" } };
    const first = await ofrep("/evaluate/flags", { body: context });
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"ofrep-[0-9a-f]{32}"$/);
    const flags = (await json(first)).flags as { key: string; value: string; reason: string }[];
    expect(flags.find((flag) => flag.key === "of-bulk-a")).toMatchObject({ value: "blue", reason: "STATIC" });
    expect(flags.map((flag) => flag.key)).toEqual([...flags.map((flag) => flag.key)].sort());
    const before = (await outcomeRows(env.DB, "of-bulk-a")).length;

    const again = await ofrep("/evaluate/flags", { body: context, headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    expect((await outcomeRows(env.DB, "of-bulk-a")).length).toBe(before); // a 304 hands nothing out

    await bumpVersion(env.DB, "of-bulk-b", { killSwitch: true });
    const changed = await ofrep("/evaluate/flags", { body: context, headers: { "if-none-match": etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(
      ((await json(changed)).flags as { key: string; reason: string }[]).find((flag) => flag.key === "of-bulk-b")
        ?.reason,
    ).toBe("DISABLED");
  });

  it("requires a targeting key in bulk too", async () => {
    const response = await ofrep("/evaluate/flags", { body: { context: {} } });
    expect(response.status).toBe(400);
    expect((await json(response)).errorCode).toBe("TARGETING_KEY_MISSING");
  });
});
