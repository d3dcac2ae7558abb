// Every cap the admin API enforces, named once. Counts beyond these answer
// 422 `limit_exceeded` with the cap in the message; the body cap answers 413.
export const LIMITS = {
  bodyBytes: 1024 * 1024,
  pageDefault: 50,
  pageMax: 200,
  overridePageMax: 1000,
  rulesPerFlag: 100,
  segments: 1000,
  constraintsPerSegment: 50,
  valuesPerConstraint: 1000,
  overridesPerCall: 10_000,
  overridesPerFlag: 50_000,
  flags: 1000,
  unitKeyLength: 256,
  maxTimeoutMs: 300_000,
  maxStageSeconds: 30 * 24 * 3600,
} as const;
