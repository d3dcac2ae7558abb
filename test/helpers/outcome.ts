// One served outcome for tests that write or read outcome records directly:
// a complete, error-free green answer at the 25 % stage. Tests override only
// the fields their case is about.
import type { Outcome } from "../../src/core/outcome";

export function servedOutcome(overrides: Partial<Outcome> = {}): Outcome {
  return {
    timestampMs: 1_000,
    requestId: "r",
    flagKey: "f",
    rolloutId: "f-r",
    variant: "green",
    reason: "SPLIT",
    ruleId: null,
    stage: "serve:25",
    status: 200,
    latencyMs: 100,
    error: false,
    timeout: false,
    shadowAgreement: null,
    feedbackValue: null,
    colo: "local",
    unitKeyGenerated: false,
    failedOver: false,
    ...overrides,
  };
}
