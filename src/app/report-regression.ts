// `bench report regression` as a use case: two LUT files compared entry by entry, the verdicts
// rendered as Markdown, JSON and JUnit, and the chosen reports written together into one folder.
import { join, resolve } from 'node:path';
import { writeFilesAtomic } from '../atomic-write.js';
import { compareLuts } from '../compare/compare.js';
import { learnRunSpread, poolHistory } from '../compare/history.js';
import type { RegressionResult, RunSpread } from '../compare/types.js';
import { DiskFullError, UsageError } from '../errors.js';
import { readLut, writeLut } from '../lut/io.js';
import type { Lut } from '../lut/schema.js';
import { defaultReportsDir, packageVersion } from '../paths.js';
import { regressionDocument, renderJson } from '../report/regression/json.js';
import { renderJunit } from '../report/regression/junit.js';
import { renderMarkdown } from '../report/regression/markdown.js';

/** Each report format and the file it is written to in the output folder. */
export const regressionReportFiles = { md: 'summary.md', json: 'regression.json', junit: 'junit.xml' } as const;
export type RegressionFormat = keyof typeof regressionReportFiles;
export const regressionFormats = Object.keys(regressionReportFiles) as RegressionFormat[];

export interface RegressionReportOptions {
  /**
   * The reference LUT file, or several tables of one configuration (baseline history): pooled into
   * one baseline, and the machine's run-to-run spread learnt from them (compare/history.ts).
   */
  baseline: string | readonly string[];
  /** Write the baseline (pooled from the history, its spread recorded) to this LUT file. */
  saveBaseline?: string;
  /** The LUT file to judge. */
  current: string;
  /** Smallest change that counts, as a fraction (default 0.05). */
  threshold?: number;
  alpha?: number;
  seed?: number;
  /** Compare tables from different devices or runtimes anyway. */
  allowMismatch?: boolean;
  /** Reports to write (default all). */
  formats?: RegressionFormat[];
  /** Folder the reports go to (default reports/regression). */
  outDir?: string;
}

export interface RegressionReport {
  comparison: RegressionResult;
  /** The Markdown summary (what CI appends to its step summary). */
  markdown: string;
  /** The JSON report's document, as written to regression.json. */
  document: ReturnType<typeof regressionDocument>;
  files: string[];
  /** 0 no regression, 1 regression, 2 only inconclusive entries kept it from passing. */
  exitCode: 0 | 1 | 2;
}

export function defaultRegressionDir(): string {
  return join(defaultReportsDir(), 'regression');
}

/** The reports of one comparison, all or none: a full disk leaves the previous set as it was. */
function writeReports(files: { file: string; data: string }[]): void {
  try {
    writeFilesAtomic(files);
  } catch (error) {
    if (error instanceof DiskFullError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    // The first file of the set: a folder that cannot be written fails there.
    throw new UsageError(`cannot write ${files[0]!.file} (${code})`, { hint: 'choose a writable folder with --out' });
  }
}

/** The baseline: one table, or the history pooled with its run-to-run spread (and saved when asked). */
function baselineOf(o: RegressionReportOptions): { lut: Lut; label: string; runSpread?: RunSpread } {
  const files = typeof o.baseline === 'string' ? [o.baseline] : [...o.baseline];
  if (files.length === 0) throw new UsageError('bench report regression: --baseline is required');
  const tables = files.map((f) => readLut(f));
  const learntAt = new Date().toISOString();
  const lut = poolHistory(tables, files, learntAt);
  if (o.saveBaseline) writeLut(o.saveBaseline, lut);
  const runSpread = learnRunSpread(tables);
  return { lut, label: files.join(' + '), ...(runSpread ? { runSpread } : {}) };
}

export function writeRegressionReport(o: RegressionReportOptions): RegressionReport {
  const baseline = baselineOf(o);
  const comparison = compareLuts(baseline.lut, readLut(o.current), {
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
    ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(baseline.runSpread ? { runSpread: baseline.runSpread } : {}),
    allowMismatch: o.allowMismatch ?? false,
    baselineLabel: baseline.label,
    currentLabel: o.current,
  });
  return {
    comparison,
    exitCode: comparison.exitCode,
    ...writeRegressionFiles(comparison, o.formats ?? regressionFormats, o.outDir),
  };
}

/** The chosen reports of a comparison (two tables or `bench compare`), written together into one folder. */
export function writeRegressionFiles(
  comparison: RegressionResult,
  formats: readonly RegressionFormat[],
  outDir?: string,
): Pick<RegressionReport, 'markdown' | 'document' | 'files'> {
  const meta = { createdAt: new Date().toISOString(), harnessVersion: packageVersion() };
  const markdown = renderMarkdown(comparison);
  const texts: Record<RegressionFormat, () => string> = {
    md: () => markdown,
    json: () => renderJson(comparison, meta),
    junit: () => renderJunit(comparison, { createdAt: meta.createdAt }),
  };
  const folder = resolve(outDir ?? defaultRegressionDir());
  const reports = [...new Set(formats)].map((f) => ({
    file: join(folder, regressionReportFiles[f]),
    data: texts[f](),
  }));
  writeReports(reports);
  return { markdown, document: regressionDocument(comparison, meta), files: reports.map((r) => r.file) };
}
