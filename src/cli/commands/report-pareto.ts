// `bench report pareto`: one self-contained HTML file with the search's charts and tables.
import { join } from 'node:path';
import { writeFileAtomic } from '../../atomic-write.js';
import { ExitCode, UsageError } from '../../errors.js';
import { entryFlags } from '../../lut/schema.js';
import { defaultReportsDir, packageVersion } from '../../paths.js';
import { calibration } from '../../predict/calibration.js';
import { buildParetoData } from '../../report/pareto/data.js';
import { renderParetoReport } from '../../report/pareto/page.js';
import type { Command, ParsedArgs } from '../command.js';
import { stringFlag } from '../flags.js';
import { loadChartJsBundle } from './chartjs-bundle.js';
import { lutInputHelp, lutInputOptions } from './lut-inputs.js';
import { runSearchFromArgs, searchFlagHelp, searchFlagOptions } from './search-options.js';
import { warnUnpredictable } from './search.js';

export const reportParetoCommand: Command = {
  name: 'report pareto',
  summary: 'self-contained HTML report: latency vs params for every candidate, fronts, per-block charts, device comparison',
  usage: 'bench report pareto --lut FILE [--lut FILE ...] [--quality FILE] [--objectives LIST] [--out reports/pareto.html]',
  help: `${lutInputHelp}
${searchFlagHelp}
  --title TEXT        page title
  --out FILE          where to write the report (default reports/pareto.html)

The file embeds chart.js and the data and loads nothing: it opens from disk, offline.`,
  options: { ...lutInputOptions, ...searchFlagOptions, out: { type: 'string' }, title: { type: 'string' } },
  async run(args: ParsedArgs, io) {
    const out = stringFlag(args, 'out') ?? join(defaultReportsDir(), 'pareto.html');
    const title = stringFlag(args, 'title');
    const chartJs = loadChartJsBundle();
    if (stringFlag(args, 'vae') === 'all') {
      throw new UsageError('the report shows one VAE variant at a time: give --vae NAME (bench search compares all)');
    }
    const run = runSearchFromArgs(args);
    const data = buildParetoData(run.space, run.result, {
      flagNames: entryFlags,
      calibrations: run.predictors.map((p) => calibration(p)),
      ...(title !== undefined ? { title } : {}),
    });
    const html = renderParetoReport(data, {
      chartJs,
      footer: `nanosd-bench ${packageVersion()} · bench report pareto ${run.predictors.map((p) => `--lut ${p.file}`).join(' ')}`,
    });
    writeFileAtomic(out, html);
    warnUnpredictable(run, io);
    io.stdout.write(`wrote ${out} (${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB, front ${run.result.fronts[0]!.front.length} candidates)\n`);
    return run.space.devices[0]!.prediction.availableCount === 0 ? ExitCode.failure : ExitCode.ok;
  },
};
