// Public surface of the statistics module (docs/design/statistics.md). Everything here is pure:
// aggregated counts in, numbers out; no I/O, no clock, no randomness.
// Invalid input throws RangeError with the offending argument's name.
export { normalCdf, normalQuantile, normalSf } from "./normal";
export { logGamma, logBeta, regularizedIncompleteBeta, incompleteGammaPair } from "./special-functions";
export { studentTCdf, studentTTwoSidedP, chiSquareSf } from "./distributions";
export { twoProportionZTest, wilsonInterval, type ZTestResult } from "./proportions";
export { welchTTest, type WelchResult } from "./welch";
export {
  cohensH,
  requiredSampleSize,
  requiredSampleSizeForMeans,
  type SampleSizeOptions,
  type MeanSampleSizeOptions,
} from "./power";
export { srmTest, isSampleRatioMismatch, SRM_P_VALUE_THRESHOLD, type SrmResult } from "./srm";
export {
  asymptoticConfidenceSequence,
  sequentialMeanDiff,
  sequentialProportionDiff,
  sequentialPValueAt,
  DEFAULT_SEQUENTIAL_ALPHA,
  DEFAULT_SEQUENTIAL_TUNING_N,
  RATE_BOUNDS,
  RATE_DIFFERENCE_BOUNDS,
  type ConfidenceSequenceInput,
  type SequentialOptions,
  type SequentialResult,
  type SequentialState,
} from "./sequential";
export {
  chiSquareHomogeneity,
  kolmogorovSf,
  ksAsymptoticPValue,
  ksStatistic,
  populationStabilityIndex,
  sequentialHomogeneity,
  PSI_PROPORTION_FLOOR,
  type CategoryCounts,
  type ChiSquareResult,
  type SequentialHomogeneity,
} from "./drift";
export { isWorse, nonInferiority, superiority, type Verdict, type VerdictOptions } from "./verdicts";
export type { Direction, Interval, TwoMeanInput, TwoProportionInput } from "./types";
export {
  analyzeExperiment,
  DEFAULT_MIN_DETECTABLE_EFFECTS,
  DEFAULT_POWER,
  type ArmMetrics,
  type ArmPair,
  type ExperimentInput,
  type ExperimentReport,
  type MetricName,
  type MinDetectableEffects,
} from "./experiment";
export type {
  Decision,
  MeanArm,
  MeanMetricReport,
  ProportionArm,
  ProportionMetricReport,
  QuantileMetricReport,
} from "./metric-reports";
export { checkSimpson, winnerOf, type SegmentComparison, type SimpsonCheck, type Winner } from "./segments";
