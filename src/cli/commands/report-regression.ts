// `bench report regression`: two LUT files -> verdict, reports and an exit code for CI.
// Exit codes: 0 no regression, 1 regression, 2 only inconclusive entries kept it from passing,
// 3 any problem with the input (unreadable or invalid table, bad flag, incomparable tables).
// The Markdown summary goes to stdout so `>> $GITHUB_STEP_SUMMARY` works; everything else to stderr.
import { join, resolve } from 'node:path';
import { writeFilesAtomic } from '../../atomic-write.js';
import { BenchError, DiskFullError, ExitCode, UsageError } from '../../errors.js';
import { readLut } from '../../lut/io.js';
import { defaultReportsDir, packageVersion } from '../../paths.js';
import { compareLuts } from '../../compare/compare.js';
import { renderJson } from '../../report/regression/json.js';
import { renderJunit } from '../../report/regression/junit.js';
import { renderMarkdown } from '../../report/regression/markdown.js';
import { regressionDefaults } from '../../compare/types.js';
import type { CliIO, Command, ParsedArgs } from '../command.js';
import { boolFlag, listFlag, numberFlag, percentFlag, stringFlag } from '../flags.js';
import { checkOutputFolder } from '../output-path.js';
import { terminalSafe } from '../../terminal-text.js';

const formats = { md: 'summary.md', json: 'regression.json', junit: 'junit.xml' } as const;
type Format = keyof typeof formats;

interface Plan {
  baseline: string;
  current: string;
  threshold: number;
  alpha: number;
  seed: number;
  formats: Format[];
  outDir: string;
  allowMismatch: boolean;
}

function plan(args: ParsedArgs): Plan {
  const baseline = stringFlag(args, 'baseline');
  const current = stringFlag(args, 'current');
  if (baseline === undefined || current === undefined) {
    throw new UsageError(`bench report regression: --baseline and --current are both required`);
  }
  const chosen = listFlag(args, 'format');
  for (const f of chosen) {
    if (!(f in formats)) throw new UsageError(`--format ${f}: unknown format; known: ${Object.keys(formats).join(', ')}`);
  }
  return {
    baseline,
    current,
    threshold: percentFlag(args, 'threshold', { min: 0.001, max: 1 }) ?? regressionDefaults.threshold,
    alpha: numberFlag(args, 'alpha', { exclusiveMin: 0, max: 0.5 }) ?? regressionDefaults.alpha,
    seed: numberFlag(args, 'seed', { integer: true, min: 0, max: 0xffffffff }) ?? regressionDefaults.seed,
    formats: chosen.length > 0 ? [...new Set(chosen as Format[])] : (Object.keys(formats) as Format[]),
    outDir: resolve(stringFlag(args, 'out') ?? join(defaultReportsDir(), 'regression')),
    allowMismatch: boolFlag(args, 'allow-mismatch'),
  };
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

async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  try {
    const p = plan(args);
    checkOutputFolder(p.outDir);
    const result = compareLuts(readLut(p.baseline), readLut(p.current), {
      threshold: p.threshold,
      alpha: p.alpha,
      seed: p.seed,
      allowMismatch: p.allowMismatch,
      baselineLabel: p.baseline,
      currentLabel: p.current,
    });
    const createdAt = new Date().toISOString();
    const markdown = renderMarkdown(result);
    const texts: Record<Format, () => string> = {
      md: () => markdown,
      json: () => renderJson(result, { createdAt, harnessVersion: packageVersion() }),
      junit: () => renderJunit(result, { createdAt }),
    };
    const reports = p.formats.map((f) => ({ file: join(p.outDir, formats[f]), data: texts[f]() }));
    writeReports(reports);
    const written = reports.map((r) => r.file);
    io.stdout.write(markdown);
    io.stderr.write(`wrote ${written.join(', ')}\n`);
    return result.exitCode;
  } catch (error) {
    // Every input problem is exit 3 here (a CI step must tell "bad input" from "regressed"),
    // including unreadable tables that other commands report with their own code.
    if (error instanceof BenchError) {
      io.stderr.write(`${terminalSafe(`bench: ${error.message}${error.hint ? ` (${error.hint})` : ''}`)}\n`);
      // A full disk is not bad input: CI should retry, not fix the tables.
      return error instanceof DiskFullError ? error.exitCode : ExitCode.usage;
    }
    throw error;
  }
}

export const reportRegressionCommand: Command = {
  name: 'report regression',
  summary: 'compare two latency tables: per-entry verdicts, reports, and an exit code for CI',
  usage:
    'bench report regression --baseline A.json --current B.json [--threshold 5%] [--alpha 0.01] ' +
    '[--format md,json,junit] [--out DIR] [--allow-mismatch] [--seed N]',
  help: [
    '  --baseline FILE     the reference LUT (e.g. a committed baseline under reports/)',
    '  --current FILE      the LUT to judge',
    '  --threshold P       smallest change that counts, 0.1%..100% (default 5%)',
    '  --alpha A           significance level after Benjamini-Hochberg correction (default 0.01)',
    '  --format LIST       reports to write: md, json, junit (default all three)',
    '  --out DIR           where to write summary.md, regression.json, junit.xml (default reports/regression)',
    '  --allow-mismatch    compare tables from different devices or runtimes anyway',
    '  --seed N            seed of the bootstrap intervals (default 1)',
    '',
    'Exit codes: 0 no regression, 1 regression, 2 only inconclusive entries kept it from passing, 3 bad input.',
    'The Markdown summary is printed on stdout (append it to $GITHUB_STEP_SUMMARY).',
  ].join('\n'),
  options: {
    baseline: { type: 'string' },
    current: { type: 'string' },
    threshold: { type: 'string' },
    alpha: { type: 'string' },
    format: { type: 'string', multiple: true },
    out: { type: 'string' },
    'allow-mismatch': { type: 'boolean' },
    seed: { type: 'string' },
  },
  run,
};
