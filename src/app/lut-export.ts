// `bench lut export` as a use case: every candidate of the space with params, MACs and predicted
// latency per device, as CSV rows or one JSON document, for external search tools.
import { writeFileAtomic } from '../atomic-write.js';
import { allCandidates, candidatesCsv, spaceJson } from '../search/output.js';
import { readQualityFile } from '../search/quality-file.js';
import { hasPipelineEntries } from '../predict/pipeline-space.js';
import { evaluateSpace } from '../search/space.js';
import { loadLutInputs, type LutInputOptions } from './lut-inputs.js';
import { pipelineSearchInput, type PipelineSearchRequest } from './pipeline-search.js';

export const lutExportFormats = ['csv', 'json'] as const;
export type LutExportFormat = (typeof lutExportFormats)[number];

export interface LutExportOptions extends LutInputOptions {
  format: LutExportFormat;
  /** Adds a quality column (the same files `bench search` reads). */
  qualityFile?: string;
  /** The file to write; without it the text is only returned. */
  out?: string;
  /**
   * Adds a vae column and seconds per image per device; implied (with its defaults) when the first
   * LUT holds VAE entries.
   */
  pipeline?: PipelineSearchRequest;
}

export interface LutExportResult {
  format: LutExportFormat;
  candidates: number;
  /** The file written, when `out` was given. */
  file?: string;
  /** The export itself. */
  text: string;
}

export function exportLutTable(o: LutExportOptions): LutExportResult {
  const inputs = loadLutInputs(o);
  const quality = o.qualityFile === undefined ? undefined : readQualityFile(o.qualityFile, inputs.resolved);
  const first = inputs.predictors[0]!;
  const request = o.pipeline ?? (hasPipelineEntries(first.lut, first.config) ? {} : undefined);
  const pipeline = request ? pipelineSearchInput(request, first.config) : undefined;
  const space = evaluateSpace(inputs.resolved, inputs.predictors, quality, pipeline);
  const text =
    o.format === 'csv' ? candidatesCsv(space, allCandidates(space)) : `${JSON.stringify(spaceJson(space))}\n`;
  if (o.out !== undefined) writeFileAtomic(o.out, text);
  return { format: o.format, candidates: space.size, ...(o.out !== undefined ? { file: o.out } : {}), text };
}
