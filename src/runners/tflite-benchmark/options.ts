// The `tflite-benchmark` runner's options and the benchmark_model command line they give. Pure.
//
//   [taskset <mask>] <binary> --graph=<model> [--num_threads=N] --num_runs=N --warmup_runs=W
//       --min_secs=0 --warmup_min_secs=0 <delegate flags> [extra...]
//
// --min_secs / --warmup_min_secs are 0 so the counts asked for are the counts run (the tool's defaults
// would keep looping for at least 1 s and 0.5 s).
import { z } from 'zod';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
// --external_delegate_options is `k:v;k:v`.
const delegateToken = z.string().regex(/^[^;:\s]+$/, 'must not contain ; : or spaces');

export const tfliteDelegates = ['cpu', 'xnnpack', 'nnapi', 'gpu', 'external'] as const;

export const tfliteBenchmarkOptionsSchema = z.strictObject({
  /** Host folder with benchmark_model (and delegate libraries), pushed once to <workDir>/runtime/. */
  runtimeDir: z.string().min(1).optional(),
  binary: z.string().min(1).default('benchmark_model'),
  /** cpu: plain TFLite kernels (--use_xnnpack=false); xnnpack; nnapi; gpu; external (a delegate library). */
  delegate: z.enum(tfliteDelegates).default('xnnpack'),
  /** NNAPI: --nnapi_accelerator_name (e.g. qti-htp, google-edgetpu). */
  nnapiAccelerator: z.string().min(1).optional(),
  /** NNAPI: --disable_nnapi_cpu (keep NNAPI's own CPU implementation out). */
  disableNnapiCpu: z.boolean().default(true),
  /** external: the delegate library, a file of the runtime folder or an absolute device path. */
  externalDelegate: z.string().min(1).optional(),
  externalDelegateOptions: z.record(delegateToken, z.union([delegateToken, z.number()])).default({}),
  /** Timed runs per process (--num_runs): each process gives one sample, its average. */
  runsPerProcess: z.number().int().positive().default(20),
  /** Environment of every run; `{runtime}` is the pushed runtime folder. */
  env: z.record(envName, z.string()).default({}),
  extraArgs: z.array(z.string()).default([]),
  /** Runtime version for the LUT; default: a hash of the runtime folder. */
  version: z.string().min(1).optional(),
});
export type TfliteBenchmarkOptions = z.infer<typeof tfliteBenchmarkOptionsSchema>;

export interface TfliteArgs {
  binary: string;
  model: string;
  runs: number;
  warmup: number;
  threads?: number;
  affinity?: string;
  /** Where the external delegate sits on the device (external only). */
  externalDelegatePath?: string;
}

export function delegateFlags(o: TfliteBenchmarkOptions, externalDelegatePath?: string): string[] {
  switch (o.delegate) {
    case 'cpu':
      return ['--use_xnnpack=false'];
    case 'xnnpack':
      return ['--use_xnnpack=true'];
    case 'nnapi':
      return [
        '--use_nnapi=true',
        ...(o.nnapiAccelerator ? [`--nnapi_accelerator_name=${o.nnapiAccelerator}`] : []),
        ...(o.disableNnapiCpu ? ['--disable_nnapi_cpu=true'] : []),
      ];
    case 'gpu':
      return ['--use_gpu=true'];
    case 'external': {
      const opts = Object.entries(o.externalDelegateOptions)
        .map(([k, v]) => `${k}:${v}`)
        .join(';');
      return [
        `--external_delegate_path=${externalDelegatePath ?? o.externalDelegate ?? ''}`,
        ...(opts ? [`--external_delegate_options=${opts}`] : []),
      ];
    }
  }
}

export function tfliteArgv(o: TfliteBenchmarkOptions, a: TfliteArgs): string[] {
  return [
    ...(a.affinity ? ['taskset', a.affinity] : []),
    a.binary,
    `--graph=${a.model}`,
    ...(a.threads !== undefined && a.threads > 0 ? [`--num_threads=${a.threads}`] : []),
    `--num_runs=${a.runs}`,
    `--warmup_runs=${a.warmup}`,
    '--min_secs=0',
    '--warmup_min_secs=0',
    ...delegateFlags(o, a.externalDelegatePath),
    ...o.extraArgs,
  ];
}

/** What the LUT calls the delegate. */
export function tfliteEp(o: TfliteBenchmarkOptions): string {
  if (o.delegate === 'nnapi' && o.nnapiAccelerator) return `nnapi:${o.nnapiAccelerator}`;
  if (o.delegate === 'external') return `external:${(o.externalDelegate ?? '').replace(/^.*\//, '')}`;
  return o.delegate;
}
