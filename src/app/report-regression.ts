// `bench report regression` as a use case: two LUT files compared entry by entry, the verdicts
// rendered as Markdown, JSON and JUnit, and the chosen reports written together into one folder.
import { join, resolve } from 'node:path';
import { writeFilesAtomic } from '../atomic-write.js';
import { compareLuts } from '../compare/compare.js';
import type { RegressionResult } from '../compare/types.js';
import { DiskFullError, UsageError } from '../errors.js';
import { readLut } from '../lut/io.js';
import { defaultReportsDir, packageVersion } from '../paths.js';
import { regressionDocument, renderJson } from '../report/regression/json.js';
import { renderJunit } from '../report/regression/junit.js';
import { renderMarkdown } from '../report/regression/markdown.js';

/** Each report format and the file it is written to in the output folder. */
export const regressionReportFiles = { md: 'summary.md', json: 'regression.json', junit: 'junit.xml' } as const;
export type RegressionFormat = keyof typeof regressionReportFiles;
export const regressionFormats = Object.keys(regressionReportFiles) as RegressionFormat[];

export interface RegressionReportOptions {
  /** The reference LUT file. */
  baseline: string;
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

export function writeRegressionReport(o: RegressionReportOptions): RegressionReport {
  const comparison = compareLuts(readLut(o.baseline), readLut(o.current), {
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
    ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    allowMismatch: o.allowMismatch ?? false,
    baselineLabel: o.baseline,
    currentLabel: o.current,
  });
  const meta = { createdAt: new Date().toISOString(), harnessVersion: packageVersion() };
  const markdown = renderMarkdown(comparison);
  const texts: Record<RegressionFormat, () => string> = {
    md: () => markdown,
    json: () => renderJson(comparison, meta),
    junit: () => renderJunit(comparison, { createdAt: meta.createdAt }),
  };
  const outDir = resolve(o.outDir ?? defaultRegressionDir());
  const formats = [...new Set(o.formats ?? regressionFormats)];
  const reports = formats.map((f) => ({ file: join(outDir, regressionReportFiles[f]), data: texts[f]() }));
  writeReports(reports);
  return {
    comparison,
    markdown,
    document: regressionDocument(comparison, meta),
    files: reports.map((r) => r.file),
    exitCode: comparison.exitCode,
  };
}
