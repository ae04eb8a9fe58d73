// Candidate latency prediction from a LUT (pure: reads nothing but the LUT object it is given).
export { chooseConfig, configLabel, lutConfigs, type LutConfig } from './config.js';
export {
  blockTable,
  describeProblem,
  estimateOf,
  indexEntries,
  type BlockTable,
  type EntryEstimate,
  type EntryStatus,
} from './entries.js';
export {
  combine,
  describeModelError,
  halfWidths,
  modelErrorFrom,
  t975,
  withModelError,
  type Estimate,
  type ModelError,
  type SumEstimate,
} from './uncertainty.js';
export {
  createPredictor,
  predictCandidate,
  type CandidatePrediction,
  type Contribution,
  type Predictor,
} from './predictor.js';
export { flagBits, flagsFromBits, predictSpace, type SpacePrediction } from './space.js';
export { calibration, candidateModelError, type Calibration, type CalibrationPoint } from './calibration.js';
