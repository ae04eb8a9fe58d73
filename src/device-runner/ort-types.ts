// The part of onnxruntime-node's API the device runner uses. The runtime is loaded at run time from
// the folder `--ort` names (a device keeps it anywhere), so its types are declared here.

/** The typed arrays the runners feed: float32, float16 (as bits), int64 and int32. */
export type TensorData = Float32Array | Uint16Array | BigInt64Array | Int32Array;

export interface Ort {
  env: { versions: Record<string, string> };
  InferenceSession: { create(path: string, options: Record<string, unknown>): Promise<Session> };
  Tensor: new (type: string, data: TensorData, dims: number[]) => unknown;
  /** Absent from older builds. */
  listSupportedBackends?: () => { name: string }[];
}

export interface TensorMetadata {
  name: string;
  type?: string;
  shape?: readonly (number | string)[];
}

export interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: readonly TensorMetadata[];
  outputMetadata?: readonly TensorMetadata[];
  run(feeds: Record<string, unknown>): Promise<Record<string, unknown>>;
  endProfiling(): void;
  release(): Promise<void>;
}

/** The runtime's version as it reports it. */
export function ortVersion(ort: Ort): string | undefined {
  return ort.env.versions['node'] ?? ort.env.versions['common'];
}

/**
 * Session options that make idle intra-op threads sleep instead of spinning: what an app running
 * several models in turn needs (the photo runner), and what the pipeline's entries are measured with.
 */
const SLEEPING_THREADS = { extra: { session: { intra_op: { allow_spinning: '0' } } } } as const;

/**
 * The session options both device programs open models with: the provider asked for with the CPU
 * behind it, every graph optimisation, one sequential inter-op thread, `threads` intra-op threads
 * (0: the runtime's choice), and spinning or sleeping idle threads.
 */
export function sessionOptionsFor(s: {
  ep: string;
  epOptions: Record<string, unknown>;
  threads: number;
  spin: boolean;
}): Record<string, unknown> {
  return {
    executionProviders: s.ep === 'cpu' ? ['cpu'] : [{ name: s.ep, ...s.epOptions }, 'cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(s.threads > 0 ? { intraOpNumThreads: s.threads } : {}),
    ...(s.spin ? {} : SLEEPING_THREADS),
  };
}
