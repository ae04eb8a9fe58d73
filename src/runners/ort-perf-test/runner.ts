// `ort-perf-test`: ONNX Runtime's onnxruntime_perf_test on the device, with the QNN (HTP), NNAPI,
// XNNPACK, CoreML or CPU execution provider. The binary and its libraries come from a host folder
// pushed once to <workDir>/runtime/; library paths are set per run through the environment.
//
// Samples: per-run times from the positional result_file (one CSV row per run, in s), read back with
// `cat` after each process: kind `iteration`. perf_test runs one untimed warm-up of its own; more
// warm-ups are taken as the first rows of the file and dropped. When the file is off
// (`resultFile: false`) or missing, the printed average (ms) of each process is one sample and
// processes are repeated: kind `process`.
//
// Honesty: with qnn, `session.disable_cpu_ep_fallback|1` is set by default, so a block the HTP cannot
// take whole fails (ModelError, not retried) instead of being timed partly on the CPU; with the
// fallback allowed, the QNN EP's partition summary is read. With nnapi and xnnpack (and qnn with the
// fallback allowed) perf_test runs once more per entry, one run with ORT profiling (`-p`), and the
// profile says which nodes ran on CPUExecutionProvider: any that does the model's work flags the
// entry `cpu-fallback`. That run is separate because profiling slows the timed runs down. For nnapi,
// NNAPI_FLAG_CPU_DISABLED keeps NNAPI's own CPU path (invisible in the profile) out by default.
import { posix } from 'node:path';
import { ModelError, ParseError, RunnerError } from '../../errors.js';
import {
  detectOrtPerfTestFailure,
  detectQnnFallback,
  OrtPerfTestFailedError,
  parseOrtPerfTest,
  parseOrtPerfTestResultFile,
  type OrtPerfTestResult,
} from './parser.js';
import { cpuPlacement, parseOrtProfile, type CpuPlacementVerdict } from './profile-json.js';
import { saveRawOutput } from '../raw-output.js';
import { pushModel } from '../remote-files.js';
import { ortPerfTestArgv } from './args.js';
import {
  cpuFallbackDisabled,
  isQnn,
  lutEp,
  nnapiCpuOnly,
  ortPerfTestOptionsSchema,
  placementChecked,
  providerFlags,
  providerOptions,
  requiredRuntimeFiles,
  runtimeEnv,
  sessionOptions,
  type OrtPerfTestOptions,
} from './options.js';
import {
  checkStarted,
  expandDeviceEnv,
  pushRuntime,
  remoteRuntimeMatches,
  repeatProcesses,
  resolveRuntimeFolder,
  runFileName,
  runtimeHash,
  startFailure,
  type RunnerCheck,
} from '../device-tool.js';
import { commandFailure } from '../../transports/command-error.js';
import type { ExecResult } from '../../transports/types.js';
import { checkExit } from '../check-exit.js';
import type { RunOutput, Runner, RunnerContext, RunnerSetup, RunRequest, StagedModel } from '../types.js';

const NAME = 'ort-perf-test';
const WHAT =
  'onnxruntime_perf_test built for the device (ORT build.sh --android ' +
  '... --build_shared_lib, with --use_qnn for QNN) and its libraries';

/** Where things are on the device for one profile. */
interface Layout {
  /** Remote runtime folder, when the profile has a host runtime folder. */
  runtime?: string;
  binary: string;
  cwd: string;
  env: Record<string, string>;
  out: string;
}

function layout(ctx: RunnerContext, o: OrtPerfTestOptions): Layout {
  const runtime = o.runtimeDir !== undefined ? posix.join(ctx.workDir, 'runtime') : undefined;
  return {
    ...(runtime !== undefined ? { runtime } : {}),
    binary: runtime !== undefined ? posix.join(runtime, o.binary) : o.binary,
    cwd: runtime ?? ctx.workDir,
    env: expandDeviceEnv(runtimeEnv(o), { ...(runtime !== undefined ? { runtime } : {}), workDir: ctx.workDir }),
    out: posix.join(ctx.workDir, 'out'),
  };
}

/** Runs the binary with `-h` to learn whether it starts at all (binary, libraries, ABI). */
async function probe(ctx: RunnerContext, o: OrtPerfTestOptions, l: Layout): Promise<void> {
  const r = await ctx.transport.exec([l.binary, '-h'], {
    cwd: l.cwd,
    env: l.env,
    timeoutMs: 60_000,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const failed = r.timedOut ? 'it did not answer -h within 60 s' : startFailure(r);
  if (failed !== undefined) {
    throw new RunnerError(NAME, `cannot start ${l.binary} on ${ctx.transport.id}: ${failed}`, {
      hint:
        o.runtimeDir === undefined
          ? 'set runner.options.runtimeDir to a host folder holding the binary and its libraries (it is pushed for you)'
          : `check that ${o.runtimeDir} holds a build for this device's ABI with every library it links`,
    });
  }
}

function setupOf(o: OrtPerfTestOptions, runtimeSha: string | undefined): RunnerSetup {
  return {
    version:
      o.version ??
      (runtimeSha
        ? `onnxruntime_perf_test runtime ${runtimeSha.slice(0, 12)}`
        : `onnxruntime_perf_test on the device (${o.binary})`),
    ep: lutEp(o),
    options: {
      binary: o.binary,
      ep: o.ep,
      epOptions: providerOptions(o),
      epFlags: providerFlags(o),
      sessionOptions: sessionOptions(o),
      // Only when on, so the options of profiles without the check stay what older LUTs recorded.
      ...(placementChecked(o) ? { checkPlacement: true } : {}),
      ...(o.iterations !== undefined ? { iterations: o.iterations } : {}),
      samples: o.resultFile ? 'result_file' : 'average',
      ...(runtimeSha ? { runtimeSha256: runtimeSha } : {}),
    },
  };
}

/** The host half of the check (no device needed): the runtime folder and the files it must hold. */
export function checkOrtPerfTestHost(ctx: Pick<RunnerContext, 'profile'>, o: OrtPerfTestOptions): RunnerCheck {
  if (o.runtimeDir === undefined)
    return { ready: true, detail: `${o.binary} expected on the device (no runtime folder to push)` };
  const host = resolveRuntimeFolder(NAME, ctx, o.runtimeDir, o.binary, requiredRuntimeFiles(o), WHAT);
  return { ready: true, detail: `${lutEp(o)}: runtime ${host.dir} (${host.files.length} files)` };
}

/** Light check for `bench devices`: the host runtime folder and, when there is none, the binary on the device. */
export async function checkOrtPerfTest(ctx: RunnerContext, o: OrtPerfTestOptions): Promise<RunnerCheck> {
  const l = layout(ctx, o);
  if (o.runtimeDir === undefined) {
    await probe(ctx, o, l);
    return { ready: true, detail: `${o.binary} starts on the device (${lutEp(o)})` };
  }
  const host = resolveRuntimeFolder(NAME, ctx, o.runtimeDir, o.binary, requiredRuntimeFiles(o), WHAT);
  const sha = await runtimeHash(host.files);
  const pushed = await remoteRuntimeMatches(ctx, l.runtime!, sha);
  return {
    ready: true,
    detail:
      `${lutEp(o)}: runtime ${host.dir} (${host.files.length} ` +
      `files)${pushed ? ', already on the device' : ', pushed on first use'}`,
  };
}

async function readResultFile(ctx: RunnerContext, file: string): Promise<string | undefined> {
  const r = await ctx.transport.exec(['sh', '-c', 'cat "$1" && rm -f "$1"', 'sh', file], { timeoutMs: 60_000 });
  return r.exitCode === 0 && r.stdout.trim() !== '' ? r.stdout : undefined;
}

function fail(
  ctx: RunnerContext,
  staged: StagedModel,
  what: string,
  stdout: string,
  stderr: string,
  error: ParseError,
): never {
  const file = saveRawOutput(ctx, staged.model.label, stdout, stderr);
  throw new ParseError(
    `${what} for ${staged.model.label}`,
    `${error.message.replace(/^cannot parse [^:]*: /, '')} (raw output saved to ${file})`,
    error.excerpt,
  );
}

/** The perf_test argv for this profile and request, with `runs` runs and an optional output file. */
function argvFor(
  o: OrtPerfTestOptions,
  l: Layout,
  staged: StagedModel,
  request: RunRequest,
  runs: number,
  out: { resultFile?: string; profilePrefix?: string },
): string[] {
  return ortPerfTestArgv({
    binary: l.binary,
    ep: o.ep,
    providerOptions: providerOptions(o),
    providerFlags: providerFlags(o),
    sessionOptions: sessionOptions(o, request),
    runs,
    ...(request.threads !== undefined ? { threads: request.threads } : {}),
    ...(request.affinity !== undefined ? { affinity: request.affinity } : {}),
    randomInputs: o.randomInputs,
    seed: request.seed,
    extraArgs: o.extraArgs,
    model: staged.remotePath,
    ...out,
  });
}

function execIn(ctx: RunnerContext, l: Layout, argv: string[], timeoutMs: number) {
  return ctx.transport.exec(argv, { cwd: l.cwd, env: l.env, timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) });
}

// ---------------------------------------------------------------------------------------------------
// Placement: which nodes ran on the CPU EP

/** The outcome of the profiling run: a verdict, or why there is none. */
interface Placement {
  verdict?: CpuPlacementVerdict;
  problem?: string;
}

// One profiling run per staged model: the protocol keeps the StagedModel of an entry across its
// rounds (and stages again after a retry), so this is once per entry, not once per round.
const placements = new WeakMap<StagedModel, Placement>();

async function placementOf(
  ctx: RunnerContext,
  o: OrtPerfTestOptions,
  staged: StagedModel,
  request: RunRequest,
): Promise<Placement | undefined> {
  if (!placementChecked(o)) return undefined;
  let p = placements.get(staged);
  if (p === undefined) {
    p = await profileRun(ctx, o, staged, request);
    placements.set(staged, p);
    if (p.problem !== undefined) ctx.log(`${staged.model.label}: cannot tell which nodes ran on the CPU: ${p.problem}`);
  }
  return p;
}

/** One perf_test run with `-p`, then the profile read back and judged. Never throws for the tool's sake:
 * the timed process already succeeded, so a profiling problem costs the verdict, not the entry. */
async function profileRun(
  ctx: RunnerContext,
  o: OrtPerfTestOptions,
  staged: StagedModel,
  request: RunRequest,
): Promise<Placement> {
  const l = layout(ctx, o);
  const label = staged.model.label;
  const prefix = posix.join(l.out, runFileName(label, '.profile'));
  const r = await execIn(ctx, l, argvFor(o, l, staged, request, 1, { profilePrefix: prefix }), request.timeoutMs);
  const failure = profilingFailure(r, request.timeoutMs, ctx.transport.id);
  const text = await readProfile(ctx, prefix); // also removes what a failed run left
  if (failure !== undefined) {
    const file = saveRawOutput(ctx, `${label}.profile`, r.stdout, r.stderr);
    return { problem: `the profiling run failed: ${failure} (its output: ${file})` };
  }
  if (text === undefined) return { problem: `no profile ${prefix}_*.json came back` };
  try {
    return { verdict: cpuPlacement(parseOrtProfile(text)) };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const file = saveRawOutput(ctx, `${label}.profile`, text, '');
    return { problem: `${error.message} (saved to ${file})` };
  }
}

function profilingFailure(r: ExecResult, timeoutMs: number, where: string): string | undefined {
  if (r.timedOut) return `timed out after ${timeoutMs} ms`;
  const failed = detectOrtPerfTestFailure(r.stdout, r.stderr);
  if (failed !== undefined) return failed.line;
  const error = commandFailure(r, where);
  return error && `${error.status}: ${error.reason}`;
}

// ORT names the file <prefix>_<timestamp>.json; the prefix is unique to the run, so the glob matches
// one file. It is removed once read, like the result file.
async function readProfile(ctx: RunnerContext, prefix: string): Promise<string | undefined> {
  const script = 'for f in "$1"_*.json; do if [ -f "$f" ]; then cat "$f"; fi; done; rm -f "$1"_*.json';
  const r = await ctx.transport.exec(['sh', '-c', script, 'sh', prefix], { timeoutMs: 60_000 });
  return r.exitCode === 0 && r.stdout.trim() !== '' ? r.stdout : undefined;
}

interface FallbackVerdict {
  fellBack: boolean | undefined;
  evidence: string[];
}

/** Any source saying "CPU" wins; "not CPU" needs one source that looked and none that disagrees. */
function combine(verdicts: (FallbackVerdict | undefined)[]): FallbackVerdict {
  const known = verdicts.filter((v): v is FallbackVerdict => v !== undefined);
  const fellBack = known.some((v) => v.fellBack === true)
    ? true
    : known.some((v) => v.fellBack === false)
      ? false
      : undefined;
  return { fellBack, evidence: known.flatMap((v) => v.evidence) };
}

/** What the options alone say: NNAPI_FLAG_CPU_ONLY puts every operation on nnapi-reference. */
function optionsVerdict(o: OrtPerfTestOptions): FallbackVerdict | undefined {
  return nnapiCpuOnly(o)
    ? {
        fellBack: true,
        evidence: ['NNAPI_FLAG_CPU_ONLY: NNAPI runs every operation on its own CPU implementation (nnapi-reference)'],
      }
    : undefined;
}

function placementExtra(p: Placement | undefined): Record<string, unknown> {
  if (p === undefined) return {};
  if (p.verdict === undefined) return { placementCheck: p.problem };
  return {
    providers: p.verdict.providers,
    ...(p.verdict.cpuNodes.length > 0 ? { cpuNodes: p.verdict.cpuNodes.map((n) => `${n.name} (${n.op})`) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------

/** One perf_test process. `runs` timed runs; `drop` leading rows of the result file are extra warm-ups. */
async function runProcess(
  ctx: RunnerContext,
  o: OrtPerfTestOptions,
  staged: StagedModel,
  request: RunRequest,
  runs: number,
  drop: number,
  withFile: boolean,
): Promise<RunOutput> {
  const l = layout(ctx, o);
  const label = staged.model.label;
  const resultFile = withFile ? posix.join(l.out, runFileName(label, '.csv')) : undefined;
  const argv = argvFor(o, l, staged, request, runs + drop, resultFile !== undefined ? { resultFile } : {});
  const r = await execIn(ctx, l, argv, request.timeoutMs);
  checkStarted(NAME, ctx, r, { binary: l.binary, label, timeoutMs: request.timeoutMs, hint: SLOW_BLOCK });
  const parsed = parseProcessOutput(ctx, o, staged, r);
  const saved = () => `raw output saved to ${saveRawOutput(ctx, label, r.stdout, r.stderr)}`;
  checkExit(r, { runner: NAME, what: label, where: ctx.transport.id, saved });
  // The timed process's file first: the profiling run comes after and must not disturb it.
  const text = resultFile !== undefined ? await readResultFile(ctx, resultFile) : undefined;
  const placement = await placementOf(ctx, o, staged, request);
  const fallback = combine([
    optionsVerdict(o),
    isQnn(o) ? detectQnnFallback(r.stdout, r.stderr) : undefined,
    placement?.verdict,
  ]);
  const { base, extra } = processFields(o, parsed, runs, fallback, placement);
  if (text !== undefined) {
    const { samples, warmup } = resultFileSamples(ctx, staged, text, r.stdout, parsed, drop);
    return {
      kind: 'iteration',
      samples,
      warmup,
      ...base,
      extra: { ...extra, samplesFrom: 'result_file' },
    };
  }
  if (resultFile !== undefined) ctx.log(`${label}: no result file came back; using the printed average of the process`);
  return {
    kind: 'process',
    samples: [parsed.averageMs],
    ...(parsed.firstInferenceMs !== undefined ? { warmup: [parsed.firstInferenceMs] } : {}),
    ...base,
    extra: { ...extra, samplesFrom: 'average' },
  };
}

const SLOW_BLOCK = 'raise measure.timeoutMs in the profile if the block is that slow';

/** The tool's printed report; a failure it reported becomes a model or runner error with the output saved. */
function parseProcessOutput(
  ctx: RunnerContext,
  o: OrtPerfTestOptions,
  staged: StagedModel,
  r: ExecResult,
): OrtPerfTestResult {
  const label = staged.model.label;
  try {
    return parseOrtPerfTest(r.stdout, r.stderr);
  } catch (error) {
    if (error instanceof OrtPerfTestFailedError) {
      const file = saveRawOutput(ctx, label, r.stdout, r.stderr);
      if (error.failure.signal === 'fallback to CPU EP has been explicitly disabled') {
        throw new ModelError(
          `${label}: the ${o.ep} execution provider cannot run every ` +
            `node and CPU fallback is disabled (${error.failure.line})`,
          {
            hint: 'set runner.options.disableCpuFallback to false to measure it anyway, flagged cpu-fallback',
          },
        );
      }
      throw new RunnerError(
        NAME,
        `${label} failed on ${ctx.transport.id}: ${error.failure.line} (raw output saved to ${file})`,
      );
    }
    if (error instanceof ParseError) fail(ctx, staged, 'onnxruntime_perf_test output', r.stdout, r.stderr, error);
    throw error;
  }
}

/** What every sample of the process shares (`base`) and what the record keeps beside it (`extra`). */
function processFields(
  o: OrtPerfTestOptions,
  parsed: OrtPerfTestResult,
  runs: number,
  fallback: FallbackVerdict,
  placement: Placement | undefined,
): { base: Omit<RunOutput, 'kind' | 'samples' | 'warmup' | 'extra'>; extra: Record<string, unknown> } {
  const base = {
    ...(parsed.sessionCreationMs !== undefined ? { loadMs: parsed.sessionCreationMs } : {}),
    provider: lutEp(o),
    ...(parsed.peakWorkingSetBytes !== undefined ? { peakMemoryBytes: parsed.peakWorkingSetBytes } : {}),
    ...(fallback.fellBack !== undefined ? { cpuFallback: fallback.fellBack } : {}),
  };
  const extra: Record<string, unknown> = {
    toolAverageMs: parsed.averageMs,
    runsPerProcess: runs,
    ...(parsed.peakWorkingSetBytes !== undefined ? { peakWorkingSetBytes: parsed.peakWorkingSetBytes } : {}),
    ...(fallback.evidence.length > 0 ? { fallbackEvidence: fallback.evidence } : {}),
    ...placementExtra(placement),
  };
  return { base, extra };
}

/** Per-run latencies from the result file; its first `drop` rows join the first inference as warm-ups. */
function resultFileSamples(
  ctx: RunnerContext,
  staged: StagedModel,
  text: string,
  stdout: string,
  parsed: OrtPerfTestResult,
  drop: number,
): { samples: number[]; warmup: number[] } {
  let rows: number[];
  try {
    rows = parseOrtPerfTestResultFile(text).latenciesMs;
  } catch (error) {
    if (error instanceof ParseError) fail(ctx, staged, 'onnxruntime_perf_test result file', text, stdout, error);
    throw error;
  }
  const warmup = [...(parsed.firstInferenceMs !== undefined ? [parsed.firstInferenceMs] : []), ...rows.slice(0, drop)];
  return { samples: rows.slice(drop), warmup };
}

/** Runs per process when each process gives one sample (its average). */
export const AVERAGE_RUNS_DEFAULT = 10;

/**
 * Timed runs per process. With per-run samples: the profile's count within the protocol's bounds,
 * else the protocol's minimum. With one average per process: the profile's count (default 10); the
 * protocol's bounds then count processes.
 */
export function runsPerProcess(o: OrtPerfTestOptions, request: RunRequest): number {
  if (!o.resultFile) return o.iterations ?? AVERAGE_RUNS_DEFAULT;
  if (o.iterations === undefined) return Math.max(1, request.minIterations);
  return Math.min(
    Math.max(o.iterations, request.minIterations),
    Math.max(request.maxIterations, request.minIterations),
  );
}

export const ortPerfTestRunner: Runner<OrtPerfTestOptions> & {
  check: typeof checkOrtPerfTest;
  checkHost: typeof checkOrtPerfTestHost;
} = {
  name: NAME,
  sampling: 'iteration',
  optionsSchema: ortPerfTestOptionsSchema,
  check: checkOrtPerfTest,
  checkHost: checkOrtPerfTestHost,

  async prepare(ctx, o): Promise<RunnerSetup> {
    const l = layout(ctx, o);
    let sha: string | undefined;
    if (o.runtimeDir !== undefined) {
      const host = resolveRuntimeFolder(NAME, ctx, o.runtimeDir, o.binary, requiredRuntimeFiles(o), WHAT);
      sha = (await pushRuntime(NAME, ctx, host.files, l.runtime!, [o.binary])).sha256;
    }
    const mk = await ctx.transport.exec(['mkdir', '-p', l.out], { timeoutMs: 30_000 });
    checkExit(mk, { runner: NAME, what: `creating ${l.out}`, where: ctx.transport.id });
    await probe(ctx, o, l);
    if (cpuFallbackDisabled(o))
      ctx.log(`${o.ep}: CPU fallback disabled (a block the EP cannot take whole fails instead of running on the CPU)`);
    else if (placementChecked(o))
      ctx.log(`${o.ep}: one profiling run per entry tells which nodes ran on the CPU (flagged cpu-fallback)`);
    if (o.ep === 'nnapi' && !providerFlags(o).includes('NNAPI_FLAG_CPU_DISABLED') && !nnapiCpuOnly(o)) {
      ctx.log(
        'nnapi: NNAPI may run operations on its own CPU ' +
          'implementation, which no profile shows (disableNnapiCpu is off)',
      );
    }
    return setupOf(o, sha);
  },

  async stage(ctx, _o, model): Promise<StagedModel> {
    if (!model.graph.endsWith('.onnx'))
      throw new ModelError(`${model.label}: ${model.graph} is not an ONNX model; ${NAME} runs .onnx files`);
    return pushModel(ctx, model);
  },

  async run(ctx, o, staged, request): Promise<RunOutput> {
    const runs = runsPerProcess(o, request);
    // perf_test warms up once by itself; further warm-ups are the first rows of the result file.
    const drop = o.resultFile ? Math.max(0, request.warmup - 1) : 0;
    const first = await runProcess(ctx, o, staged, request, runs, drop, o.resultFile);
    if (first.kind === 'iteration') return first;
    // Only an average per process: each process is one sample.
    let pending: RunOutput | undefined = first;
    return repeatProcesses(request, async () => {
      const out = pending ?? (await runProcess(ctx, o, staged, request, runs, 0, o.resultFile));
      pending = undefined;
      return out;
    });
  },

  async cleanup(ctx, o) {
    await ctx.transport.exec(['rm', '-rf', layout(ctx, o).out], { timeoutMs: 30_000 });
  },
};
