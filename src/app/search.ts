// `bench search` as a use case: the whole candidate space from the catalogue and the LUTs, the exact
// front of the chosen objectives with its hypervolume and knee, reference points, how the ranking
// carries over between devices; optionally written to a file. `bench report pareto` starts here too.
import { writeFileAtomic } from '../atomic-write.js';
import { parseObjectives } from '../search/objectives.js';
import { candidatesCsv, searchResultJson } from '../search/output.js';
import { readQualityFile } from '../search/quality-file.js';
import type { QualityInput } from '../search/quality.js';
import { runSearch, type SearchOptions, type SearchResult } from '../search/search.js';
import { evaluateSpace, type EvaluatedSpace } from '../search/space.js';
import { loadLutInputs, type LutInputOptions, type LutInputs } from './lut-inputs.js';

export const searchFormats = ['json', 'csv'] as const;
export type SearchFormat = (typeof searchFormats)[number];

export interface SearchSpaceOptions extends LutInputOptions {
  /** Per-candidate scores or per-variant proxies (see search/quality-file.ts). */
  qualityFile?: string;
  /** Objective names; default latency,params (and quality when a quality file is given). */
  objectives?: string[];
  maxLatencyMs?: number;
  maxParams?: number;
}

export interface SearchCommandOptions extends SearchSpaceOptions {
  /** Write the result here: the whole result as JSON, or the primary front as CSV. */
  out?: { file: string; format: SearchFormat };
}

export interface SearchRun extends LutInputs {
  space: EvaluatedSpace;
  options: SearchOptions;
  result: SearchResult;
  /** Devices on which no candidate can be predicted, said in one line each. */
  warnings: string[];
  /** The file written, when `out` was given. */
  written?: string;
}

/** A LUT that cannot predict any candidate is almost always missing its part entries: say so. */
function unpredictable(space: EvaluatedSpace): string[] {
  return space.devices
    .filter((d) => d.prediction.availableCount === 0)
    .map((d) => {
      const more = d.prediction.problems.length > 4 ? ', ...' : '';
      const problems = `${d.prediction.problems.slice(0, 4).join(', ')}${more}`;
      return `no candidate can be predicted on ${d.label} (${d.predictor.file}): missing or failed ${problems}`;
    });
}

/** The evaluated space and its fronts, nothing written. */
export function evaluateSearch(o: SearchSpaceOptions): SearchRun {
  const inputs = loadLutInputs(o);
  let quality: QualityInput | undefined;
  if (o.qualityFile !== undefined) quality = readQualityFile(o.qualityFile, inputs.resolved);
  const options: SearchOptions = { objectives: parseObjectives(o.objectives ?? [], quality !== undefined) };
  if (o.maxLatencyMs !== undefined) options.maxLatencyMs = o.maxLatencyMs;
  if (o.maxParams !== undefined) options.maxParams = o.maxParams;
  const space = evaluateSpace(inputs.resolved, inputs.predictors, quality);
  return { ...inputs, space, options, result: runSearch(space, options), warnings: unpredictable(space) };
}

/** The result as a file: everything as JSON, or the primary device's front as CSV rows. */
export function searchResultText(run: SearchRun, format: SearchFormat): string {
  if (format === 'csv') return candidatesCsv(run.space, run.result.fronts[0]!.front);
  return `${JSON.stringify(searchResultJson(run.space, run.result), null, 1)}\n`;
}

export function searchCandidates(o: SearchCommandOptions): SearchRun {
  const run = evaluateSearch(o);
  if (o.out === undefined) return run;
  writeFileAtomic(o.out.file, searchResultText(run, o.out.format));
  return { ...run, written: o.out.file };
}

/** True when the primary device predicts at least one candidate (else the search has no answer). */
export function searchAnswered(run: SearchRun): boolean {
  return run.space.devices[0]!.prediction.availableCount > 0;
}
