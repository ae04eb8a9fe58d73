// Flags shared by `bench search` and `bench report pareto`: quality file, objectives, constraints.
import type { SearchSpaceOptions } from '../app/search.js';
import type { OptionsConfig, ParsedArgs } from './command.js';
import { listFlag, numberFlag, stringFlag } from './flags.js';
import { lutInputHelp, lutInputOptions, lutInputsFrom } from './lut-input-flags.js';
import { pipelineRequestFrom, pipelineSearchHelp, pipelineSearchOptions } from './pipeline-search-flags.js';

export const searchFlagOptions = {
  ...lutInputOptions,
  quality: { type: 'string' },
  objectives: { type: 'string' },
  'max-latency': { type: 'string' },
  'max-params': { type: 'string' },
  ...pipelineSearchOptions,
} satisfies OptionsConfig;

export const searchFlagHelp = `${lutInputHelp}
  --quality FILE      per-candidate scores (CSV \`code,score\`, or JSON keyed by code, names or indices
                      form) or per-variant additive proxies (JSON {"E1": {"R-A-R": 0.12, ...}, ...});
                      higher is better unless the file says \`better: lower\` (CSV: a \`# better: lower\` line)
  --objectives LIST   comma-separated from latency, params, macs, quality, pipeline (seconds per
                      image of the whole tiled pipeline, VAE included; see the flags below)
                      (default latency,params; latency,params,quality with --quality)
  --max-latency MS    keep candidates predicted at most this fast on each device
  --max-params N      keep candidates with at most N parameters (e.g. 300e6)
${pipelineSearchHelp}`;

export function searchOptionsFrom(args: ParsedArgs): SearchSpaceOptions {
  const inputs = lutInputsFrom(args);
  const qualityFile = stringFlag(args, 'quality');
  const maxLatencyMs = numberFlag(args, 'max-latency', { exclusiveMin: 0 });
  const maxParams = numberFlag(args, 'max-params', { exclusiveMin: 0 });
  const pipeline = pipelineRequestFrom(args);
  return {
    ...inputs,
    ...(qualityFile !== undefined ? { qualityFile } : {}),
    objectives: listFlag(args, 'objectives'),
    ...(maxLatencyMs !== undefined ? { maxLatencyMs } : {}),
    ...(maxParams !== undefined ? { maxParams } : {}),
    ...(pipeline ? { pipeline } : {}),
  };
}
