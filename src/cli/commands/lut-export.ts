// `bench lut export`: one row per candidate (code, indices, per-stage variants, params, MACs,
// predicted latency and intervals per device) for external search tools.
import { extname } from 'node:path';
import { writeFileAtomic } from '../../atomic-write.js';
import { ExitCode, UsageError } from '../../errors.js';
import { allCandidates, candidatesCsv, spaceJson } from '../../search/output.js';
import { readQualityFile } from '../../search/quality-file.js';
import { evaluateSpace } from '../../search/space.js';
import type { Command, ParsedArgs } from '../command.js';
import { stringFlag } from '../flags.js';
import { loadLutInputs, lutInputHelp, lutInputOptions } from './lut-inputs.js';
import {
  pipelineSearchHelp, pipelineSearchInput, pipelineSearchOptions, wantsPipeline,
} from './pipeline-search-flags.js';
import { hasPipelineEntries } from '../../predict/pipeline-space.js';

export const lutExportCommand: Command = {
  name: 'lut export',
  summary: 'every candidate with params, MACs and predicted latency per device, as CSV or JSON',
  usage: 'bench lut export --lut FILE [--lut FILE ...] [--format csv|json] [--quality FILE] [--out FILE]',
  help: `${lutInputHelp}
  --format csv|json   output format (default: from --out's extension, else csv)
  --quality FILE      add a quality column (same formats as bench search)
  --out FILE          write here instead of stdout
${pipelineSearchHelp}

Columns: number, code (names form), indices, one column per stage with its variant name, params,
macs, then per device <device>_latency_ms, _lo_ms, _hi_ms (95% interval, quadrature),
_cons_lo_ms, _cons_hi_ms (sum of bounds) and _flags; with a pipeline (VAE entries in the first LUT,
or any pipeline flag) a vae column and per device <device>_image_s (seconds per image) and
_vae_share. Empty cells: no prediction (entry missing or failed). The LUT format itself is
published as schemas/lut.schema.json.`,
  options: {
    ...lutInputOptions,
    ...pipelineSearchOptions,
    format: { type: 'string' },
    quality: { type: 'string' },
    out: { type: 'string' },
  },
  async run(args: ParsedArgs, io) {
    const out = stringFlag(args, 'out');
    const fromExt = out === undefined ? undefined : extname(out).toLowerCase().slice(1);
    const format = stringFlag(args, 'format') ?? (fromExt === 'json' || fromExt === 'csv' ? fromExt : 'csv');
    if (format !== 'csv' && format !== 'json') throw new UsageError(`--format ${format}: must be csv or json`);
    const inputs = loadLutInputs(args);
    const qualityFile = stringFlag(args, 'quality');
    const quality = qualityFile === undefined ? undefined : readQualityFile(qualityFile, inputs.resolved);
    const first = inputs.predictors[0]!;
    const withPipeline = wantsPipeline(args) || hasPipelineEntries(first.lut, first.config);
    const pipeline = withPipeline ? pipelineSearchInput(args, first.config) : undefined;
    const space = evaluateSpace(inputs.resolved, inputs.predictors, quality, pipeline);
    const text = format === 'csv' ? candidatesCsv(space, allCandidates(space)) : `${JSON.stringify(spaceJson(space))}\n`;
    if (out === undefined) io.stdout.write(text);
    else {
      writeFileAtomic(out, text);
      io.stderr.write(`wrote ${space.size} candidates to ${out}\n`);
    }
    return ExitCode.ok;
  },
};
