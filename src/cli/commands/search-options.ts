// Flags shared by `bench search` and `bench report pareto`: quality file, objectives, constraints.
import { parseObjectives } from '../../search/objectives.js';
import { readQualityFile } from '../../search/quality-file.js';
import type { QualityInput } from '../../search/quality.js';
import { runSearch, type SearchOptions, type SearchResult } from '../../search/search.js';
import { evaluateSpace, type EvaluatedSpace } from '../../search/space.js';
import type { OptionsConfig, ParsedArgs } from '../command.js';
import { listFlag, numberFlag, stringFlag } from '../flags.js';
import { loadLutInputs, type LutInputs } from './lut-inputs.js';
import {
  pipelineSearchHelp, pipelineSearchInput, pipelineSearchOptions, wantsPipeline,
} from './pipeline-search-flags.js';

export const searchFlagOptions = {
  quality: { type: 'string' },
  objectives: { type: 'string' },
  'max-latency': { type: 'string' },
  'max-params': { type: 'string' },
  ...pipelineSearchOptions,
} satisfies OptionsConfig;

export const searchFlagHelp = `  --quality FILE      per-candidate scores (CSV \`code,score\`, or JSON keyed by code, names or indices
                      form) or per-variant additive proxies (JSON {"E1": {"R-A-R": 0.12, ...}, ...});
                      higher is better unless the file says \`better: lower\` (CSV: a \`# better: lower\` line)
  --objectives LIST   comma-separated from latency, params, macs, quality, pipeline (seconds per
                      image of the whole tiled pipeline, VAE included; see the flags below)
                      (default latency,params; latency,params,quality with --quality)
  --max-latency MS    keep candidates predicted at most this fast on each device
  --max-params N      keep candidates with at most N parameters (e.g. 300e6)
${pipelineSearchHelp}`;

export interface SearchRun extends LutInputs {
  space: EvaluatedSpace;
  options: SearchOptions;
  result: SearchResult;
}

export function runSearchFromArgs(args: ParsedArgs): SearchRun {
  const inputs = loadLutInputs(args);
  const qualityFile = stringFlag(args, 'quality');
  let quality: QualityInput | undefined;
  if (qualityFile !== undefined) quality = readQualityFile(qualityFile, inputs.resolved);
  const options: SearchOptions = { objectives: parseObjectives(listFlag(args, 'objectives'), quality !== undefined) };
  const maxLatency = numberFlag(args, 'max-latency', { exclusiveMin: 0 });
  const maxParams = numberFlag(args, 'max-params', { exclusiveMin: 0 });
  if (maxLatency !== undefined) options.maxLatencyMs = maxLatency;
  if (maxParams !== undefined) options.maxParams = maxParams;
  const withPipeline = options.objectives.includes('pipeline') || wantsPipeline(args);
  const pipeline = withPipeline ? pipelineSearchInput(args, inputs.predictors[0]!.config) : undefined;
  const space = evaluateSpace(inputs.resolved, inputs.predictors, quality, pipeline);
  return { ...inputs, space, options, result: runSearch(space, options) };
}
