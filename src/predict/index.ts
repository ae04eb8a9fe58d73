// Candidate latency prediction from a LUT (pure: reads nothing but the LUT object it is given).
export { chooseConfig, configLabel, lutConfigs, type LutConfig } from './config.js';
export { blockTable, describeProblem, estimateOf, indexEntries, type BlockTable, type EntryEstimate, type EntryStatus } from './entries.js';
export { combine, halfWidths, type Estimate, type SumEstimate } from './uncertainty.js';
export { createPredictor, predictCandidate, type CandidatePrediction, type Contribution, type Predictor } from './predictor.js';
export { flagBits, flagsFromBits, predictSpace, type SpacePrediction } from './space.js';
export { calibration, type Calibration, type CalibrationPoint } from './calibration.js';
