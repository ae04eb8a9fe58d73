// `bench report pareto`: one self-contained HTML file with the search's charts and tables.
import { defaultParetoFile, writeParetoReport } from '../../app/report-pareto.js';
import { ExitCode } from '../../errors.js';
import type { Command } from '../command.js';
import { boolFlag, stringFlag } from '../flags.js';
import { checkOutputFile } from '../output-path.js';
import { jsonHelp, printJson, printNotes } from '../print.js';
import { searchFlagHelp, searchFlagOptions, searchOptionsFrom } from '../search-flags.js';

export const reportParetoCommand: Command = {
  name: 'report pareto',
  summary:
    'self-contained HTML report: latency vs params for every candidate, fronts, per-block charts, device comparison',
  usage:
    'bench report pareto --lut FILE [--lut FILE ...] [--quality FILE] [--objectives LIST] ' +
    '[--out reports/pareto.html] [--json]',
  help: `${searchFlagHelp}
  --title TEXT        page title
  --out FILE          where to write the report (default reports/pareto.html)
${jsonHelp}

The file embeds chart.js and the data and loads nothing: it opens from disk, offline.`,
  options: { ...searchFlagOptions, out: { type: 'string' }, title: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const out = stringFlag(args, 'out') ?? defaultParetoFile();
    const title = stringFlag(args, 'title');
    checkOutputFile(out, 'pareto.html');
    const options = searchOptionsFrom(args);
    const r = writeParetoReport({ ...options, out, ...(title !== undefined ? { title } : {}) });
    printNotes(io, r.warnings);
    if (boolFlag(args, 'json')) printJson(io, r);
    else io.stdout.write(`wrote ${r.file} (${(r.bytes / 1e6).toFixed(2)} MB, front ${r.front} candidates)\n`);
    return r.answered ? ExitCode.ok : ExitCode.failure;
  },
};
