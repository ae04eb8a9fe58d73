// The library API: everything the `bench` command does, a program can do.
//
//   import { runBlocks, readLut, compareLuts, searchCandidates } from 'nanosd-bench';
//   const [result] = await runBlocks({ devices: ['local'], latent: 16 });
//   const verdicts = compareLuts(readLut('baseline.json'), result.lut);
//   const { result: fronts } = searchCandidates({ luts: [result.lutFile] });
//
// Every command is one of the use cases below: options in, a typed result out, nothing printed.

// Use cases
export { runBlocks, type BlocksOptions, type DeviceResult } from './app/blocks.js';
export { runExport, type ExportOptions, type ExportResult } from './app/export.js';
export type { MeasureRunOptions, ProgressEvent, ProgressListener } from './app/events.js';
export { deviceFingerprint } from './app/fingerprint.js';
export { connectDevice } from './app/connect-device.js';
export { listDevices, cleanDevice, type DevicesReport, type ProfileReport, type CleanReport } from './app/devices.js';
export { describeCatalog, type CatalogOptions } from './app/catalog.js';
export { showLut, type LutShowOptions } from './app/lut-show.js';
export { loadLutInputs, type LutInputOptions, type LutInputs } from './app/lut-inputs.js';
export {
  exportLutTable,
  lutExportFormats,
  type LutExportFormat,
  type LutExportOptions,
  type LutExportResult,
} from './app/lut-export.js';
export { predictLatency, type PredictOptions } from './app/predict.js';
export type { PredictionReport, DevicePrediction, ContributionSummary } from './predict/summary.js';
export {
  evaluateSearch,
  searchCandidates,
  searchResultText,
  searchFormats,
  type SearchFormat,
  type SearchSpaceOptions,
  type SearchCommandOptions,
  type SearchRun,
} from './app/search.js';
export {
  writeParetoReport,
  defaultParetoFile,
  type ParetoReportOptions,
  type ParetoReportResult,
} from './app/report-pareto.js';
export {
  writeRegressionReport,
  defaultRegressionDir,
  regressionFormats,
  type RegressionFormat,
  type RegressionReportOptions,
  type RegressionReport,
} from './app/report-regression.js';

// Catalogue
export { loadCatalog, catalogFromSpec, type Catalog } from './catalog/load.js';
export {
  candidateAt,
  candidateCost,
  formatCandidate,
  formatCandidateIndices,
  parseCandidate,
  spaceSize,
  teacherCandidate,
  type Candidate,
} from './catalog/candidates.js';
export type { CatalogSpec } from './catalog/schema.js';
export type {
  ResolvedCatalog,
  ResolvedStage,
  ResolvedVariant,
  ResolvedUnit,
  ResolvedPart,
  TensorSig,
} from './catalog/types.js';

// Models
export { ModelStore } from './onnx/store.js';
export { stageGraphSpec, partGraphSpec, buildGroupModel, buildCompositeModel } from './onnx/group-graph.js';
export { candidateGraphSpec } from './onnx/candidate-graph.js';
export { inspectModelFile, inspectModelBytes, type ModelInspection } from './onnx/inspect.js';
export { loadUserModels, manifestSchema, type Manifest } from './onnx/manifest.js';

// Devices, transports, runners
export { loadProfile, loadProfileFile, listProfileNames, profileDirs } from './devices/load.js';
export type { DeviceProfile } from './devices/schema.js';
export type { Transport, ExecResult, ExecOptions, DeviceInfo, ThermalReading, PushResult } from './transports/types.js';
export { quoteArg, buildCommandLine } from './transports/quote.js';
export { runners, bindRunner } from './runners/registry.js';
export type { Runner, RunRequest, RunOutput, ModelFiles } from './runners/types.js';

// Measurement and LUTs
export { runProtocol, type PlannedEntry } from './measure/protocol.js';
export { DEFAULT_SETTINGS, mergeSettings, type MeasureSettings } from './measure/settings.js';
export { readLut, parseLut, writeLut } from './lut/io.js';
export { lutSchema, type Lut, type LutEntry, type EntryKey, type EntryStats } from './lut/schema.js';
export { entryId, entryLabel } from './lut/key.js';
export * as stats from './stats/index.js';

// Prediction, search, reports
export * as predict from './predict/index.js';
export * as search from './search/index.js';
export { compareLuts, renderMarkdown, renderJson, renderJunit, regressionExitCode } from './report/regression/index.js';
export {
  runCompare,
  writeCompareReports,
  type CompareOptions,
  type CompareResult,
  type CompareSide,
} from './app/compare.js';
export { comparePaired } from './compare/paired.js';
export { learnRunSpread, poolHistory } from './compare/history.js';
export { renderParetoReport, buildParetoData } from './report/pareto/index.js';
export { renderLutTable } from './report/text/lut-table.js';

// Errors and exit codes
export * from './errors.js';
