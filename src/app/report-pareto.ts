// `bench report pareto` as a use case: the search over the LUTs rendered as one self-contained HTML
// file (chart.js and the data inlined), written atomically.
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { UsageError } from '../errors.js';
import { entryFlags } from '../lut/schema.js';
import { defaultReportsDir, packageVersion } from '../paths.js';
import { calibration } from '../predict/calibration.js';
import { buildParetoData } from '../report/pareto/data.js';
import { renderParetoReport } from '../report/pareto/page.js';
import { loadChartJsBundle } from './chartjs-bundle.js';
import { evaluateSearch, searchAnswered, type SearchSpaceOptions } from './search.js';

export interface ParetoReportOptions extends SearchSpaceOptions {
  /** The HTML file to write (default reports/pareto.html). */
  out?: string;
  /** Page title. */
  title?: string;
}

export interface ParetoReportResult {
  file: string;
  bytes: number;
  candidates: number;
  /** Size of the primary device's front. */
  front: number;
  devices: { label: string; lut: string; predicted: number }[];
  /** False when the primary device predicts no candidate: the report is then mostly empty. */
  answered: boolean;
  /** Devices on which no candidate can be predicted, said in one line each. */
  warnings: string[];
}

export function defaultParetoFile(): string {
  return join(defaultReportsDir(), 'pareto.html');
}

export function writeParetoReport(o: ParetoReportOptions): ParetoReportResult {
  if (o.pipeline?.vae === 'all') {
    throw new UsageError('the report shows one VAE variant at a time: give --vae NAME (bench search compares all)');
  }
  const file = o.out ?? defaultParetoFile();
  // Read first: a broken install fails before the search's work.
  const chartJs = loadChartJsBundle();
  const run = evaluateSearch(o);
  const data = buildParetoData(run.space, run.result, {
    flagNames: entryFlags,
    calibrations: run.predictors.map((p) => calibration(p)),
    ...(o.title !== undefined ? { title: o.title } : {}),
  });
  const luts = run.predictors.map((p) => `--lut ${p.file}`).join(' ');
  const html = renderParetoReport(data, {
    chartJs,
    footer: `nanosd-bench ${packageVersion()} · bench report pareto ${luts}`,
  });
  writeFileAtomic(file, html);
  return {
    file,
    bytes: Buffer.byteLength(html),
    candidates: run.space.size,
    front: run.result.fronts[0]!.front.length,
    devices: run.space.devices.map((d) => ({
      label: d.label,
      lut: d.predictor.file,
      predicted: d.prediction.availableCount,
    })),
    answered: searchAnswered(run),
    warnings: run.warnings,
  };
}
