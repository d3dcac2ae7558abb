// settings.response: defaults, bounds, and a snapshot with a bad section refused whole.
import { describe, expect, it } from "vitest";
import { answerErrorClass } from "../../src/core/outcome";
import { compileResponse, DEFAULT_BODY_TIMEOUT_MS, MAX_BODY_TIMEOUT_MS } from "../../src/core/response-settings";
import { compileSnapshot } from "../../src/core/snapshot";
import fixture from "../fixtures/evaluation-cases.json";

describe("compileResponse", () => {
  it("merges defaults", () => {
    expect(compileResponse({})).toEqual({ bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS, contract: null, usage: null });
    expect(compileResponse({ bodyTimeoutMs: 1 })).toEqual({ bodyTimeoutMs: 1, contract: null, usage: null });
    expect(compileResponse({ bodyTimeoutMs: MAX_BODY_TIMEOUT_MS })).toEqual({
      bodyTimeoutMs: MAX_BODY_TIMEOUT_MS,
      contract: null,
      usage: null,
    });
  });

  it.each([
    [null, "response"],
    [[], "response"],
    [{ bodyTimeoutMs: 0 }, "response.bodyTimeoutMs"],
    [{ bodyTimeoutMs: 1.5 }, "response.bodyTimeoutMs"],
    [{ bodyTimeoutMs: "60000" }, "response.bodyTimeoutMs"],
    [{ bodyTimeoutMs: MAX_BODY_TIMEOUT_MS + 1 }, "response.bodyTimeoutMs"],
    [{ usage: "gemini" }, "response.usage"],
    [{ usage: true }, "response.usage"],
  ])("refuses %j at %s", (raw, path) => {
    expect(compileResponse(raw)).toMatchObject({ path });
  });

  it("a declared usage format is read with the section's byte cap (no contract needed)", () => {
    expect(compileResponse({ usage: "anthropic", maxBodyBytes: 1000 })).toEqual({
      bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS,
      contract: null,
      usage: { format: "anthropic", maxBodyBytes: 1000 },
    });
  });

  it("an origin's price is validated with the snapshot", () => {
    const priced = { ...fixture.base.origins.green, price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } };
    const good = compileSnapshot({ ...fixture.base, origins: { ...fixture.base.origins, green: priced } });
    expect(good.ok && good.value.snapshot.origins.green.price).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 });
    const bad = { ...priced, price: { inputPerMTok: -1, outputPerMTok: 0.6 } };
    expect(compileSnapshot({ ...fixture.base, origins: { ...fixture.base.origins, green: bad } })).toMatchObject({
      ok: false,
      error: { path: "origins.green.price" },
    });
  });

  it("compiles into the flag, and a snapshot with a bad section does not compile", () => {
    const good = compileSnapshot({ ...fixture.base, response: { bodyTimeoutMs: 5_000 } });
    expect(good.ok && good.value.response.bodyTimeoutMs).toBe(5_000);
    const absent = compileSnapshot(fixture.base);
    expect(absent.ok && absent.value.response.bodyTimeoutMs).toBe(DEFAULT_BODY_TIMEOUT_MS);
    expect(compileSnapshot({ ...fixture.base, response: { bodyTimeoutMs: -1 } })).toMatchObject({
      ok: false,
      error: { path: "response.bodyTimeoutMs" },
    });
  });
});

describe("answerErrorClass", () => {
  it.each([
    ["response", 200, null],
    ["response", 404, null],
    ["response", 499, null],
    ["response", 500, "http_5xx"],
    ["response", 503, "http_5xx"],
    ["timeout", 0, "timeout"],
    ["unreachable", 0, "unreachable"],
  ] as const)("%s %i → %s", (kind, status, expected) => {
    expect(answerErrorClass(kind, status)).toBe(expected);
  });
});
