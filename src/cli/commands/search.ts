// `bench search --lut F`: the whole candidate space from the catalogue and the LUTs, the exact front
// of the chosen objectives, its hypervolume and knee, reference points, and with several devices how
// the latency ranking and the front carry over.
import { searchAnswered, searchCandidates, searchFormats } from '../../app/search.js';
import { ExitCode, UsageError } from '../../errors.js';
import { renderSearchSummary } from '../../report/text/search-summary.js';
import { searchResultJson } from '../../search/output.js';
import type { Command, ParsedArgs } from '../command.js';
import { boolFlag, choiceFlag, stringFlag } from '../flags.js';
import { checkOutputFile, checkOutputName } from '../output-path.js';
import { jsonHelp, printJson, printNotes } from '../print.js';
import { searchFlagHelp, searchFlagOptions, searchOptionsFrom } from '../search-flags.js';

function outFrom(args: ParsedArgs) {
  const file = stringFlag(args, 'out');
  const format = choiceFlag(args, 'format', searchFormats);
  if (file === undefined) {
    if (format !== undefined) {
      throw new UsageError(`--format ${format}: chooses the format of the --out file; give --out FILE`);
    }
    return undefined;
  }
  const chosen = format ?? 'json';
  checkOutputName(file, chosen, searchFormats);
  checkOutputFile(file, `front.${chosen}`);
  return { file, format: chosen };
}

export const searchCommand: Command = {
  name: 'search',
  summary:
    'Pareto front over every candidate (latency per LUT, params, MACs, ' +
    'quality, seconds per image), hypervolume, knee, reference points',
  usage:
    'bench search --lut FILE [--lut FILE ...] [--quality FILE] [--objectives LIST] [--max-latency MS] ' +
    '[--max-params N] [--out FILE [--format json|csv]] [--json]',
  help: `${searchFlagHelp}
  --out FILE          also write the result to this file
  --format json|csv   the --out file's format: json (everything, the default) or csv (the front, one row
                      per candidate)
${jsonHelp}

Fronts are exact; candidates with identical objective values are all kept. The hypervolume is
measured with objectives normalised to [0, 1] over the eligible candidates and reference point 1.1
in each. The knee is the front point with the smallest sum of objectives normalised over the front.`,
  options: { ...searchFlagOptions, out: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const out = outFrom(args);
    const run = searchCandidates({ ...searchOptionsFrom(args), ...(out ? { out } : {}) });
    printNotes(io, run.warnings);
    if (boolFlag(args, 'json')) printJson(io, searchResultJson(run.space, run.result));
    else {
      io.stdout.write(renderSearchSummary(run.space, run.result));
      if (run.written !== undefined) io.stdout.write(`wrote ${run.written}\n`);
    }
    return searchAnswered(run) ? ExitCode.ok : ExitCode.failure;
  },
};
