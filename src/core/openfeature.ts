// switchyard reasons → the OFREP `reason` vocabulary, defined once. Pure and
// total: one exhaustive switch, so a new internal reason cannot reach the
// wire without a decision here. No I/O, no clock.
// A success body carries only the protocol's reasons (OFREP_REASONS); an
// evaluation that ended in ERROR is not a success and travels as an OFREP
// error body (errorCode GENERAL), which providers report as reason ERROR.
// The switchyard reason itself stays in `metadata.switchyardReason`.
import type { Reason } from "./types";

/** The reasons an OFREP success body may carry (the protocol's enumeration). */
export const OFREP_REASONS = ["STATIC", "TARGETING_MATCH", "SPLIT", "DISABLED", "UNKNOWN"] as const;
export type OfrepReason = (typeof OFREP_REASONS)[number];

/**
 * `isStatic` = the flag has nothing that could make two units differ (no
 * rules, no overrides, no serving split), so a DEFAULT answer is a constant:
 * STATIC, which SDKs may cache. A DEFAULT among rules that did not match is
 * UNKNOWN: STATIC would invite caching an answer another context changes,
 * TARGETING_MATCH would claim a match, and DEFAULT is not in the protocol.
 */
export function toOpenFeatureReason(reason: Reason, isStatic: boolean): OfrepReason | "ERROR" {
  switch (reason) {
    case "KILL_SWITCH":
      return "DISABLED";
    // An explicit pin and a segment rule are both targeting that matched this unit.
    case "OVERRIDE":
      return "TARGETING_MATCH";
    case "SEGMENT_MATCH":
      return "TARGETING_MATCH";
    case "SPLIT":
      return "SPLIT";
    case "DEFAULT":
      return isStatic ? "STATIC" : "UNKNOWN";
    case "ERROR":
      return "ERROR";
  }
}
