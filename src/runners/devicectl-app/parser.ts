// The line format an iPhone bench app prints on stdout, as captured by
// `xcrun devicectl device process launch --console`, and its parser. The format is ours (NSBENCH,
// version 1) and is documented for app authors in docs/ios-bench-app.md; keep the two in step.
//
//   NSBENCH/1 header {"device":"iPhone16,1","os":"18.2","computeUnits":"cpuAndNeuralEngine",
//                     "model":"E1.mlpackage","loadMs":812.4}   (one line in the output)
//   NSBENCH/1 thermal before nominal
//   NSBENCH/1 warmup 0 31.2008
//   NSBENCH/1 sample 0 12.8812
//   NSBENCH/1 sample 1 12.9034
//   NSBENCH/1 thermal after fair
//   NSBENCH/1 done 2
//   NSBENCH/1 error <message>          (instead of the rest, when the app cannot go on)
//
// The console also carries devicectl's own messages and the app's os_log/NSLog lines, so only tagged
// lines are read and the tag may sit after a prefix. Indices count from 0 per kind and must be
// contiguous: a missing, repeated or garbled line means the console dropped output and the run is
// rejected rather than silently shortened. Pure: text in, typed data out, times in ms.
import { z } from 'zod';
import { ParseError } from '../../errors.js';
import { tailExcerpt as excerpt } from '../../parsing/text.js';
import { decodeCapture, type CaptureInput } from '../../parsing/capture-text.js';

const WHAT = 'bench app console output';

/** The version of the NSBENCH line format this parser reads. */
export const NSBENCH_VERSION = 1;

/** MLComputeUnits as the app spells them (the Swift case names). */
export const COMPUTE_UNITS = ['all', 'cpuOnly', 'cpuAndGPU', 'cpuAndNeuralEngine'] as const;
export type ComputeUnits = (typeof COMPUTE_UNITS)[number];

/** ProcessInfo.ThermalState case names. */
export const THERMAL_STATES = ['nominal', 'fair', 'serious', 'critical'] as const;
export type ThermalState = (typeof THERMAL_STATES)[number];

const ms = z.number().nonnegative();
const HeaderSchema = z.object({
  /** Hardware model identifier (utsname.machine), e.g. "iPhone16,1". */
  device: z.string().min(1),
  /** UIDevice.current.systemVersion, e.g. "18.2". */
  os: z.string().min(1),
  computeUnits: z.enum(COMPUTE_UNITS),
  /** File name of the model as loaded. */
  model: z.string().min(1),
  /** MLModel(contentsOf:configuration:) wall time, ms. */
  loadMs: ms,
  /** MLModel.compileModel(at:) wall time when the app was given an .mlpackage, ms. */
  compileMs: ms.optional(),
  /** The run id the harness passed (--nsbench-run-id), echoed back. */
  runId: z.string().optional(),
  /** The counts the app was asked for, echoed back. */
  iterations: z.number().int().nonnegative().optional(),
  warmup: z.number().int().nonnegative().optional(),
  /** Bench app version (CFBundleShortVersionString). */
  app: z.string().optional(),
});
export type BenchAppHeader = z.infer<typeof HeaderSchema>;

export interface BenchAppRun {
  version: typeof NSBENCH_VERSION;
  header: BenchAppHeader;
  /** Warm-up prediction times in order, ms. */
  warmupMs: number[];
  /** Measured prediction times in order, ms. */
  samplesMs: number[];
  thermal: { before?: ThermalState; after?: ThermalState };
}

/** What the harness passes to the app after its bundle id. */
export interface BenchAppRequest {
  /** Model path relative to the app's data container (NSHomeDirectory()), e.g. "Documents/nsbench/E1.mlpackage". */
  modelPath: string;
  iterations: number;
  warmup: number;
  computeUnits: ComputeUnits;
  /** Echoed in the header so output of an earlier launch is never taken for this one. */
  runId: string;
}

/** The app arguments, one `--nsbench-<key>=<value>` token each (a single token cannot be mistaken by
 * devicectl for one of its own options followed by a value). */
export function benchAppArguments(request: BenchAppRequest): string[] {
  return [
    `--nsbench-model=${request.modelPath}`,
    `--nsbench-iterations=${request.iterations}`,
    `--nsbench-warmup=${request.warmup}`,
    `--nsbench-compute-units=${request.computeUnits}`,
    `--nsbench-run-id=${request.runId}`,
  ];
}

/** The app printed `NSBENCH/1 error <message>`. */
export class BenchAppReportedError extends ParseError {
  readonly appMessage: string;
  constructor(appMessage: string, excerpt: string) {
    super(WHAT, `the bench app reported: ${appMessage}`, excerpt);
    this.appMessage = appMessage;
  }
}

const TAG_RE = /(?:^|[^\w/])NSBENCH\/(\d+) (\w+)(?: (.*))?$/;
const INDEX_MS_RE = /^(\d+) (\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)$/;

/**
 * Reads the tagged lines of one launch. Throws BenchAppReportedError on an `error` line, ParseError on
 * anything that makes the run incomplete or ambiguous: no header, a missing/duplicate/garbled line,
 * no `done`, a `done` count that differs from the samples, counts that differ from what the header
 * echoes, or a run id other than `expect.runId`.
 */
export function parseDevicectlAppOutput(capture: CaptureInput, expect: { runId?: string } = {}): BenchAppRun {
  const text = decodeCapture(capture, 'the bench app output');
  const run: RunSoFar = { warmupMs: [], samplesMs: [], thermal: {} };
  text.split(/\r?\n/).forEach((raw, i) => readLine(raw, i + 1, run, text));
  return completedRun(run, text, expect);
}

/** What the tagged lines read so far hold. */
interface RunSoFar {
  header?: BenchAppHeader;
  warmupMs: number[];
  samplesMs: number[];
  thermal: BenchAppRun['thermal'];
  done?: number;
}

/** Throws a ParseError naming the line. */
type LineFail = (problem: string) => never;

function readLine(raw: string, lineNo: number, run: RunSoFar, text: string): void {
  const m = TAG_RE.exec(raw.trimEnd());
  if (!m) return;
  const [, version, kind = '', rest = ''] = m;
  const line = m[0].trim();
  const fail: LineFail = (problem) => {
    throw new ParseError(WHAT, `line ${lineNo}: ${problem}`, line);
  };
  if (Number(version) !== NSBENCH_VERSION) {
    fail(`NSBENCH version ${version} is not supported (this harness reads version ${NSBENCH_VERSION})`);
  }
  if (kind === 'error') throw new BenchAppReportedError(rest.trim() || '(no message)', excerpt(text));
  if (run.done !== undefined) fail(`"${kind}" after "done"`);
  switch (kind) {
    case 'header':
      readHeader(rest, run, fail);
      break;
    case 'warmup':
    case 'sample':
      readTiming(kind, rest, run, fail);
      break;
    case 'thermal':
      readThermal(rest, run, fail);
      break;
    case 'done':
      if (!/^\d+$/.test(rest)) fail('expected "done <count>"');
      run.done = Number(rest);
      if (run.done !== run.samplesMs.length) fail(`done ${run.done} but ${run.samplesMs.length} samples were read`);
      break;
    default:
      // Kinds added later within version 1 are optional by definition; skip them.
      break;
  }
}

function readHeader(rest: string, run: RunSoFar, fail: LineFail): void {
  if (run.header) fail('a second header');
  let json: unknown;
  try {
    json = JSON.parse(rest);
  } catch {
    fail('the header is not a JSON object');
  }
  const parsed = HeaderSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`header ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  } else run.header = parsed.data;
}

/** A warm-up or sample line: the next index of its kind and a finite time. */
function readTiming(kind: 'warmup' | 'sample', rest: string, run: RunSoFar, fail: LineFail): void {
  if (!run.header) fail(`"${kind}" before the header`);
  const list = kind === 'warmup' ? run.warmupMs : run.samplesMs;
  if (kind === 'warmup' && run.samplesMs.length > 0) fail('a warm-up after the first sample');
  const v = INDEX_MS_RE.exec(rest);
  if (!v) fail(`expected "${kind} <index> <ms>"`);
  const index = Number(v?.[1]);
  const value = Number(v?.[2]);
  if (index !== list.length) {
    fail(`${kind} ${index} where ${kind} ${list.length} was expected (a line is missing or repeated)`);
  }
  if (!Number.isFinite(value)) fail(`${kind} time is not a finite number`);
  list.push(value);
}

function readThermal(rest: string, run: RunSoFar, fail: LineFail): void {
  const t = /^(before|after) (\w+)$/.exec(rest);
  const state = t?.[2] as ThermalState | undefined;
  if (!t || !state || !THERMAL_STATES.includes(state)) {
    fail(`expected "thermal before|after ${THERMAL_STATES.join('|')}"`);
  } else run.thermal[t[1] as 'before' | 'after'] = state;
}

/** The run once every line is read: a header, a `done`, and counts and run id as the header says. */
function completedRun(run: RunSoFar, text: string, expect: { runId?: string }): BenchAppRun {
  const incomplete = (problem: string): never => {
    throw new ParseError(WHAT, problem, excerpt(text));
  };
  const { header, warmupMs, samplesMs, thermal } = run;
  if (!header) return incomplete('no "NSBENCH/1 header" line (the app did not start or is not an NSBENCH app)');
  if (run.done === undefined) {
    return incomplete(
      `output ended after ${samplesMs.length} samples without "NSBENCH/1 done" ` +
        '(app killed, backgrounded or console detached)',
    );
  }
  if (header.iterations !== undefined && header.iterations !== samplesMs.length) {
    incomplete(`header asks for ${header.iterations} iterations but ${samplesMs.length} samples were printed`);
  }
  if (header.warmup !== undefined && header.warmup !== warmupMs.length) {
    incomplete(`header asks for ${header.warmup} warm-ups but ${warmupMs.length} were printed`);
  }
  if (expect.runId !== undefined && header.runId !== expect.runId) {
    incomplete(`run id ${header.runId ?? '(none)'} is not this launch's ${expect.runId}`);
  }
  return { version: NSBENCH_VERSION, header, warmupMs, samplesMs, thermal };
}
