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
import { packageRoot } from '../../paths.js';
import { runProcess } from '../../transports/process.js';
import {
  expandDeviceEnv, expandHostPath, firstLine, pushRuntime, remoteRuntimeMatches, repeatProcesses, runFileName, runtimeHash, startFailure,
  type RunnerCheck,
} from '../device-tool.js';
import { ADSP_DEFAULT } from '../ort-perf-test-options.js';
import { rawInputFiles } from '../qnn-net-run-inputs.js';
import { saveRawOutput } from '../raw-output.js';
import type { RunOutput, Runner, RunnerContext, RunnerSetup, RunRequest, StagedModel } from '../types.js';
import { diagviewArgv, pickDiagLog, snpeInputList, snpeNetRunArgv } from './args.js';
import { dlcFor } from './convert.js';
import { parseSnpeDiagview, type SnpeDiagviewResult } from './diagview.js';
import { parseSnpeNetRunLog } from './net-run-log.js';
import { SNPE_LATENCY, snpeNetRunOptionsSchema, type SnpeNetRunOptions } from './options.js';
import { locateSnpeSdk, type SnpeSdk } from './sdk.js';

const NAME = 'snpe-net-run';

interface Layout {
  runtime: string;
  binary: string;
  env: Record<string, string>;
  models: string;
}

function layout(ctx: RunnerContext, o: SnpeNetRunOptions): Layout {
  const runtime = posix.join(ctx.workDir, 'snpe');
  const env = { LD_LIBRARY_PATH: '{runtime}', ...(o.runtime === 'dsp' ? { ADSP_LIBRARY_PATH: ADSP_DEFAULT } : {}), ...o.env };
  return { runtime, binary: posix.join(runtime, 'snpe-net-run'), env: expandDeviceEnv(env, { runtime, workDir: ctx.workDir }), models: posix.join(ctx.workDir, 'snpe-models') };
}

function cacheDir(ctx: RunnerContext, o: SnpeNetRunOptions): string {
  return o.cacheDir !== undefined ? expandHostPath(NAME, ctx, 'cacheDir', o.cacheDir) : join(packageRoot(), '.cache', 'snpe');
}

const sdks = new WeakMap<RunnerContext, SnpeSdk>();
function sdkFor(ctx: RunnerContext, o: SnpeNetRunOptions): SnpeSdk {
  let sdk = sdks.get(ctx);
  if (!sdk) sdks.set(ctx, (sdk = locateSnpeSdk(ctx, o)));
  return sdk;
}

export function checkSnpeNetRunHost(ctx: Pick<RunnerContext, 'profile'>, o: SnpeNetRunOptions): RunnerCheck {
  const sdk = locateSnpeSdk(ctx, o);
  const convert = sdk.converter ? 'converts ONNX with snpe-onnx-to-dlc' : 'no snpe-onnx-to-dlc: .dlc models only';
  return { ready: true, detail: `SNPE SDK ${sdk.version} at ${sdk.root}, runtime ${o.runtime}; ${convert}` };
}

export async function checkSnpeNetRun(ctx: RunnerContext, o: SnpeNetRunOptions): Promise<RunnerCheck> {
  const host = checkSnpeNetRunHost(ctx, o);
  const pushed = await remoteRuntimeMatches(ctx, layout(ctx, o).runtime, await runtimeHash(sdkFor(ctx, o).deviceFiles));
  return { ...host, detail: `${host.detail}; snpe-net-run ${pushed ? 'already on the device' : 'pushed on first use'}` };
}

/** Whether the run left the accelerator it was asked for: CPU layer rows, or a DSP run with no accelerator time. */
function cpuFallback(o: SnpeNetRunOptions, d: SnpeDiagviewResult): boolean | undefined {
  if (o.runtime === 'cpu') return undefined;
  if (d.runtimes.length > 0) return d.runtimes.includes('CPU');
  if (o.runtime === 'dsp') return !((d.execute.acceleratorMs ?? 0) > 0 || (d.execute.rpcExecuteMs ?? 0) > 0);
  return undefined;
}

async function decodeLog(ctx: RunnerContext, sdk: SnpeSdk, outDir: string, label: string): Promise<{ diag: SnpeDiagviewResult; text: string }> {
  const ls = await ctx.transport.exec(['ls', outDir], { timeoutMs: 30_000 });
  const name = pickDiagLog(ls.stdout.split('\n').map((l) => l.trim()));
  if (ls.exitCode !== 0 || name === undefined) throw new RunnerError(NAME, `${label}: snpe-net-run left no SNPEDiag_*.log in ${outDir} on ${ctx.transport.id}`);
  const dir = mkdtempSync(join(tmpdir(), 'nsb-snpe-log-'));
  try {
    const local = join(dir, name);
    await ctx.transport.pull(posix.join(outDir, name), local, ctx.signal ? { signal: ctx.signal } : {});
    const r = await runProcess(diagviewArgv(sdk.diagview, local), { env: { SNPE_ROOT: sdk.root }, timeoutMs: 300_000, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    if (r.exitCode !== 0) throw new RunnerError(NAME, `snpe-diagview failed on the log of ${label}: ${firstLine(r)} (output saved to ${saveRawOutput(ctx, label, r.stdout, r.stderr)})`);
    try {
      return { diag: parseSnpeDiagview(r.stdout), text: r.stdout };
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      const file = saveRawOutput(ctx, label, r.stdout, r.stderr);
      throw new ParseError(`snpe-diagview output for ${label}`, `${error.message.replace(/^cannot parse [^:]*: /, '')} (raw output saved to ${file})`, error.excerpt);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pushes the input list for `count` input sets (once per count; pushes skip an unchanged file). */
async function inputListFor(ctx: RunnerContext, staged: StagedModel, count: number): Promise<string> {
  const dir = String(staged.extra?.['dir']);
  const remote = posix.join(dir, `input_list.${count}.txt`);
  const local = join(String(staged.extra?.['hostDir']), `input_list.${count}.txt`);
  const names = staged.extra?.['inputs'] as { name: string; remoteName: string }[];
  const text = snpeInputList(names.map((i) => ({ name: i.name, path: posix.join(dir, 'inputs', i.remoteName) })), count);
  if (!existsSync(local) || readFileSync(local, 'utf8') !== text) writeFileSync(local, text);
  await ctx.transport.push(local, remote, ctx.signal ? { signal: ctx.signal } : {});
  return remote;
}

async function runOnce(ctx: RunnerContext, o: SnpeNetRunOptions, staged: StagedModel, request: RunRequest, inferences: number): Promise<RunOutput> {
  const l = layout(ctx, o);
  const label = staged.model.label;
  const outDir = posix.join(l.runtime, 'out', runFileName(label, '.out'));
  const count = request.warmup + inferences;
  const argv = snpeNetRunArgv(
    { binary: l.binary, container: staged.remotePath, inputList: await inputListFor(ctx, staged, count), outputDir: outDir, ...(request.affinity !== undefined ? { affinity: request.affinity } : {}) },
    o,
  );
  const r = await ctx.transport.exec(argv, { cwd: l.runtime, env: l.env, timeoutMs: request.timeoutMs, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  try {
    const saved = () => saveRawOutput(ctx, label, r.stdout, r.stderr);
    if (r.timedOut) throw new RunnerError(NAME, `timed out after ${request.timeoutMs} ms on ${ctx.transport.id} running ${label}; the process was killed (its output so far: ${saved()})`);
    const cannotStart = startFailure(r);
    if (cannotStart !== undefined) throw new RunnerError(NAME, `cannot start ${l.binary} on ${ctx.transport.id}: ${cannotStart}`);
    const log = parseSnpeNetRunLog(`${r.stdout}\n${r.stderr}`);
    if (r.exitCode !== 0 || !log.succeeded) {
      const why = log.errors.slice(-2).join(' | ') || firstLine(r);
      throw new RunnerError(NAME, `${label}: snpe-net-run ${r.exitCode !== 0 ? `exited ${r.exitCode}` : 'did not report "Successfully executed"'} on ${ctx.transport.id}: ${why} (raw output saved to ${saved()})`);
    }
    const { diag } = await decodeLog(ctx, sdkFor(ctx, o), outDir, label);
    const key = SNPE_LATENCY[o.latency];
    const value = diag.execute[key];
    if (value === undefined) {
      throw new RunnerError(NAME, `${label}: snpe-diagview's execute statistics have no ${key} (runner.options.latency "${o.latency}" in ${ctx.profile.file}); it reports ${Object.keys(diag.execute).join(', ')}`);
    }
    const fallback = cpuFallback(o, diag);
    const e = diag.execute;
    const extra: Record<string, unknown> = {
      latencyMetric: key,
      ...(e.totalInferenceMs !== undefined ? { totalInferenceMs: e.totalInferenceMs } : {}),
      ...(e.forwardPropagateMs !== undefined ? { forwardPropagateMs: e.forwardPropagateMs } : {}),
      ...(e.rpcExecuteMs !== undefined ? { rpcExecuteMs: e.rpcExecuteMs } : {}),
      ...(e.snpeAcceleratorMs !== undefined ? { snpeAcceleratorMs: e.snpeAcceleratorMs } : {}),
      ...(e.acceleratorMs !== undefined ? { acceleratorMs: e.acceleratorMs } : {}),
      ...(diag.runtimes.length > 0 ? { layerRuntimes: diag.runtimes } : {}),
      ...(log.version !== undefined ? { snpeVersion: log.version } : {}),
      inferencesPerProcess: count,
      // The tool's average cannot leave the warm-ups out: say how many it holds.
      warmupsInAverage: request.warmup,
    };
    return { kind: 'process', samples: [value], provider: `snpe-${o.runtime}`, ...(fallback !== undefined ? { cpuFallback: fallback } : {}), extra };
  } finally {
    await ctx.transport.exec(['rm', '-rf', outDir], { timeoutMs: 30_000 }).catch(() => undefined);
  }
}

export const snpeNetRunRunner: Runner<SnpeNetRunOptions> & { check: typeof checkSnpeNetRun; checkHost: typeof checkSnpeNetRunHost } = {
  name: NAME,
  sampling: 'process',
  optionsSchema: snpeNetRunOptionsSchema,
  check: checkSnpeNetRun,
  checkHost: checkSnpeNetRunHost,

  async prepare(ctx, o): Promise<RunnerSetup> {
    const sdk = sdkFor(ctx, o);
    const l = layout(ctx, o);
    const pushed = await pushRuntime(NAME, ctx, sdk.deviceFiles, l.runtime, ['snpe-net-run']);
    const probe = await ctx.transport.exec([l.binary, '--version'], { cwd: l.runtime, env: l.env, timeoutMs: 60_000 });
    const failed = probe.timedOut ? 'it did not answer --version within 60 s' : startFailure(probe);
    if (failed !== undefined) throw new RunnerError(NAME, `cannot start ${l.binary} on ${ctx.transport.id}: ${failed}`);
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
        runtimeSha256: pushed.sha256,
      },
    };
  },

  async stage(ctx, o, model): Promise<StagedModel> {
    const sdk = sdkFor(ctx, o);
    const cache = cacheDir(ctx, o);
    const dlc = await dlcFor(model, sdk, o, cache, ctx.log, ctx.signal);
    const dir = posix.join(layout(ctx, o).models, dlc.key);
    const hostDir = join(cache, 'lists', dlc.key);
    mkdirSync(hostDir, { recursive: true });
    const inputs = rawInputFiles(cache, model.inputs, o.inputSeed);
    const push = (local: string, remote: string) => ctx.transport.push(local, remote, ctx.signal ? { signal: ctx.signal } : {});
    await push(dlc.file, posix.join(dir, 'model.dlc'));
    for (const i of inputs) await push(i.file, posix.join(dir, 'inputs', i.remoteName));
    return { model, remotePath: posix.join(dir, 'model.dlc'), extra: { dir, hostDir, key: dlc.key, inputs: inputs.map((i) => ({ name: i.name, remoteName: i.remoteName })) } };
  },

  async run(ctx, o, staged, request): Promise<RunOutput> {
    const inferences = o.inferences ?? Math.max(1, request.minIterations);
    return repeatProcesses(request, () => runOnce(ctx, o, staged, request, inferences));
  },

  async cleanup(ctx, o) {
    await ctx.transport.exec(['rm', '-rf', posix.join(layout(ctx, o).runtime, 'out')], { timeoutMs: 30_000 });
  },
};
