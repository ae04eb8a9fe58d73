// `bench report regression`: two LUT files -> verdict, reports and an exit code for CI.
// Exit codes: 0 no regression, 1 regression, 2 only inconclusive entries kept it from passing,
// 3 any problem with the input (unreadable or invalid table, bad flag, incomparable tables).
// The Markdown summary goes to stdout so `>> $GITHUB_STEP_SUMMARY` works; everything else to stderr.
import {
  defaultRegressionDir,
  regressionFormats,
  writeRegressionReport,
  type RegressionFormat,
  type RegressionReportOptions,
} from '../../app/report-regression.js';
import { BenchError, DiskFullError, ExitCode, UsageError } from '../../errors.js';
import { terminalSafe } from '../../terminal-text.js';
import type { CliIO, Command, ParsedArgs } from '../command.js';
import { boolFlag, choiceListFlag, listFlag, numberFlag, percentFlag, stringFlag } from '../flags.js';
import { checkOutputFolder } from '../output-path.js';
import { printJson } from '../print.js';

function formatsFrom(args: ParsedArgs): RegressionFormat[] | undefined {
  const chosen = choiceListFlag(args, 'format', regressionFormats);
  return chosen.length > 0 ? chosen : undefined;
}

function optionsFrom(args: ParsedArgs): RegressionReportOptions & { outDir: string } {
  const baseline = listFlag(args, 'baseline');
  const current = stringFlag(args, 'current');
  if (baseline.length === 0 || current === undefined) {
    throw new UsageError(`bench report regression: --baseline and --current are both required`);
  }
  const formats = formatsFrom(args);
  const threshold = percentFlag(args, 'threshold', { min: 0.001, max: 1 });
  const alpha = numberFlag(args, 'alpha', { exclusiveMin: 0, max: 0.5 });
  const seed = numberFlag(args, 'seed', { integer: true, min: 0, max: 0xffffffff });
  const saveBaseline = stringFlag(args, 'save-baseline');
  if (saveBaseline !== undefined && baseline.length < 2) {
    throw new UsageError(
      '--save-baseline needs baseline history: give --baseline two or more times (tables of one configuration)',
    );
  }
  return {
    baseline: baseline.length === 1 ? baseline[0]! : baseline,
    ...(saveBaseline !== undefined ? { saveBaseline } : {}),
    current,
    ...(threshold !== undefined ? { threshold } : {}),
    ...(alpha !== undefined ? { alpha } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(formats !== undefined ? { formats } : {}),
    outDir: stringFlag(args, 'out') ?? defaultRegressionDir(),
    allowMismatch: boolFlag(args, 'allow-mismatch'),
  };
}

async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  try {
    const options = optionsFrom(args);
    checkOutputFolder(options.outDir);
    const report = writeRegressionReport(options);
    if (boolFlag(args, 'json')) printJson(io, report.document, 2);
    else io.stdout.write(report.markdown);
    io.stderr.write(`wrote ${report.files.join(', ')}\n`);
    return report.exitCode;
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
    'bench report regression --baseline A.json [--baseline B.json ...] ' +
    '--current C.json [--save-baseline F] [--threshold 5%] [--alpha 0.01] ' +
    '[--format md,json,junit] [--out DIR] [--allow-mismatch] [--seed N] [--json]',
  help: [
    '  --baseline FILE     the reference LUT (e.g. a committed baseline under reports/); give it several times for',
    '                      baseline history (tables of one configuration measured at different times): they are',
    "                      pooled and the machine's run-to-run spread is learnt from them (5 or more tables: with",
    '                      3, a whole-suite shift must be about ten times the spread to count)',
    '  --save-baseline F   write that pooled baseline, its spread recorded, to F (commit it as the baseline)',
    '  --current FILE      the LUT to judge',
    '  --threshold P       smallest change that counts: 0.1%..100%, or a fraction (0.05 = 5%; default 5%)',
    '  --alpha A           significance level after Benjamini-Hochberg correction (default 0.01)',
    '  --format LIST       reports to write: md, json, junit (default all three)',
    '  --out DIR           where to write summary.md, regression.json, junit.xml (default reports/regression)',
    '  --allow-mismatch    compare tables from different devices or runtimes anyway',
    '  --seed N            seed of the bootstrap intervals (default 1)',
    '  --json              print the JSON report on stdout instead of the Markdown summary',
    '',
    'Exit codes: 0 no regression, 1 regression, 2 only inconclusive entries kept it from passing, 3 bad input.',
    'The Markdown summary is printed on stdout (append it to $GITHUB_STEP_SUMMARY).',
  ].join('\n'),
  options: {
    baseline: { type: 'string', multiple: true },
    'save-baseline': { type: 'string' },
    current: { type: 'string' },
    threshold: { type: 'string' },
    alpha: { type: 'string' },
    format: { type: 'string', multiple: true },
    out: { type: 'string' },
    'allow-mismatch': { type: 'boolean' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  },
  run,
};
