// The embedded reader over the D1 outcomes table: decision-only OFREP rows
// (stage "ofrep:…") never count toward health, in stage windows or in the
// stage-less baseline window.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createEmbeddedOutcomeStore } from "../../src/store/outcome-store";
import { createEmbeddedReader } from "../../src/telemetry/readers/embedded";
import type { Outcome } from "../../src/core/outcome";

const base: Outcome = {
  timestampMs: 1_000, requestId: "r", flagKey: "emb", rolloutId: "emb-r", variant: "green", reason: "SPLIT", ruleId: null,
  stage: "serve:25", status: 200, latencyMs: 100, error: false, timeout: false, shadowAgreement: null, feedbackValue: null,
  colo: "local", unitKeyGenerated: false, failedOver: false,
};

describe("embedded metrics reader", () => {
  it("excludes OFREP decision-only rows and skipped shadow pairs from every window", async () => {
    await createEmbeddedOutcomeStore(env.DB).insertBatch([
      { ...base, requestId: "a", error: true },
      { ...base, requestId: "b" },
      { ...base, requestId: "c", stage: "ofrep:serve:25", latencyMs: 0 },
      { ...base, requestId: "d", stage: "ofrep:serve:25", latencyMs: 0 },
      { ...base, requestId: "e", kind: "shadow", status: 0, latencyMs: 0, comparatorReason: "skipped_too_large" },
    ]);
    const reader = createEmbeddedReader(env.DB);
    for (const stage of ["serve:25", null]) {
      const groups = await reader.readWindow({ flagKey: "emb", rolloutId: "emb-r", stage, fromMs: 0, toMs: 10_000 });
      const green = groups.filter((group) => group.variant === "green");
      expect(green.every((group) => group.kind === "served")).toBe(true);
      expect(green.reduce((sum, group) => sum + group.metrics.requests, 0)).toBe(2);
      expect(green.reduce((sum, group) => sum + group.metrics.errors, 0)).toBe(1);
    }
  });
});
