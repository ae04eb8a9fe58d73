// `tflite-benchmark`: TensorFlow Lite / LiteRT benchmark_model on the device, for users who bring
// .tflite models through a manifest (`bench blocks --models manifest.json`; generated graphs are ONNX
// and are refused). The binary (and delegate libraries) come from a host folder pushed once to
// <workDir>/runtime/.
//
// Samples: benchmark_model prints only statistics of its runs (avg, min, max, std, percentiles), no
// per-run values, so each process is one sample, its average (kind `process`), and the protocol
// repeats processes. Its min/max/std/median go into the entry's extras.
//
// Honesty: a delegate that takes part or none of the graph (NNAPI, GPU, an external delegate) flags
// the entry `cpu-fallback`; XNNPACK leaving ops to the plain CPU kernels is still CPU and is not.
import { posix } from 'node:path';
import { ModelError, ParseError, RunnerError } from '../../errors.js';
import { parseTfliteBenchmark, type TfliteBenchmarkResult } from './parser.js';
import { checkExit } from '../check-exit.js';
import { saveRawOutput } from '../raw-output.js';
import { pushModel } from '../remote-files.js';
import {
  checkStarted,
  expandDeviceEnv,
  pushRuntime,
  remoteRuntimeMatches,
  resolveRuntimeFolder,
  runtimeHash,
  startFailure,
  type RunnerCheck,
} from '../device-tool.js';
import { tfliteArgv, tfliteBenchmarkOptionsSchema, tfliteEp, type TfliteBenchmarkOptions } from './options.js';
import type { RunOutput, Runner, RunnerContext, RunnerSetup, StagedModel } from '../types.js';

const NAME = 'tflite-benchmark';
const WHAT =
  'benchmark_model built for the device (bazel build -c opt --config=android_arm64 ' +
  '//tensorflow/lite/tools/benchmark:benchmark_model) and any delegate library';

interface Layout {
  runtime?: string;
  binary: string;
  cwd: string;
  env: Record<string, string>;
  externalDelegatePath?: string;
}

function layout(ctx: RunnerContext, o: TfliteBenchmarkOptions): Layout {
  const runtime = o.runtimeDir !== undefined ? posix.join(ctx.workDir, 'runtime') : undefined;
  const env = { ...(runtime !== undefined ? { LD_LIBRARY_PATH: '{runtime}' } : {}), ...o.env };
  const ext = o.externalDelegate;
  return {
    ...(runtime !== undefined ? { runtime } : {}),
    binary: runtime !== undefined ? posix.join(runtime, o.binary) : o.binary,
    cwd: runtime ?? ctx.workDir,
    env: expandDeviceEnv(env, { ...(runtime !== undefined ? { runtime } : {}), workDir: ctx.workDir }),
    ...(ext !== undefined
      ? { externalDelegatePath: ext.startsWith('/') || runtime === undefined ? ext : posix.join(runtime, ext) }
      : {}),
  };
}

function required(o: TfliteBenchmarkOptions): string[] {
  return o.delegate === 'external' && o.externalDelegate !== undefined && !o.externalDelegate.startsWith('/')
    ? [o.externalDelegate]
    : [];
}

function checkOptions(ctx: Pick<RunnerContext, 'profile'>, o: TfliteBenchmarkOptions): void {
  if (o.delegate === 'external' && o.externalDelegate === undefined) {
    throw new RunnerError(
      NAME,
      `delegate "external" needs runner.options.externalDelegate (the delegate library) in ${ctx.profile.file}`,
    );
  }
}

async function probe(ctx: RunnerContext, o: TfliteBenchmarkOptions, l: Layout): Promise<void> {
  const r = await ctx.transport.exec([l.binary, '--help'], { cwd: l.cwd, env: l.env, timeoutMs: 60_000 });
  const failed = r.timedOut ? 'it did not answer --help within 60 s' : startFailure(r);
  if (failed !== undefined) {
    throw new RunnerError(NAME, `cannot start ${l.binary} on ${ctx.transport.id}: ${failed}`, {
      hint:
        o.runtimeDir === undefined
          ? 'set runner.options.runtimeDir to a host folder holding benchmark_model (it is pushed for you)'
          : `check that ${o.runtimeDir} holds a benchmark_model built for this device's ABI`,
    });
  }
}

/** The host half of the check (no device needed). */
export function checkTfliteBenchmarkHost(ctx: Pick<RunnerContext, 'profile'>, o: TfliteBenchmarkOptions): RunnerCheck {
  checkOptions(ctx, o);
  if (o.runtimeDir === undefined)
    return { ready: true, detail: `${o.binary} expected on the device (no runtime folder to push)` };
  const host = resolveRuntimeFolder(NAME, ctx, o.runtimeDir, o.binary, required(o), WHAT);
  return { ready: true, detail: `${tfliteEp(o)}: runtime ${host.dir} (${host.files.length} files)` };
}

export async function checkTfliteBenchmark(ctx: RunnerContext, o: TfliteBenchmarkOptions): Promise<RunnerCheck> {
  checkOptions(ctx, o);
  const l = layout(ctx, o);
  if (o.runtimeDir === undefined) {
    await probe(ctx, o, l);
    return {
      ready: true,
      detail: `${o.binary} starts on the device (${tfliteEp(o)}); needs .tflite models via --models`,
    };
  }
  const host = resolveRuntimeFolder(NAME, ctx, o.runtimeDir, o.binary, required(o), WHAT);
  const pushed = await remoteRuntimeMatches(ctx, l.runtime!, await runtimeHash(host.files));
  return {
    ready: true,
    detail:
      `${tfliteEp(o)}: runtime ${host.dir} (${host.files.length} ` +
      `files)${pushed ? ', already on the device' : ', pushed on first use'}; needs .tflite models via --models`,
  };
}

/** The entry fails when the output states no inference average (only op-profiler tables): the
 * profiler's timing includes its own overhead and is not what the tool reports as its result. */
function profilerOnly(parsed: TfliteBenchmarkResult, label: string, file: string): ParseError {
  const runs = parsed.profiler?.find((p) => p.section === 'regular-runs')?.stats;
  const timed = runs?.avgMs === undefined ? '' : `; its op profiler timed ${runs.count} runs at ${runs.avgMs} ms each`;
  const missing = `it holds only op-profiler tables: no ${(parsed.missing ?? []).join(' and no ')}${timed}`;
  const what = `benchmark_model output for ${label}`;
  return new ParseError(what, `${missing}; run without --enable_op_profiling (raw output saved to ${file})`);
}

function toOutput(o: TfliteBenchmarkOptions, parsed: TfliteBenchmarkResult & { inferenceAvgMs: number }): RunOutput {
  const accelerated = o.delegate === 'nnapi' || o.delegate === 'gpu' || o.delegate === 'external';
  const runs = parsed.runs;
  return {
    kind: 'process',
    samples: [parsed.inferenceAvgMs],
    ...(parsed.warmupAvgMs !== undefined ? { warmup: [parsed.warmupAvgMs] } : {}),
    ...(parsed.initMs !== undefined ? { loadMs: parsed.initMs } : {}),
    provider: tfliteEp(o),
    cpuFallback: accelerated && parsed.delegateFallback,
    // Only the periodic monitor reports a peak; the footprint lines are deltas from the tool's start.
    ...(parsed.peakMemoryMb !== undefined ? { peakMemoryBytes: Math.round(parsed.peakMemoryMb * 1024 * 1024) } : {}),
    extra: {
      ...(runs
        ? {
            processRuns: {
              count: runs.count,
              minMs: runs.minMs,
              maxMs: runs.maxMs,
              stdMs: runs.stdMs,
              medianMs: runs.medianMs,
            },
          }
        : {}),
      ...(parsed.firstInferenceMs !== undefined ? { firstInferenceMs: parsed.firstInferenceMs } : {}),
      ...(parsed.delegatedNodes !== undefined
        ? { delegatedNodes: parsed.delegatedNodes, totalNodes: parsed.totalNodes }
        : {}),
      ...(parsed.fallbackEvidence.length > 0 ? { fallbackEvidence: parsed.fallbackEvidence } : {}),
      ...(parsed.memory ? { memoryMb: parsed.memory } : {}),
    },
  };
}

export const tfliteBenchmarkRunner: Runner<TfliteBenchmarkOptions> & {
  check: typeof checkTfliteBenchmark;
  checkHost: typeof checkTfliteBenchmarkHost;
} = {
  name: NAME,
  sampling: 'process',
  optionsSchema: tfliteBenchmarkOptionsSchema,
  check: checkTfliteBenchmark,
  checkHost: checkTfliteBenchmarkHost,

  async prepare(ctx, o): Promise<RunnerSetup> {
    checkOptions(ctx, o);
    const l = layout(ctx, o);
    let sha: string | undefined;
    if (o.runtimeDir !== undefined) {
      const host = resolveRuntimeFolder(NAME, ctx, o.runtimeDir, o.binary, required(o), WHAT);
      sha = (await pushRuntime(NAME, ctx, host.files, l.runtime!, [o.binary])).sha256;
    }
    await probe(ctx, o, l);
    return {
      version:
        o.version ??
        (sha ? `benchmark_model runtime ${sha.slice(0, 12)}` : `benchmark_model on the device (${o.binary})`),
      ep: tfliteEp(o),
      options: {
        binary: o.binary,
        delegate: o.delegate,
        ...(o.nnapiAccelerator ? { nnapiAccelerator: o.nnapiAccelerator, disableNnapiCpu: o.disableNnapiCpu } : {}),
        ...(o.externalDelegate
          ? { externalDelegate: o.externalDelegate, externalDelegateOptions: o.externalDelegateOptions }
          : {}),
        runsPerProcess: o.runsPerProcess,
        ...(sha ? { runtimeSha256: sha } : {}),
      },
    };
  },

  async stage(ctx, _o, model): Promise<StagedModel> {
    if (!model.graph.endsWith('.tflite')) {
      throw new ModelError(`${model.label}: ${model.graph} is not a .tflite model; ${NAME} measures .tflite files`, {
        hint: 'list your .tflite files per stage variant in a manifest and pass it with --models manifest.json',
      });
    }
    return pushModel(ctx, model);
  },

  async run(ctx, o, staged, request): Promise<RunOutput> {
    const l = layout(ctx, o);
    const label = staged.model.label;
    const argv = tfliteArgv(o, {
      binary: l.binary,
      model: staged.remotePath,
      runs: o.runsPerProcess,
      warmup: request.warmup,
      ...(request.threads !== undefined ? { threads: request.threads } : {}),
      ...(request.affinity !== undefined ? { affinity: request.affinity } : {}),
      ...(l.externalDelegatePath !== undefined ? { externalDelegatePath: l.externalDelegatePath } : {}),
    });
    const r = await ctx.transport.exec(argv, {
      cwd: l.cwd,
      env: l.env,
      timeoutMs: request.timeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    checkStarted(NAME, ctx, r, { binary: l.binary, label, timeoutMs: request.timeoutMs });
    // benchmark_model logs to stderr on most builds, to stdout on some.
    const text = `${r.stdout}\n${r.stderr}`;
    let parsed: TfliteBenchmarkResult;
    try {
      parsed = parseTfliteBenchmark(text);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      const file = saveRawOutput(ctx, label, r.stdout, r.stderr);
      if (/Benchmarking failed/.test(error.message))
        throw new RunnerError(
          NAME,
          `${label} on ${ctx.transport.id}: ${error.message.replace(/^cannot parse [^:]*: /, '')} ` +
            `(raw output saved to ${file})`,
        );
      throw new ParseError(
        `benchmark_model output for ${label}`,
        `${error.message.replace(/^cannot parse [^:]*: /, '')} (raw output saved to ${file})`,
        error.excerpt,
      );
    }
    const saved = () => `raw output saved to ${saveRawOutput(ctx, label, r.stdout, r.stderr)}`;
    checkExit(r, { runner: NAME, what: label, where: ctx.transport.id, saved });
    if (parsed.inferenceAvgMs === undefined) {
      throw profilerOnly(parsed, label, saveRawOutput(ctx, label, r.stdout, r.stderr));
    }
    return toOutput(o, { ...parsed, inferenceAvgMs: parsed.inferenceAvgMs });
  },
};
