// The `snpe-net-run` runner's options (a profile's `runner.options`).
import { z } from 'zod';
import { qnnPerfProfiles } from '../qnn-net-run/options.js';
import { sdkRunnerOptionFields } from '../qualcomm-sdk.js';

/** SNPE runtimes and the snpe-net-run flag that selects each (CPU is the default, no flag). */
export const SNPE_RUNTIMES = { dsp: ['--use_dsp'], gpu: ['--use_gpu'], cpu: [] } as const;

/** The execute statistic each `latency` value names (snpe-diagview, outermost first). */
export const SNPE_LATENCY = {
  total: 'totalInferenceMs',
  forward: 'forwardPropagateMs',
  accelerator: 'acceleratorMs',
} as const;

export const snpeNetRunOptionsSchema = z.strictObject({
  /** The SNPE / QAIRT SDK on the host; default: $SNPE_ROOT, else $QNN_SDK_ROOT (QAIRT ships both). */
  sdkRoot: z.string().min(1).optional(),
  /** --use_dsp (the Hexagon DSP/HTP), --use_gpu (Adreno) or the CPU. */
  runtime: z.enum(['dsp', 'gpu', 'cpu']).default('dsp'),
  /** Hexagon architecture (v79 on SM8750); needed for `dsp` to push the HTP stub and skel. */
  htpArch: z
    .string()
    .regex(/^v\d+$/, 'must look like v79')
    .optional(),
  /** --perf_profile (SNPE takes the same values as qnn-net-run). */
  perfProfile: z.enum(qnnPerfProfiles).default('burst'),
  /** --profiling_level: basic gives the execute statistics, detailed adds per-layer rows. */
  profilingLevel: z.enum(['basic', 'moderate', 'detailed']).default('basic'),
  /**
   * The sample value, one of snpe-diagview's averaged execute statistics: `total` ("Total Inference
   * Time", snpe-net-run's wall time of an execute), `forward` ("Forward Propagate Time") or
   * `accelerator` ("Accelerator Time", the DSP's own).
   */
  latency: z.enum(['total', 'forward', 'accelerator']).default('total'),
  /** Input sets per process (timed ones; warm-ups are added); default: what the protocol asks for. */
  inferences: z.number().int().positive().optional(),
  // cacheDir (default .cache/snpe), inputSeed, env, converterArgs (snpe-onnx-to-dlc), extraArgs
  // (snpe-net-run), convertTimeoutMs.
  ...sdkRunnerOptionFields,
});
export type SnpeNetRunOptions = z.infer<typeof snpeNetRunOptionsSchema>;
