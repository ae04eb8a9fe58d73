// What runs on the device. A runner builds command lines, executes them through the Transport it is
// given, and parses what the tool printed (parsers are pure functions beside each runner, in runners/<name>/).
import type { z } from 'zod';
import type { DeviceProfile } from '../devices/schema.js';
import type { ModelFiles } from '../onnx/model-files.js';
import type { DeviceInfo, Transport } from '../transports/types.js';

export type { ModelFiles };

/** A model where the runner will read it on the device. */
export interface StagedModel {
  model: ModelFiles;
  /** Path of the file the runner loads on the device (an .onnx, a context binary, a .tflite). */
  remotePath: string;
  extra?: Record<string, unknown>;
}

export interface RunRequest {
  /** Timed inferences to discard before sampling. */
  warmup: number;
  minIterations: number;
  maxIterations: number;
  /** Stop sampling within one process after this much measured time. */
  maxTimeMs: number;
  /** Stop early when the relative margin of the median reaches this (0: never stop early). */
  targetRme: number;
  /** Intra-op threads; 0 or undefined lets the runtime choose. */
  threads?: number;
  /**
   * False: the runtime's idle intra-op threads sleep instead of spinning (onnxruntime's
   * `session.intra_op.allow_spinning` 0), as an app does that runs several models in turn; the whole
   * pipeline's entries are measured so. Undefined: the runtime's default. Runtimes without the knob ignore it.
   */
  threadSpinning?: boolean;
  /** Hex CPU mask for taskset. */
  affinity?: string;
  seed: number;
  /** Kill the whole process after this long. */
  timeoutMs: number;
}

export interface RunOutput {
  /** `iteration`: one value per inference; `process`: the tool printed only an aggregate (one value). */
  kind: 'iteration' | 'process';
  /** Latencies in ms. */
  samples: number[];
  /** Warm-up latencies in ms, when the tool prints them. */
  warmup?: number[];
  /** Session creation / model load time in ms. */
  loadMs?: number;
  /** The execution provider or backend that really ran the model. */
  provider?: string;
  /** True when part of the model ran on the CPU although an accelerator was requested. */
  cpuFallback?: boolean;
  /** True when the device itself reported throttling during the run (e.g. an iPhone's thermal state). */
  throttled?: boolean;
  /** Peak memory of the measuring process in bytes, when the tool reports it (RSS, peak working set). */
  peakMemoryBytes?: number;
  /** Anything else worth keeping in the LUT entry (accelerator time, HVX threads, memory). */
  extra?: Record<string, unknown>;
}

export interface RunnerSetup {
  /** Runtime version string for the LUT (`onnxruntime 1.30.0`, `qnn 2.39`). */
  version: string;
  /** Execution provider / backend recorded in the LUT. */
  ep: string;
  /** Runner options worth recording in the LUT. */
  options: Record<string, unknown>;
  /**
   * The device really measured, when it is not the one the transport reaches (an iPhone behind a
   * Mac): it replaces the LUT's device facts and fingerprint; the transport's host is kept as `host`.
   */
  device?: DeviceInfo;
}

export interface RunnerContext {
  transport: Transport;
  profile: DeviceProfile;
  /** The harness's folder on the device. */
  workDir: string;
  /** Host folder for pulled logs and raw output kept for diagnosis. */
  hostDir: string;
  log(line: string): void;
  signal?: AbortSignal;
}

/** What a runner's light readiness check reports (`bench devices`). */
export interface RunnerCheck {
  ready: boolean;
  /** One line: what was found, or what is missing. */
  detail: string;
  hint?: string;
}

export interface Runner<O = Record<string, unknown>> {
  name: string;
  /** `process` runners print one aggregate per process; the protocol repeats processes to sample. */
  sampling: 'iteration' | 'process';
  optionsSchema: z.ZodType<O>;
  /** Checks that the runner can work on the device and pushes its own files (once per run). */
  prepare(ctx: RunnerContext, options: O): Promise<RunnerSetup>;
  /** Puts a model where the runner reads it (push; conversion for runners that need it). */
  stage(ctx: RunnerContext, options: O, model: ModelFiles): Promise<StagedModel>;
  run(ctx: RunnerContext, options: O, model: StagedModel, request: RunRequest): Promise<RunOutput>;
  /** Removes what the runner left on the device, when the run ends. */
  cleanup?(ctx: RunnerContext, options: O): Promise<void>;
  /** Light readiness check on the device for `bench devices`; without it, prepare() is tried. */
  check?(ctx: RunnerContext, options: O): Promise<RunnerCheck>;
  /** The part of the check that needs no device (runtime folder, SDK on the host). */
  checkHost?(ctx: Pick<RunnerContext, 'profile'>, options: O): RunnerCheck;
}
