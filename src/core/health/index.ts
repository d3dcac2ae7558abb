// Public surface of the health judge (pure; see assess.ts for the contract).
export {
  assessHealth,
  chooseControl,
  exceedanceThresholds,
  requiredSamples,
  CONTROL_KINDS,
  HEALTH_ACTIONS,
} from "./assess";
export type { Assessment, AssessInput, ControlKind, HealthAction, HealthReason } from "./assess";
export { GUARD_NAMES, P95_TAIL, P99_TAIL, type GuardFigure, type GuardName, type GuardStatus } from "./guards";
export { aboveOf, armOf, DECILE_LEVELS, EMPTY_ARM, inScope, MAX_PREDICTION_LABELS, scopeLabel } from "./metrics";
export type {
  ArmWindow,
  ExceedanceGroup,
  ExceedanceMetric,
  HealthScope,
  PredictionGroup,
  SliceKey,
  WindowGroup,
} from "./metrics";
export { DEFAULT_GUARDS, DEFAULT_HEALTH_SETTINGS, DEFAULT_WEBHOOK_SECRET_NAME, parseHealthSettings } from "./settings";
export type { GuardSettings, HealthSettings, ParsedSettings } from "./settings";
