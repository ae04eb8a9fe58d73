// `bench compare`: a baseline side and a current side measured in one session, round by round
// interleaved, and the verdict in the formats and exit codes of `bench report regression`
// (0 no regression, 1 regression, 2 only inconclusive entries kept it from passing, 3 bad input).
// The Markdown summary goes to stdout so `>> $GITHUB_STEP_SUMMARY` works; progress to stderr.
import { COMPARE_ROUNDS, runCompare, writeCompareReports, type CompareSide } from '../../app/compare.js';
import { regressionFormats, type RegressionFormat } from '../../app/report-regression.js';
import { pairedDefaults } from '../../compare/paired.js';
import { regressionDefaults } from '../../compare/types.js';
import { BenchError, DiskFullError, ExitCode, LockedError, UsageError } from '../../errors.js';
import { terminalSafe } from '../../terminal-text.js';
import type { CliIO, Command, OptionsConfig, ParsedArgs } from '../command.js';
import { boolFlag, choiceListFlag, listFlag, numberFlag, percentFlag, precisionFlag, stringFlag } from '../flags.js';
import { measureHelp, measureOptions, measureOptionsFrom } from '../measure-flags.js';
import { checkOutputFolder } from '../output-path.js';
import { printJson } from '../print.js';
import { ProgressPrinter } from '../progress.js';

const sideFlags = ['profile', 'models', 'catalog', 'precision', 'seed', 'threads', 'option'] as const;

const sideOptions: OptionsConfig = Object.fromEntries(
  ['baseline', 'current'].flatMap((side) =>
    sideFlags.map((f) => [`${side}-${f}`, f === 'option' ? { type: 'string', multiple: true } : { type: 'string' }]),
  ),
);

/** `key=value` runner options; a value that reads as JSON (numbers, true, objects) is taken as such. */
function runnerOptions(args: ParsedArgs, flag: string): Record<string, unknown> | undefined {
  const pairs = listFlag(args, flag);
  if (pairs.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new UsageError(
        `--${flag} ${pair}: expected key=value (e.g. ort=/opt/ort-1.22/node_modules/onnxruntime-node)`,
      );
    const value = pair.slice(at + 1);
    try {
      out[pair.slice(0, at)] = JSON.parse(value);
    } catch {
      out[pair.slice(0, at)] = value;
    }
  }
  return out;
}

function side(args: ParsedArgs, name: 'baseline' | 'current'): CompareSide {
  const precision = precisionFlag(args, `${name}-precision`);
  const profile = stringFlag(args, `${name}-profile`);
  const models = stringFlag(args, `${name}-models`);
  const catalog = stringFlag(args, `${name}-catalog`);
  const seed = numberFlag(args, `${name}-seed`, { integer: true, min: 0 });
  const threads = numberFlag(args, `${name}-threads`, { integer: true, min: 0, max: 1024 });
  const options = runnerOptions(args, `${name}-option`);
  return {
    ...(profile ? { profile } : {}),
    ...(models ? { modelsManifest: models } : {}),
    ...(catalog ? { catalogFile: catalog } : {}),
    ...(precision ? { precision } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(options ? { runnerOptions: options } : {}),
    ...(threads !== undefined ? { settings: { threads } } : {}),
  };
}

function formatsOf(args: ParsedArgs): RegressionFormat[] {
  const chosen = choiceListFlag(args, 'format', regressionFormats);
  return chosen.length > 0 ? chosen : regressionFormats;
}

async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const devices = listFlag(args, 'device');
  if (devices.length > 1) throw new UsageError('bench compare measures one device; give --device once');
  const out = stringFlag(args, 'out');
  if (out !== undefined) checkOutputFolder(out);
  // The shared measurement flags as `bench blocks` reads them; --out here is a folder, read above.
  const {
    out: _out,
    devices: _devices,
    ...shared
  } = measureOptionsFrom({ ...args, values: { ...args.values, out: undefined } }, io);
  const formats = formatsOf(args);
  const threshold = percentFlag(args, 'threshold', { min: 0.001, max: 1 });
  const alpha = numberFlag(args, 'alpha', { exclusiveMin: 0, max: 0.5 });
  const progress = new ProgressPrinter(io, io.stderr);
  const result = await runCompare({
    ...shared,
    ...(devices[0] ? { device: devices[0] } : {}),
    select: listFlag(args, 'stages'),
    baseline: side(args, 'baseline'),
    current: side(args, 'current'),
    ...(out ? { out } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(alpha !== undefined ? { alpha } : {}),
    onProgress: progress.handle,
  });
  progress.finish();
  const { files, markdown, document } = writeCompareReports(result, formats);
  if (boolFlag(args, 'json')) printJson(io, document, 2);
  else io.stdout.write(markdown);
  for (const line of result.cleanup) io.stderr.write(`${terminalSafe(`bench: clean-up after the run: ${line}`)}\n`);
  io.stderr.write(
    `wrote ${[result.luts.baseline.file, result.luts.current.file, ...files].join(', ')} ` +
      `(${(result.ms / 1000).toFixed(1)} s)\n`,
  );
  return result.regression.exitCode;
}

/** Bad input is exit 3 as in `bench report regression`; device, runner, disk and lock failures keep their codes. */
async function runWithExitCodes(args: ParsedArgs, io: CliIO): Promise<number> {
  try {
    return await run(args, io);
  } catch (error) {
    const usage =
      error instanceof BenchError && (error.exitCode === ExitCode.usage || error.exitCode === ExitCode.invalidFile);
    if (!usage || error instanceof DiskFullError || error instanceof LockedError) throw error;
    io.stderr.write(`${terminalSafe(`bench: ${error.message}${error.hint ? ` (${error.hint})` : ''}`)}\n`);
    return ExitCode.usage;
  }
}

/** `bench blocks`' help for the shared flags, with what differs here. */
function sharedHelp(): string {
  const flag = (name: string) => new RegExp(`\\n {2}--${name} [^\\n]*(\\n {20,}[^\\n]*)*`);
  return measureHelp
    .replace(flag('out'), '')
    .replace(flag('rounds'), '')
    .replace(flag('json'), '\n  --json             print the JSON report on stdout instead of the Markdown summary')
    .replace(flag('device'), '\n  --device D         the device profile both sides run on (default: local)');
}

export const compareCommand: Command = {
  name: 'compare',
  summary:
    'measure a baseline and a current side interleaved in one session on one device: verdicts and an exit code for CI',
  usage:
    'bench compare [--device local] [--baseline-models A.json --current-models B.json | ' +
    '--baseline-profile P --current-profile Q | --baseline-threads N --current-threads M | ' +
    '--baseline-option k=v --current-option k=v ...] [--stages E1,D3] [--rounds N] ' +
    '[--threshold 2%] [--alpha 0.01] [--format md,json,junit] [--out DIR] [--resume]',
  help: `  Both sides are measured round by round: per round every entry of one side, then (or before) the same
  entry of the other, so drift of the machine hits both alike and cancels in their ratio. What a side
  changes (each flag exists for --baseline-X and --current-X; unset: as the shared flags say):
  --baseline-profile P   another profile of the same device (another runner, EP, runtime folder, threads...)
  --baseline-models F    a model manifest for that side (your own ONNX files)
  --baseline-catalog F   another catalogue (same stage and variant names pair up)
  --baseline-precision P fp32 or fp16
  --baseline-seed N      seed of the generated weights and inputs of that side
  --baseline-threads N   intra-op threads of that side
  --baseline-option K=V  a runner option of that side (repeatable; JSON values), e.g. ort=/path/to/onnxruntime-node,
                         runtimeDir=/path/to/perf_test-build, epOptions='{"coreMlFlags":20}'
${sharedHelp()}
  --stages LIST      only these stages and/or parts (E1,D3,conv_in,...)
  --rounds N         paired rounds, the same on both sides (default ${COMPARE_ROUNDS};
                     at least ${pairedDefaults.minRounds} for a verdict)
  --threshold P      smallest change that counts, 0.1%..100% (default ${pairedDefaults.threshold * 100}%:
                     pairing resolves smaller changes than two tables)
  --alpha A          significance level after Benjamini-Hochberg correction (default ${regressionDefaults.alpha})
  --format LIST      reports to write: md, json, junit (default all three)
  --out DIR          where baseline.lut.json, current.lut.json and the reports go (default reports/compare)

Exit codes: 0 no regression, 1 regression, 2 only inconclusive entries kept it from passing, 3 bad input;
a device, runner, disk or lock problem keeps its own code (6, 7, 8, 9) as in bench blocks.
The Markdown summary is printed on stdout (append it to $GITHUB_STEP_SUMMARY).`,
  options: {
    ...measureOptions,
    ...sideOptions,
    stages: { type: 'string', multiple: true },
    threshold: { type: 'string' },
    alpha: { type: 'string' },
    format: { type: 'string', multiple: true },
  },
  run: runWithExitCodes,
};
