// The candidate space, Pareto fronts and the quality inputs the search consumes.
export { candidateNumber } from '../catalog/candidates.js';
export { evaluateSpace, type DeviceSpace, type EvaluatedSpace } from './space.js';
export { objectiveNames, parseObjectives, type Objective } from './objectives.js';
export { paretoFront, type Columns } from './pareto.js';
export { hypervolume, type Point } from './hypervolume.js';
export { kneePoint } from './knee.js';
export { kendallTauB, midRanks, pearson, spearman } from './rank.js';
export { qualityFromProxies, qualityFromScores, type QualityDirection, type QualityInput } from './quality.js';
export { parseQualityCsv, parseQualityJson, parseQualityText, readQualityFile } from './quality-file.js';
export {
  HV_REFERENCE,
  objectiveColumns,
  runSearch,
  type DeviceFront,
  type Hypervolume,
  type SearchOptions,
  type SearchResult,
  type Transfer,
} from './search.js';
export { candidateRow, type CandidateRow, type DeviceLatency } from './describe.js';
export { allCandidates, candidatesCsv, searchResultJson, spaceJson, uniqueLabels } from './output.js';
export { csvField, csvLine, parseCsv } from './csv.js';
