// `qnn-net-run`: Qualcomm's QNN runtime on the phone's HTP, without ONNX Runtime in between. Each
// model is converted on the host with the SDK found through QNN_SDK_ROOT (ONNX -> model library ->
// context binary for the profile's HTP arch, cached), pushed with seeded raw inputs, run with
// `--retrieve_context --perf_profile burst --profiling_level basic`, and its profiling log is pulled
// and decoded on the host with qnn-profile-viewer.
//
// Samples: one per execute (kind `iteration`) when the viewer's output has per-execute values (the
// CSV, the default, or the JSON reader, or the old "Execute Stat N" text); the requested warm-ups are
// the first executes and are dropped (the first HTP execute pays the power-up). The default text of
// newer SDKs gives only "Execute Stats (Average)": then each process is one sample (kind `process`,
// warm-ups included in the average) and processes are repeated. The value is one profiling event,
// fixed by the options (`latency`, see latencyEvent()) and recorded in the runtime options: a log
// without it fails the entry with the events it does have, never falls back to another. NetRun,
// accelerator times and HVX threads are kept in the entry's extras. No HVX threads or no accelerator
// time means the graph ran on the CPU: flagged `cpu-fallback`.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { writeFileAtomic } from '../../atomic-write.js';
import { ModelError, ParseError, RunnerError } from '../../errors.js';
import { commandFailure } from '../../transports/command-error.js';
import { runProcess } from '../../transports/process.js';
import { parseQnnProfileJson, qnnJsonExecutes, qnnJsonLatency } from './profile-json.js';
import {
  parseQnnProfileViewer,
  qnnViewerExecutes,
  qnnViewerLatency,
  type QnnExecuteEvents,
  type QnnLatency,
} from './profile-viewer.js';
import { parseQnnProfilingCsv, qnnCsvExecutes, qnnCsvLatency } from './profiling-csv.js';
import { checkExit, HOST } from '../check-exit.js';
import {
  pushSdkRuntime,
  removeRunOutputs,
  sdkCacheDir,
  sdkLayout,
  sdkPerRun,
  type SdkLayout,
} from '../qualcomm-sdk.js';
import { requireFloatInputs } from '../float-inputs.js';
import { saveRawOutput } from '../raw-output.js';
import { ADSP_DEFAULT } from '../ort-perf-test/options.js';
import {
  checkStarted,
  remoteRuntimeMatches,
  repeatProcesses,
  runFileName,
  runtimeHash,
  type RunnerCheck,
} from '../device-tool.js';
import { inputListText, netRunArgv, pickProfilingLog, viewerArgv } from './args.js';
import { convertModel } from './convert.js';
import { rawInputFiles } from './inputs.js';
import { LATENCY_EVENTS, latencyEvent, qnnNetRunOptionsSchema, type QnnNetRunOptions } from './options.js';
import { locateSdk, type QnnSdk } from './sdk.js';
import type { ExecResult } from '../../transports/types.js';
import type { RunOutput, Runner, RunnerContext, RunnerSetup, RunRequest, StagedModel } from '../types.js';

const NAME = 'qnn-net-run';

function layout(ctx: RunnerContext, o: QnnNetRunOptions): SdkLayout {
  const env = { LD_LIBRARY_PATH: '{runtime}', ADSP_LIBRARY_PATH: ADSP_DEFAULT };
  return sdkLayout(ctx, o, { folder: 'qnn', tool: 'qnn-net-run' }, env);
}

const sdkFor = sdkPerRun(locateSdk);

/** The host half of the check (no device needed): the SDK and every file of it the runner uses. */
export function checkQnnNetRunHost(ctx: Pick<RunnerContext, 'profile'>, o: QnnNetRunOptions): RunnerCheck {
  const sdk = locateSdk(ctx, o);
  return { ready: true, detail: `QNN SDK ${sdk.version} at ${sdk.root}, HTP ${o.htpArch}` };
}

export async function checkQnnNetRun(ctx: RunnerContext, o: QnnNetRunOptions): Promise<RunnerCheck> {
  const sdk = locateSdk(ctx, o);
  const l = layout(ctx, o);
  const pushed = await remoteRuntimeMatches(ctx, l.runtime, await runtimeHash(sdk.deviceFiles));
  return {
    ready: true,
    detail:
      `QNN SDK ${sdk.version} at ${sdk.root}, HTP ${o.htpArch}; ` +
      `qnn-net-run ${pushed ? 'already on the device' : 'pushed on first use'}`,
  };
}

/** Milliseconds of `event` in one execute, when it is a time. */
function timeOf(events: QnnExecuteEvents, event: string): number | undefined {
  const m = events[event];
  return m?.unit === 'ms' ? m.value : undefined;
}

/** The mean of `event` over the executes that report it. */
function meanOf(executes: QnnExecuteEvents[], event: string): number | undefined {
  const values = executes.map((e) => timeOf(e, event)).filter((v): v is number => v !== undefined);
  if (values.length === 0) return undefined;
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1e9) / 1e9;
}

/**
 * The entry fails when an execute lacks the run's event: it names the event, the option that chose
 * it, the time events the output does have and the `latency` values that would take one of them.
 */
function missingEvent(
  ctx: RunnerContext,
  o: QnnNetRunOptions,
  label: string,
  event: string,
  executes: QnnExecuteEvents[],
  dropped: number,
  saved: string,
): RunnerError {
  if (executes.length === 0) {
    const after = dropped > 0 ? ` left after dropping ${dropped} warm-up execute${dropped === 1 ? '' : 's'}` : '';
    return new RunnerError(
      NAME,
      `${label}: the qnn-profile-viewer ${o.viewer} output has no execute${after} (raw output saved to ${saved})`,
    );
  }
  const present = [...new Set(executes.flatMap((e) => Object.keys(e).filter((k) => timeOf(e, k) !== undefined)))];
  const choices = Object.entries(LATENCY_EVENTS)
    .filter(([, name]) => name !== event && present.includes(name))
    .map(([value, name]) => `"${value}" (${name})`);
  const has = present.length > 0 ? `it reports ${present.join(', ')}` : 'it reports no time at all';
  const instead =
    choices.length > 0 ? `; set runner.options.latency to ${choices.join(' or ')} to measure that instead` : '';
  return new RunnerError(
    NAME,
    `${label}: the qnn-profile-viewer ${o.viewer} output has no "${event}" per execute, which ` +
      `runner.options.latency "${o.latency}" in ${ctx.profile.file} ` +
      `measures; ${has}${instead} (raw output saved to ${saved})`,
  );
}

/** Decodes a pulled profiling log on the host. */
async function decode(
  ctx: RunnerContext,
  o: QnnNetRunOptions,
  sdk: QnnSdk,
  log: string,
  warmup: number,
  label: string,
): Promise<{ latency: QnnLatency; executes: QnnExecuteEvents[]; text: string }> {
  const dir = join(log, '..');
  const output =
    o.viewer === 'json'
      ? { kind: 'json' as const, reader: sdk.hostLib('libQnnJsonProfilingReader.so'), file: join(dir, 'profile.json') }
      : o.viewer === 'csv'
        ? { kind: 'csv' as const, file: join(dir, 'profile.csv') }
        : { kind: 'text' as const };
  const viewer = viewerArgv(sdk.tool('qnn-profile-viewer'), log, output);
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  const r = await runProcess(viewer, { env: { QNN_SDK_ROOT: sdk.root }, timeoutMs: 300_000, ...signal });
  const saved = () => `output saved to ${saveRawOutput(ctx, label, r.stdout, r.stderr)}`;
  checkExit(r, { runner: NAME, what: `qnn-profile-viewer on the log of ${label}`, where: HOST, saved });
  let text = r.stdout;
  try {
    if (output.kind === 'text') {
      const parsed = parseQnnProfileViewer(text);
      return { latency: qnnViewerLatency(parsed, { warmup }), executes: qnnViewerExecutes(parsed, { warmup }), text };
    }
    text = readFileSync(output.file, 'utf8');
    if (output.kind === 'json') {
      const parsed = parseQnnProfileJson(text);
      return { latency: qnnJsonLatency(parsed, { warmup }), executes: qnnJsonExecutes(parsed, { warmup }), text };
    }
    const parsed = parseQnnProfilingCsv(text);
    return { latency: qnnCsvLatency(parsed, { warmup }), executes: qnnCsvExecutes(parsed, { warmup }), text };
  } catch (error) {
    if (!(error instanceof ParseError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const file = saveRawOutput(ctx, label, text, r.stderr);
    const why =
      error instanceof ParseError
        ? error.message.replace(/^cannot parse [^:]*: /, '')
        : `it wrote no ${(output as { file: string }).file}`;
    throw new ParseError(
      `qnn-profile-viewer output for ${label}`,
      `${why} (raw output saved to ${file})`,
      error instanceof ParseError ? error.excerpt : '',
    );
  }
}

/** Pulls the profiling log of one run from `outDir` into a host temp folder. */
async function pullLog(ctx: RunnerContext, outDir: string, label: string): Promise<{ local: string; cleanup(): void }> {
  const ls = await ctx.transport.exec(['ls', outDir], { timeoutMs: 30_000 });
  const name = pickProfilingLog(ls.stdout.split('\n').map((l) => l.trim()));
  const failed = commandFailure(ls, ctx.transport.id);
  if (failed !== undefined || name === undefined) {
    throw new RunnerError(
      NAME,
      `${label}: qnn-net-run left no qnn-profiling-data*.log in ${outDir} on ${ctx.transport.id}`,
      {
        cause: failed,
        hint: 'the SDK may be too old for --profiling_level; check `qnn-net-run --help` on the phone',
      },
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'nsb-qnn-log-'));
  const local = join(dir, name);
  await ctx.transport.pull(posix.join(outDir, name), local, ctx.signal ? { signal: ctx.signal } : {});
  return { local, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function runOnce(
  ctx: RunnerContext,
  o: QnnNetRunOptions,
  staged: StagedModel,
  request: RunRequest,
  inferences: number,
): Promise<RunOutput> {
  const sdk = sdkFor(ctx, o);
  const l = layout(ctx, o);
  const label = staged.model.label;
  const outName = runFileName(label, '.out');
  const outDir = posix.join(l.runtime, 'out', outName);
  const warmup = request.warmup;
  const argv = runOnceArgv(l, o, staged, request, outName, warmup + inferences);
  const r = await ctx.transport.exec(argv, {
    cwd: l.runtime,
    env: l.env,
    timeoutMs: request.timeoutMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  try {
    checkRunFinished(ctx, l, r, label, request.timeoutMs);
    const log = await pullLog(ctx, outDir, label);
    let decoded;
    try {
      decoded = await decode(ctx, o, sdk, log.local, warmup, label);
    } finally {
      log.cleanup();
    }
    return runOnceOutput(ctx, o, decoded, r.stdout, label, warmup, inferences);
  } finally {
    await ctx.transport.exec(['rm', '-rf', outDir], { timeoutMs: 30_000 }).catch(() => undefined);
  }
}

/** qnn-net-run's command line for `total` inferences (warm-ups included) of the staged context binary. */
function runOnceArgv(
  l: SdkLayout,
  o: QnnNetRunOptions,
  staged: StagedModel,
  request: RunRequest,
  outName: string,
  total: number,
): string[] {
  const dir = String(staged.extra?.['dir']);
  // Paths relative to the runtime folder (the working directory): the input list format splits on spaces.
  const rel = (p: string) => posix.relative(l.runtime, p);
  return netRunArgv({
    binary: l.binary,
    backend: 'libQnnHtp.so',
    context: rel(staged.remotePath),
    inputList: rel(posix.join(dir, 'input_list.txt')),
    outputDir: `out/${outName}`,
    perfProfile: o.perfProfile,
    profilingLevel: o.profilingLevel,
    inferences: total,
    keepNumOutputs: o.keepNumOutputs,
    ...(request.affinity !== undefined ? { affinity: request.affinity } : {}),
    extra: o.extraArgs,
  });
}

/** Fails on a run that timed out (keeping its output so far), could not start or exited non-zero. */
function checkRunFinished(ctx: RunnerContext, l: SdkLayout, r: ExecResult, label: string, timeoutMs: number): void {
  checkStarted(NAME, ctx, r, { binary: l.binary, label, timeoutMs });
  const saved = () => `raw output saved to ${saveRawOutput(ctx, label, r.stdout, r.stderr)}`;
  checkExit(r, { runner: NAME, what: label, where: ctx.transport.id, saved });
}

/** The chosen latency event per execute (or the tool's average) and what the profile said beside it. */
function runOnceOutput(
  ctx: RunnerContext,
  o: QnnNetRunOptions,
  decoded: Awaited<ReturnType<typeof decode>>,
  stdout: string,
  label: string,
  warmup: number,
  inferences: number,
): RunOutput {
  const { latency, executes } = decoded;
  const event = latencyEvent(o);
  const picked = executes.map((e) => timeOf(e, event));
  if (picked.length === 0 || picked.some((v) => v === undefined)) {
    const dropped = latency.kind === 'per-execute' ? warmup : 0;
    throw missingEvent(ctx, o, label, event, executes, dropped, saveRawOutput(ctx, label, decoded.text, stdout));
  }
  const values = picked as number[];
  const qnnExecuteMs = meanOf(executes, LATENCY_EVENTS['qnn-execute']);
  const extra: Record<string, unknown> = {
    latencyMetric: event,
    ...(latency.netRunMs !== undefined ? { netRunMs: latency.netRunMs } : {}),
    ...(qnnExecuteMs !== undefined ? { qnnExecuteMs } : {}),
    ...(latency.acceleratorExecuteMs !== undefined ? { acceleratorMs: latency.acceleratorExecuteMs } : {}),
    ...(latency.qnnAcceleratorExecuteMs !== undefined ? { qnnAcceleratorMs: latency.qnnAcceleratorExecuteMs } : {}),
    ...(latency.hvxThreads !== undefined ? { hvxThreads: latency.hvxThreads } : {}),
    ...(latency.npuRan !== undefined ? { npuRan: latency.npuRan } : {}),
    viewerSamples: latency.kind,
    inferencesPerProcess: warmup + inferences,
    // The tool's average cannot leave the warm-ups out: say how many it holds.
    ...(latency.kind === 'average' ? { warmupsInAverage: warmup } : {}),
  };
  const common = {
    provider: 'qnn-htp',
    ...(latency.npuRan !== undefined ? { cpuFallback: latency.npuRan === false } : {}),
    extra,
  };
  if (latency.kind === 'per-execute') return { kind: 'iteration', samples: values, ...common };
  return { kind: 'process', samples: values.slice(0, 1), ...common };
}

export const qnnNetRunRunner: Runner<QnnNetRunOptions> & {
  check: typeof checkQnnNetRun;
  checkHost: typeof checkQnnNetRunHost;
} = {
  name: NAME,
  sampling: 'iteration',
  optionsSchema: qnnNetRunOptionsSchema,
  check: checkQnnNetRun,
  checkHost: checkQnnNetRunHost,

  async prepare(ctx, o): Promise<RunnerSetup> {
    const sdk = sdkFor(ctx, o);
    const hint = `check that ${sdk.root}/bin/aarch64-android/qnn-net-run matches this phone (arm64-v8a)`;
    const runtimeSha256 = await pushSdkRuntime(NAME, ctx, sdk.deviceFiles, layout(ctx, o), hint);
    return {
      version: `QNN SDK ${sdk.version}`,
      ep: 'qnn-htp',
      options: {
        htpArch: o.htpArch,
        ...(o.socId !== undefined ? { socId: o.socId } : {}),
        ...(o.vtcmMb !== undefined ? { vtcmMb: o.vtcmMb } : {}),
        optimizationLevel: o.optimizationLevel,
        perfProfile: o.perfProfile,
        profilingLevel: o.profilingLevel,
        viewer: o.viewer,
        latency: o.latency,
        // The event every sample is taken from: part of the run's identity, so --resume never adds
        // entries of another metric to the table.
        latencyMetric: latencyEvent(o),
        runtimeSha256,
      },
    };
  },

  async stage(ctx, o, model): Promise<StagedModel> {
    if (!model.graph.endsWith('.onnx'))
      throw new ModelError(`${model.label}: ${model.graph} is not an ONNX model; ${NAME} converts .onnx files`);
    requireFloatInputs(NAME, model);
    const sdk = sdkFor(ctx, o);
    const cache = sdkCacheDir(NAME, ctx, o, 'qnn');
    const converted = await convertModel(model, sdk, o, cache, ctx.log, ctx.signal);
    const l = layout(ctx, o);
    const dir = posix.join(l.models, converted.key);
    const inputs = rawInputFiles(cache, model.inputs, o.inputSeed);
    const listFile = join(converted.dir, 'input_list.txt');
    // Relative to the runtime folder, so the same text serves every phone (and holds no spaces).
    const list = inputListText(
      inputs.map((i) => ({ name: i.name, path: posix.relative(l.runtime, posix.join(dir, 'inputs', i.remoteName)) })),
    );
    if (!existsSync(listFile) || readFileSync(listFile, 'utf8') !== list) writeFileAtomic(listFile, list);
    const push = (local: string, remote: string) =>
      ctx.transport.push(local, remote, ctx.signal ? { signal: ctx.signal } : {});
    await push(converted.contextBinary, posix.join(dir, 'context.bin'));
    for (const i of inputs) await push(i.file, posix.join(dir, 'inputs', i.remoteName));
    await push(listFile, posix.join(dir, 'input_list.txt'));
    return { model, remotePath: posix.join(dir, 'context.bin'), extra: { dir, key: converted.key } };
  },

  async run(ctx, o, staged, request): Promise<RunOutput> {
    const inferences = o.inferences ?? Math.max(1, request.minIterations);
    const first = await runOnce(ctx, o, staged, request, inferences);
    if (first.kind === 'iteration') return first;
    let pending: RunOutput | undefined = first;
    return repeatProcesses(request, async () => {
      const out = pending ?? (await runOnce(ctx, o, staged, request, inferences));
      pending = undefined;
      return out;
    });
  },

  async cleanup(ctx, o) {
    await removeRunOutputs(ctx, layout(ctx, o));
  },
};
