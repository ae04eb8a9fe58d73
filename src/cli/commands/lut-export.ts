// `bench lut export`: one row per candidate (code, indices, per-stage variants, params, MACs,
// predicted latency and intervals per device) for external search tools.
import { exportLutTable, lutExportFormats, type LutExportFormat } from '../../app/lut-export.js';
import { ExitCode, UsageError } from '../../errors.js';
import type { Command, ParsedArgs } from '../command.js';
import { boolFlag, choiceFlag, stringFlag } from '../flags.js';
import { lutInputHelp, lutInputOptions, lutInputsFrom } from '../lut-input-flags.js';
import { pipelineRequestFrom, pipelineSearchHelp, pipelineSearchOptions } from '../pipeline-search-flags.js';
import { checkOutputFile, checkOutputName } from '../output-path.js';
import { printJson } from '../print.js';

/** `--json` without `--out` is the export itself as JSON, so it cannot be CSV as well. */
function formatFrom(args: ParsedArgs, out: string | undefined, json: boolean): LutExportFormat {
  const format = choiceFlag(args, 'format', lutExportFormats);
  if (json && out === undefined) {
    if (format === 'csv') throw new UsageError('--json prints the export as JSON; give --out FILE for the CSV');
    return 'json';
  }
  return format ?? 'csv';
}

export const lutExportCommand: Command = {
  name: 'lut export',
  summary: 'every candidate with params, MACs and predicted latency per device, as CSV or JSON',
  usage: 'bench lut export --lut FILE [--lut FILE ...] [--format csv|json] [--quality FILE] [--out FILE] [--json]',
  help: `${lutInputHelp}
  --format csv|json   output format (default csv)
  --quality FILE      add a quality column (same formats as bench search)
  --out FILE          write here instead of stdout
  --json              print the result as JSON on stdout: without --out the export itself (as --format
                      json), with --out what was written (file, format, candidates)
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
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const out = stringFlag(args, 'out');
    const json = boolFlag(args, 'json');
    const format = formatFrom(args, out, json);
    if (out !== undefined) {
      checkOutputName(out, format, lutExportFormats);
      checkOutputFile(out, `candidates.${format}`);
    }
    const qualityFile = stringFlag(args, 'quality');
    const pipeline = pipelineRequestFrom(args);
    const r = exportLutTable({
      ...lutInputsFrom(args),
      format,
      ...(qualityFile !== undefined ? { qualityFile } : {}),
      ...(out !== undefined ? { out } : {}),
      ...(pipeline ? { pipeline } : {}),
    });
    if (r.file === undefined) io.stdout.write(r.text);
    else if (json) printJson(io, { file: r.file, format: r.format, candidates: r.candidates });
    else io.stderr.write(`wrote ${r.candidates} candidates to ${r.file}\n`);
    return ExitCode.ok;
  },
};
