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
import { pipelineSearchInput, type PipelineSearchRequest } from './pipeline-search.js';

export const searchFormats = ['json', 'csv'] as const;
export type SearchFormat = (typeof searchFormats)[number];

export interface SearchSpaceOptions extends LutInputOptions {
  /** Per-candidate scores or per-variant proxies (see search/quality-file.ts). */
  qualityFile?: string;
  /** Objective names; default latency,params (and quality when a quality file is given). */
  objectives?: string[];
  maxLatencyMs?: number;
  maxParams?: number;
  /**
   * Seconds per image of the whole tiled pipeline for each candidate (VAE included): the photo, tiles,
   * steps and VAE variant(s). Implied, with its defaults, by the `pipeline` objective.
   */
  pipeline?: PipelineSearchRequest;
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

const some = (list: readonly string[], n: number) => `${list.slice(0, n).join(', ')}${list.length > n ? ', ...' : ''}`;

/** A LUT that cannot predict any candidate is almost always missing its part entries: say so. */
function unpredictable(space: EvaluatedSpace): string[] {
  const noImage = space.devices
    .filter((d) => (d.pipeline?.missing ?? []).length > 0)
    .map((d) => `no seconds per image on ${d.label} (${d.predictor.file}): missing ${some(d.pipeline!.missing, 4)}`);
  const none = space.devices
    .filter((d) => d.prediction.availableCount === 0)
    .map((d) => {
      const more = d.prediction.problems.length > 4 ? ', ...' : '';
      const problems = `${d.prediction.problems.slice(0, 4).join(', ')}${more}`;
      return `no candidate can be predicted on ${d.label} (${d.predictor.file}): missing or failed ${problems}`;
    });
  return [...noImage, ...none];
}

/** The evaluated space and its fronts, nothing written. */
export function evaluateSearch(o: SearchSpaceOptions): SearchRun {
  const inputs = loadLutInputs(o);
  let quality: QualityInput | undefined;
  if (o.qualityFile !== undefined) quality = readQualityFile(o.qualityFile, inputs.resolved);
  const options: SearchOptions = { objectives: parseObjectives(o.objectives ?? [], quality !== undefined) };
  if (o.maxLatencyMs !== undefined) options.maxLatencyMs = o.maxLatencyMs;
  if (o.maxParams !== undefined) options.maxParams = o.maxParams;
  const request = options.objectives.includes('pipeline') ? (o.pipeline ?? {}) : o.pipeline;
  const pipeline = request ? pipelineSearchInput(request, inputs.predictors[0]!.config) : undefined;
  const space = evaluateSpace(inputs.resolved, inputs.predictors, quality, pipeline);
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

/**
 * True when the primary device predicts at least one candidate, and seconds per image for one when
 * that is an objective (else the search has no answer).
 */
export function searchAnswered(run: SearchRun): boolean {
  const primary = run.space.devices[0]!;
  const perImage = primary.pipeline?.seconds.some((s) => Number.isFinite(s)) ?? false;
  const noPipeline = run.result.objectives.includes('pipeline') && !perImage;
  return primary.prediction.availableCount > 0 && !noPipeline;
}
