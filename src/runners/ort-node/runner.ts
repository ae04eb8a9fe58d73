// `ort-node`: the harness's own device runner (src/device-runner/ort-runner.ts) under Node with
// onnxruntime-node. Per-iteration samples, adaptive stopping on the device, and a report of which
// execution provider really ran the nodes. Used by `local`, by SSH hosts with Node (Macs with the
// CoreML EP, Linux boards) and by the fake phone in tests.
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { z } from 'zod';
import { ModelError, ParseError, RunnerError } from '../../errors.js';
import { checkExit } from '../check-exit.js';
import { saveRawOutput } from '../raw-output.js';
import { packageRoot } from '../../paths.js';
import { parseNsbRunner } from './parser.js';
import { pushFiles, pushModel } from '../remote-files.js';
import type { ExecResult } from '../../transports/types.js';
import type { RunOutput, Runner, RunnerContext, RunnerSetup, RunRequest, StagedModel } from '../types.js';
import type { ModelFiles, ModelInput } from '../../onnx/model-files.js';

type NsbRunnerReport = ReturnType<typeof parseNsbRunner>;

export const ortNodeOptionsSchema = z.strictObject({
  /** The node executable on the device. */
  node: z.string().min(1).default('node'),
  /** onnxruntime-node package folder on the device; default: the one this harness uses (local runs). */
  ort: z.string().min(1).optional(),
  /** Execution provider: cpu, coreml, xnnpack, cuda, webgpu, ... (as onnxruntime-node names them). */
  ep: z.string().min(1).default('cpu'),
  /**
   * Provider options as onnxruntime-node reads them, e.g. CoreML {"coreMlFlags": 20} (MLProgram +
   * CPUAndNeuralEngine).
   */
  epOptions: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Profile the warm-up to learn which provider ran each node (CPU fallback detection). */
  profileProviders: z.boolean().default(true),
  /**
   * CPU provider: keep each model's optimized graph in `<workDir>/ort-optimized` (onnxruntime's
   * offline mode), so later sessions skip the 10-15 s layout optimization of the largest blocks. Costs
   * as much device disk as the models themselves.
   */
  cacheOptimizedGraph: z.boolean().default(true),
});
export type OrtNodeOptions = z.infer<typeof ortNodeOptionsSchema>;

/**
 * The device runner as `npm run build` leaves it: one file bundled with everything it imports but
 * onnxruntime-node, and a package.json beside it saying it is ESM wherever it lands.
 */
function runnerFiles(): { local: string; remote: string }[] {
  const dist = join(packageRoot(), 'dist', 'device-runner');
  return ['ort-runner.js', 'package.json'].map((f) => ({ local: join(dist, f), remote: `device-runner/${f}` }));
}

/** Folder of the optimized-graph cache under the device's work folder. */
export const OPTIMIZED_CACHE = 'ort-optimized';

function runnerDir(ctx: RunnerContext): string {
  return posix.join(ctx.workDir, 'runner');
}

export const ortNodeRunner: Runner<OrtNodeOptions> = {
  name: 'ort-node',
  sampling: 'iteration',
  optionsSchema: ortNodeOptionsSchema,

  async prepare(ctx, options): Promise<RunnerSetup> {
    const dir = runnerDir(ctx);
    await pushFiles(
      ctx,
      runnerFiles().map((f) => ({ local: f.local, remote: posix.join(dir, f.remote) })),
    );
    const argv = [
      options.node,
      posix.join(dir, 'device-runner', 'ort-runner.js'),
      '--probe',
      '--ort',
      options.ort ?? localOrtPath(),
      '--ep',
      options.ep,
    ];
    const probe = await ctx.transport.exec(argv, { timeoutMs: 60_000 });
    const firstLine = (probe.stderr || probe.stdout).trim().split('\n')[0] ?? '';
    if (
      probe.exitCode === 127 ||
      (/not found|No such file/i.test(firstLine) && probe.exitCode !== 0 && !probe.stdout.includes('NSB-RUNNER'))
    ) {
      throw new RunnerError('ort-node', `cannot start '${options.node}' on ${ctx.transport.id}: ${firstLine}`, {
        hint: 'install Node.js >= 20 on the device or set runner.options.node in the profile',
      });
    }
    const parsed = parseNsbRunner(probe.stdout);
    if (parsed.error) {
      throw new RunnerError('ort-node', `${parsed.error.message} on ${ctx.transport.id}`, {
        hint:
          'install onnxruntime-node on the device (npm install ' +
          'onnxruntime-node) and set runner.options.ort to its folder',
      });
    }
    return {
      version: `onnxruntime-node ${parsed.start?.version ?? 'unknown'}`,
      ep: options.ep,
      options: { node: parsed.start?.node ?? options.node, ep: options.ep, epOptions: options.epOptions },
    };
  },

  async stage(ctx, _options, model): Promise<StagedModel> {
    return pushModel(ctx, model);
  },

  async run(ctx, options, staged, request): Promise<RunOutput> {
    const argv = runnerArgv(ctx, options, staged, request);
    const command = request.affinity ? ['taskset', request.affinity, ...argv] : argv;
    const r = await ctx.transport.exec(command, {
      timeoutMs: request.timeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (r.timedOut)
      throw new RunnerError(
        'ort-node',
        `timed out after ${request.timeoutMs} ms on ${ctx.transport.id} running ${staged.model.label}`,
      );
    const parsed = parseRunnerOutput(ctx, staged, r);
    const reason = () => (r.stderr || r.stdout).trim().split('\n').pop() ?? '';
    checkExit(r, { runner: 'ort-node', what: staged.model.label, where: ctx.transport.id, reason });
    checkSignature(staged, parsed.io);
    return ortRunOutput(options, parsed);
  },
};

/** Checks the I/O the runtime saw against the model's expected signature (names and shapes). */
function checkSignature(
  staged: StagedModel,
  io:
    | {
        inputs: { name: string; shape: (number | string)[] }[];
        outputs: { name: string; shape: (number | string)[] }[];
      }
    | undefined,
): void {
  if (!io) return;
  const compare = (
    what: string,
    expected: { name: string; shape: number[] }[],
    got: { name: string; shape: (number | string)[] }[],
  ) => {
    for (const e of expected) {
      const g = got.find((x) => x.name === e.name);
      if (!g)
        throw new ModelError(
          `${staged.model.label}: ${what} '${e.name}' is missing (the model has ${got.map((x) => x.name).join(', ')})`,
        );
      const fixed = g.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : e.shape[i]));
      if (fixed.length !== e.shape.length || fixed.some((d, i) => d !== e.shape[i])) {
        throw new ModelError(
          `${staged.model.label}: ${what} '${e.name}' has ` +
            `shape [${g.shape.join(',')}], expected [${e.shape.join(',')}]`,
        );
      }
    }
    for (const g of got)
      if (!expected.some((e) => e.name === g.name))
        throw new ModelError(`${staged.model.label}: unexpected ${what} '${g.name}'`);
  };
  compare('input', staged.model.inputs, io.inputs);
  compare('output', staged.model.outputs, io.outputs);
}

/** The onnxruntime-node this harness itself uses (for the local device and same-machine tests). */
export function localOrtPath(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('onnxruntime-node/package.json'));
}

/** `name:type:d1,d2,...` with `:empty-prompt` for token ids, as the device runner reads its --input. */
function inputSpec(i: ModelInput, precision: ModelFiles['precision']): string {
  const type = i.integer ?? (precision === 'fp16' ? 'float16' : 'float32');
  return `${i.name}:${type}:${i.shape.join(',')}${i.emptyPrompt ? ':empty-prompt' : ''}`;
}

/** The device runner's command line for one model and one measurement request. */
function runnerArgv(ctx: RunnerContext, options: OrtNodeOptions, staged: StagedModel, request: RunRequest): string[] {
  return [
    options.node,
    posix.join(runnerDir(ctx), 'device-runner', 'ort-runner.js'),
    '--model',
    staged.remotePath,
    '--ort',
    options.ort ?? localOrtPath(),
    '--ep',
    options.ep,
    '--ep-options',
    JSON.stringify(options.epOptions),
    '--threads',
    String(request.threads ?? 0),
    '--warmup',
    String(request.warmup),
    '--min-iterations',
    String(request.minIterations),
    '--max-iterations',
    String(request.maxIterations),
    '--max-time-ms',
    String(request.maxTimeMs),
    '--target-rme',
    String(request.targetRme),
    '--seed',
    String(request.seed),
    ...staged.model.inputs.flatMap((i) => ['--input', inputSpec(i, staged.model.precision)]),
    ...(options.profileProviders ? [] : ['--no-profile']),
    ...(request.threadSpinning === false ? ['--no-spin'] : []),
    // The runner itself caches only for the CPU provider.
    ...(options.cacheOptimizedGraph
      ? ['--optimized-cache', posix.join(ctx.workDir, OPTIMIZED_CACHE), '--model-id', staged.model.sha256]
      : []),
  ];
}

/** The runner's report; a parse error keeps the raw output, an error the runner reported is thrown. */
function parseRunnerOutput(ctx: RunnerContext, staged: StagedModel, r: ExecResult): NsbRunnerReport {
  let parsed: NsbRunnerReport;
  try {
    parsed = parseNsbRunner(r.stdout);
  } catch (error) {
    if (error instanceof ParseError) {
      const file = saveRawOutput(ctx, staged.model.label, r.stdout, r.stderr);
      throw new ParseError(
        `device runner output for ${staged.model.label}`,
        `${error.message.replace(/^cannot parse [^:]*: /, '')} (exit ${r.exitCode}; raw output saved to ${file})`,
        error.excerpt,
      );
    }
    throw error;
  }
  if (parsed.error) {
    const msg = `${staged.model.label}: ${parsed.error.message}`;
    if (parsed.error.stage === 'load' || parsed.error.stage === 'run')
      throw new ModelError(`the runtime cannot ${parsed.error.stage} model ${msg}`);
    throw new RunnerError('ort-node', msg);
  }
  return parsed;
}

/** The samples, providers and stop reason as the harness records them. */
function ortRunOutput(options: OrtNodeOptions, parsed: NsbRunnerReport): RunOutput {
  const providers = parsed.providers ?? {};
  const names = Object.keys(providers);
  const requested = `${options.ep.toUpperCase()}`;
  const cpuNodes = Object.entries(providers)
    .filter(([p]) => p.startsWith('CPU'))
    .reduce((a, [, n]) => a + n, 0);
  return {
    kind: 'iteration',
    samples: parsed.samples,
    warmup: parsed.warmup,
    ...(parsed.loadMs !== undefined ? { loadMs: parsed.loadMs } : {}),
    ...(names.length > 0 ? { provider: names.join('+') } : {}),
    cpuFallback: options.ep !== 'cpu' && cpuNodes > 0,
    ...(parsed.peakRssBytes !== undefined ? { peakMemoryBytes: parsed.peakRssBytes } : {}),
    extra: {
      providers,
      stopReason: parsed.done?.reason,
      requestedEp: requested,
      ...(parsed.graph ? { graph: parsed.graph } : {}),
    },
  };
}
