// The `qnn-net-run` runner's options (a profile's `runner.options`).
import { z } from 'zod';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const qnnPerfProfiles = [
  'low_balanced', 'balanced', 'default', 'high_performance', 'sustained_high_performance', 'burst',
  'low_power_saver', 'power_saver', 'high_power_saver', 'extreme_power_saver', 'system_settings',
] as const;

export const qnnNetRunOptionsSchema = z.strictObject({
  /** The QNN / QAIRT SDK on the host; default: $QNN_SDK_ROOT. `$VAR`, `~/` and profile-relative paths allowed. */
  sdkRoot: z.string().min(1).optional(),
  /** Hexagon architecture of the phone's HTP (SM8750 / Snapdragon 8 Elite: v79). Picks stub, skel and the context's dsp_arch. */
  htpArch: z.string().regex(/^v\d+$/, 'must look like v79'),
  /** SoC id written into the HTP device config of the context binary (optional). */
  socId: z.number().int().positive().optional(),
  /** VTCM to reserve per graph, MB (0 or absent: the backend's default). */
  vtcmMb: z.number().int().nonnegative().optional(),
  /** HTP graph optimisation level (the config's "O"). */
  optimizationLevel: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(3),
  /** --perf_profile. */
  perfProfile: z.enum(qnnPerfProfiles).default('burst'),
  /** --profiling_level. */
  profilingLevel: z.enum(['basic', 'detailed']).default('basic'),
  /**
   * How qnn-profile-viewer decodes the profiling log: `text` (default reader; per-execute values only
   * from SDKs that print "Execute Stat N", else the average), `json` (libQnnJsonProfilingReader.so:
   * one value per execute) or `csv`.
   */
  viewer: z.enum(['text', 'json', 'csv']).default('text'),
  /** The sample value: `netrun` (host wall time of an execute, incl. IO) or `accelerator` (the HTP's own execute time). */
  latency: z.enum(['netrun', 'accelerator']).default('netrun'),
  /** --num_inferences per process (timed ones; warm-ups are added); default: what the protocol asks for. */
  inferences: z.number().int().positive().optional(),
  /** --keep_num_outputs (0: the flag is not passed). */
  keepNumOutputs: z.number().int().nonnegative().default(1),
  /** Host folder for converted models (keyed by model sha256, SDK version, HTP arch); default .cache/qnn in the package. */
  cacheDir: z.string().min(1).optional(),
  /** Seed of the raw input files. */
  inputSeed: z.number().int().nonnegative().default(1),
  /** Environment of every device run; `{runtime}` is the pushed runtime folder (default: LD_LIBRARY_PATH and ADSP_LIBRARY_PATH). */
  env: z.record(envName, z.string()).default({}),
  /** More arguments for qnn-onnx-converter. */
  converterArgs: z.array(z.string()).default([]),
  /** More arguments for qnn-net-run. */
  extraArgs: z.array(z.string()).default([]),
  /** Cap for each host conversion step, ms. */
  convertTimeoutMs: z.number().int().positive().default(1_800_000),
});
export type QnnNetRunOptions = z.infer<typeof qnnNetRunOptionsSchema>;
