// `snpe-net-run`: Qualcomm's Neural Processing SDK (SNPE) on the phone's DSP/HTP, GPU or CPU. Each
// model is a DLC: the user's own (.dlc files in a manifest) or the ONNX graph converted on the host
// with the SDK's snpe-onnx-to-dlc (cached). The DLC and seeded raw inputs are pushed, snpe-net-run runs
// `warmup + inferences` input sets in one process with `--perf_profile burst --profiling_level basic`,
// its SNPEDiag_0.log is pulled and decoded on the host with snpe-diagview.
//
// Samples: snpe-diagview prints only the average over every execute of the process (warm-ups
// included; the entry records how many), so each process is one sample (kind `process`) and the
// protocol repeats processes. The value is one statistic fixed by the options (`latency`: Total
// Inference Time by default); a log without it fails the entry. Forward-propagate, RPC and accelerator
// times go into the extras. A DSP or GPU run whose layers ran on the CPU, or a DSP run without any
// accelerator time, is flagged `cpu-fallback`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { ParseError, RunnerError } from '../../errors.js';
import { commandFailure } from '../../transports/command-error.js';
import { runProcess } from '../../transports/process.js';
import { checkExit, HOST } from '../check-exit.js';
import {
  pushSdkRuntime,
  removeRunOutputs,
  sdkCacheDir,
  sdkLayout,
  sdkPerRun,
  type SdkLayout,
} from '../qualcomm-sdk.js';
import {
  checkStarted,
  firstLine,
  remoteRuntimeMatches,
  repeatProcesses,
  runFileName,
  runtimeHash,
  type RunnerCheck,
} from '../device-tool.js';
import { ADSP_DEFAULT } from '../ort-perf-test/options.js';
import { rawInputFiles } from '../qnn-net-run/inputs.js';
import { requireFloatInputs } from '../float-inputs.js';
import { saveRawOutput } from '../raw-output.js';
import type { RunOutput, Runner, RunnerContext, RunnerSetup, RunRequest, StagedModel } from '../types.js';
import { diagviewArgv, pickDiagLog, snpeInputList, snpeNetRunArgv } from './args.js';
import { dlcFor } from './convert.js';
import { parseSnpeDiagview, type SnpeDiagviewResult } from './diagview.js';
import { parseSnpeNetRunLog, type SnpeNetRunLog } from './net-run-log.js';
import { SNPE_LATENCY, snpeNetRunOptionsSchema, type SnpeNetRunOptions } from './options.js';
import { locateSnpeSdk, type SnpeSdk } from './sdk.js';

const NAME = 'snpe-net-run';

function layout(ctx: RunnerContext, o: SnpeNetRunOptions): SdkLayout {
  const dsp: Record<string, string> = o.runtime === 'dsp' ? { ADSP_LIBRARY_PATH: ADSP_DEFAULT } : {};
  return sdkLayout(ctx, o, { folder: 'snpe', tool: 'snpe-net-run' }, { LD_LIBRARY_PATH: '{runtime}', ...dsp });
}

const signalOf = (ctx: RunnerContext) => (ctx.signal ? { signal: ctx.signal } : {});

const sdkFor = sdkPerRun(locateSnpeSdk);

export function checkSnpeNetRunHost(ctx: Pick<RunnerContext, 'profile'>, o: SnpeNetRunOptions): RunnerCheck {
  const sdk = locateSnpeSdk(ctx, o);
  const convert = sdk.converter ? 'converts ONNX with snpe-onnx-to-dlc' : 'no snpe-onnx-to-dlc: .dlc models only';
  return { ready: true, detail: `SNPE SDK ${sdk.version} at ${sdk.root}, runtime ${o.runtime}; ${convert}` };
}

export async function checkSnpeNetRun(ctx: RunnerContext, o: SnpeNetRunOptions): Promise<RunnerCheck> {
  const host = checkSnpeNetRunHost(ctx, o);
  const pushed = await remoteRuntimeMatches(ctx, layout(ctx, o).runtime, await runtimeHash(sdkFor(ctx, o).deviceFiles));
  const where = pushed ? 'already on the device' : 'pushed on first use';
  return { ...host, detail: `${host.detail}; snpe-net-run ${where}` };
}

/** Whether the run left the accelerator it was asked for: CPU layer rows, or a DSP run with no accelerator time. */
function cpuFallback(o: SnpeNetRunOptions, d: SnpeDiagviewResult): boolean | undefined {
  if (o.runtime === 'cpu') return undefined;
  if (d.runtimes.length > 0) return d.runtimes.includes('CPU');
  if (o.runtime === 'dsp') return !((d.execute.acceleratorMs ?? 0) > 0 || (d.execute.rpcExecuteMs ?? 0) > 0);
  return undefined;
}

/** snpe-diagview's text for `log`, parsed; its raw text is saved next to the journal when it cannot be read. */
async function diagviewOf(ctx: RunnerContext, sdk: SnpeSdk, log: string, label: string): Promise<SnpeDiagviewResult> {
  const options = { env: { SNPE_ROOT: sdk.root }, timeoutMs: 300_000, ...signalOf(ctx) };
  const r = await runProcess(diagviewArgv(sdk.diagview, log), options);
  const saved = () => `output: ${saveRawOutput(ctx, label, r.stdout, r.stderr)}`;
  checkExit(r, { runner: NAME, what: `snpe-diagview on the log of ${label}`, where: HOST, saved });
  try {
    return parseSnpeDiagview(r.stdout);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const file = saveRawOutput(ctx, label, r.stdout, r.stderr);
    const why = error.message.replace(/^cannot parse [^:]*: /, '');
    throw new ParseError(`snpe-diagview output for ${label}`, `${why} (raw output saved to ${file})`, error.excerpt);
  }
}

/** Pulls the run's SNPEDiag log into a host temp folder and decodes it there. */
async function decodeLog(ctx: RunnerContext, sdk: SnpeSdk, outDir: string, label: string): Promise<SnpeDiagviewResult> {
  const ls = await ctx.transport.exec(['ls', outDir], { timeoutMs: 30_000 });
  const name = pickDiagLog(ls.stdout.split('\n').map((l) => l.trim()));
  const failed = commandFailure(ls, ctx.transport.id);
  if (failed !== undefined || name === undefined) {
    const message = `${label}: snpe-net-run left no SNPEDiag_*.log in ${outDir} on ${ctx.transport.id}`;
    throw new RunnerError(NAME, message, { cause: failed });
  }
  const dir = mkdtempSync(join(tmpdir(), 'nsb-snpe-log-'));
  try {
    await ctx.transport.pull(posix.join(outDir, name), join(dir, name), signalOf(ctx));
    return await diagviewOf(ctx, sdk, join(dir, name), label);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pushes the input list for `count` input sets (pushes skip an unchanged file). */
async function inputListFor(ctx: RunnerContext, staged: StagedModel, count: number): Promise<string> {
  const dir = String(staged.extra?.['dir']);
  const remote = posix.join(dir, `input_list.${count}.txt`);
  const local = join(String(staged.extra?.['hostDir']), `input_list.${count}.txt`);
  const names = staged.extra?.['inputs'] as { name: string; remoteName: string }[];
  const paths = names.map((i) => ({ name: i.name, path: posix.join(dir, 'inputs', i.remoteName) }));
  const text = snpeInputList(paths, count);
  if (!existsSync(local) || readFileSync(local, 'utf8') !== text) writeFileSync(local, text);
  await ctx.transport.push(local, remote, signalOf(ctx));
  return remote;
}

/** Every execute statistic beside the sample, and how the process ran. */
function extrasOf(diag: SnpeDiagviewResult, log: SnpeNetRunLog, key: string, count: number, warmup: number) {
  const defined = Object.entries(diag.execute).filter(([k, v]) => v !== undefined && k !== 'yieldCount');
  return {
    latencyMetric: key,
    ...Object.fromEntries(defined),
    ...(diag.runtimes.length > 0 ? { layerRuntimes: diag.runtimes } : {}),
    ...(log.version !== undefined ? { snpeVersion: log.version } : {}),
    inferencesPerProcess: count,
    // The tool's average cannot leave the warm-ups out: say how many it holds.
    warmupsInAverage: warmup,
  };
}

/** Starts snpe-net-run once and checks that it ran: its exit code and its own log. */
async function execute(
  ctx: RunnerContext,
  o: SnpeNetRunOptions,
  staged: StagedModel,
  request: RunRequest,
  run: { outDir: string; count: number },
): Promise<SnpeNetRunLog> {
  const { outDir, count } = run;
  const l = layout(ctx, o);
  const label = staged.model.label;
  const affinity = request.affinity !== undefined ? { affinity: request.affinity } : {};
  const inputList = await inputListFor(ctx, staged, count);
  const files = { binary: l.binary, container: staged.remotePath, inputList, outputDir: outDir, ...affinity };
  const argv = snpeNetRunArgv(files, o);
  const options = { cwd: l.runtime, env: l.env, timeoutMs: request.timeoutMs, ...signalOf(ctx) };
  const r = await ctx.transport.exec(argv, options);
  checkStarted(NAME, ctx, r, { binary: l.binary, label, timeoutMs: request.timeoutMs });
  const saved = () => saveRawOutput(ctx, label, r.stdout, r.stderr);
  const where = ctx.transport.id;
  const log = parseSnpeNetRunLog(`${r.stdout}\n${r.stderr}`);
  // Its own log is checked with the exit code: snpe-net-run may exit 0 having run nothing.
  const failed = commandFailure(r, where);
  if (failed !== undefined || !log.succeeded) {
    const why = log.errors.slice(-2).join(' | ') || firstLine(r);
    const how = failed?.outcome ?? 'did not report "Successfully executed"';
    const message = `${label}: snpe-net-run ${how} on ${where}: ${why} (raw output saved to ${saved()})`;
    throw new RunnerError(NAME, message, { cause: failed });
  }
  return log;
}

async function runOnce(
  ctx: RunnerContext,
  o: SnpeNetRunOptions,
  staged: StagedModel,
  request: RunRequest,
  inferences: number,
): Promise<RunOutput> {
  const label = staged.model.label;
  const outDir = posix.join(layout(ctx, o).runtime, 'out', runFileName(label, '.out'));
  const count = request.warmup + inferences;
  try {
    const log = await execute(ctx, o, staged, request, { outDir, count });
    const diag = await decodeLog(ctx, sdkFor(ctx, o), outDir, label);
    const key = SNPE_LATENCY[o.latency];
    const value = diag.execute[key];
    if (value === undefined) {
      const has = Object.keys(diag.execute).join(', ');
      const chosen = `runner.options.latency "${o.latency}" in ${ctx.profile.file}`;
      throw new RunnerError(NAME, `${label}: snpe-diagview's statistics have no ${key} (${chosen}); it reports ${has}`);
    }
    const fallback = cpuFallback(o, diag);
    return {
      kind: 'process',
      samples: [value],
      provider: `snpe-${o.runtime}`,
      ...(fallback !== undefined ? { cpuFallback: fallback } : {}),
      extra: extrasOf(diag, log, key, count, request.warmup),
    };
  } finally {
    await ctx.transport.exec(['rm', '-rf', outDir], { timeoutMs: 30_000 }).catch(() => undefined);
  }
}

type SnpeRunner = Runner<SnpeNetRunOptions> & { check: typeof checkSnpeNetRun; checkHost: typeof checkSnpeNetRunHost };

export const snpeNetRunRunner: SnpeRunner = {
  name: NAME,
  sampling: 'process',
  optionsSchema: snpeNetRunOptionsSchema,
  check: checkSnpeNetRun,
  checkHost: checkSnpeNetRunHost,

  async prepare(ctx, o): Promise<RunnerSetup> {
    const sdk = sdkFor(ctx, o);
    const runtimeSha256 = await pushSdkRuntime(NAME, ctx, sdk.deviceFiles, layout(ctx, o));
    return {
      version: `SNPE SDK ${sdk.version}`,
      ep: `snpe-${o.runtime}`,
      options: {
        runtime: o.runtime,
        ...(o.htpArch !== undefined ? { htpArch: o.htpArch } : {}),
        perfProfile: o.perfProfile,
        profilingLevel: o.profilingLevel,
        latency: o.latency,
        // The statistic every sample is taken from: part of the run's identity for --resume.
        latencyMetric: SNPE_LATENCY[o.latency],
        runtimeSha256,
      },
    };
  },

  async stage(ctx, o, model): Promise<StagedModel> {
    requireFloatInputs(NAME, model);
    const sdk = sdkFor(ctx, o);
    const cache = sdkCacheDir(NAME, ctx, o, 'snpe');
    const dlc = await dlcFor(model, sdk, o, cache, ctx.log, ctx.signal);
    const dir = posix.join(layout(ctx, o).models, dlc.key);
    const hostDir = join(cache, 'lists', dlc.key);
    mkdirSync(hostDir, { recursive: true });
    const inputs = rawInputFiles(cache, model.inputs, o.inputSeed);
    await ctx.transport.push(dlc.file, posix.join(dir, 'model.dlc'), signalOf(ctx));
    for (const i of inputs) await ctx.transport.push(i.file, posix.join(dir, 'inputs', i.remoteName), signalOf(ctx));
    const names = inputs.map((i) => ({ name: i.name, remoteName: i.remoteName }));
    return { model, remotePath: posix.join(dir, 'model.dlc'), extra: { dir, hostDir, key: dlc.key, inputs: names } };
  },

  async run(ctx, o, staged, request): Promise<RunOutput> {
    const inferences = o.inferences ?? Math.max(1, request.minIterations);
    return repeatProcesses(request, () => runOnce(ctx, o, staged, request, inferences));
  },

  async cleanup(ctx, o) {
    await removeRunOutputs(ctx, layout(ctx, o));
  },
};
