// switchyard reasons → OpenFeature evaluation reasons (OFREP `reason`).
// Pure and total: one exhaustive switch, so a new internal reason cannot
// reach the wire without a decision here. No I/O, no clock.
import type { Reason } from "./types";

/** The OpenFeature reasons switchyard emits (a subset of the spec's vocabulary). */
export const OPENFEATURE_REASONS = ["TARGETING_MATCH", "SPLIT", "DISABLED", "DEFAULT", "STATIC", "ERROR"] as const;
export type OpenFeatureReason = (typeof OPENFEATURE_REASONS)[number];

/**
 * `isStatic` = the flag has nothing that could make two units differ (no
 * rules, no overrides, no serving split), so a DEFAULT answer is really a
 * constant: OpenFeature calls that STATIC, and SDKs may cache it.
 */
export function toOpenFeatureReason(reason: Reason, isStatic: boolean): OpenFeatureReason {
  switch (reason) {
    case "KILL_SWITCH": return "DISABLED";
    // An explicit pin and a segment rule are both targeting that matched this unit.
    case "OVERRIDE": return "TARGETING_MATCH";
    case "SEGMENT_MATCH": return "TARGETING_MATCH";
    case "SPLIT": return "SPLIT";
    case "DEFAULT": return isStatic ? "STATIC" : "DEFAULT";
    case "ERROR": return "ERROR";
  }
}
