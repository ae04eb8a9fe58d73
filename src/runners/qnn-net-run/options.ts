// The `qnn-net-run` runner's options (a profile's `runner.options`).
import { z } from 'zod';
import { sdkRunnerOptionFields } from '../qualcomm-sdk.js';

export const qnnPerfProfiles = [
  'low_balanced',
  'balanced',
  'default',
  'high_performance',
  'sustained_high_performance',
  'burst',
  'low_power_saver',
  'power_saver',
  'high_power_saver',
  'extreme_power_saver',
  'system_settings',
] as const;

export const qnnNetRunOptionsSchema = z.strictObject({
  /** The QNN / QAIRT SDK on the host; default: $QNN_SDK_ROOT. `$VAR`, `~/` and profile-relative paths allowed. */
  sdkRoot: z.string().min(1).optional(),
  /**
   * Hexagon architecture of the phone's HTP (SM8750 / Snapdragon 8 Elite: v79). Picks stub, skel and
   * the context's dsp_arch.
   */
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
   * How qnn-profile-viewer decodes the profiling log: `csv` (default: `--output x.csv`, one row group
   * per execute with NetRun and the backend's times, so warm-ups can be dropped), `json`
   * (libQnnJsonProfilingReader.so: backend times per execute, no NetRun) or `text` (per-execute values
   * only from old SDKs that print "Execute Stat N"; newer ones print one average over every execute,
   * warm-ups included).
   */
  viewer: z.enum(['csv', 'json', 'text']).default('csv'),
  /**
   * The sample value, one profiling event (device-tools.md §2.2, outermost first): `netrun`
   * (qnn-net-run's wall time of an execute, incl. IO), `qnn-execute` ("QNN (execute) time"),
   * `qnn-accelerator` ("QNN accelerator (execute) time") or `accelerator` ("Accelerator (execute)
   * time", the HTP's own). See latencyEvent() for the JSON reader.
   */
  latency: z.enum(['netrun', 'qnn-execute', 'qnn-accelerator', 'accelerator']).default('netrun'),
  /** --num_inferences per process (timed ones; warm-ups are added); default: what the protocol asks for. */
  inferences: z.number().int().positive().optional(),
  /** --keep_num_outputs (0: the flag is not passed). */
  keepNumOutputs: z.number().int().nonnegative().default(1),
  // cacheDir (converted models keyed by model sha256, SDK version and HTP arch; default .cache/qnn),
  // inputSeed, env, converterArgs (qnn-onnx-converter), extraArgs (qnn-net-run), convertTimeoutMs.
  ...sdkRunnerOptionFields,
});
export type QnnNetRunOptions = z.infer<typeof qnnNetRunOptionsSchema>;

/** The profiling event each `latency` value names. */
export const LATENCY_EVENTS = {
  netrun: 'NetRun',
  'qnn-execute': 'QNN (execute) time',
  'qnn-accelerator': 'QNN accelerator (execute) time',
  accelerator: 'Accelerator (execute) time',
} as const satisfies Record<QnnNetRunOptions['latency'], string>;

/**
 * The one event every sample of a run is taken from, decided by the options alone: a LUT never mixes
 * metrics, and since the event is recorded in the runtime options, neither does a resumed run. NetRun
 * is qnn-net-run's own timer, which the JSON reader does not report; there `netrun` takes its closest
 * equivalent, "QNN (execute) time" (NetRun ⊇ QNN (execute), 2952 vs 2949 µs in device-tools.md §2.2).
 * A log without the event fails the entry instead of falling back to another one.
 */
export function latencyEvent(o: Pick<QnnNetRunOptions, 'latency' | 'viewer'>): string {
  if (o.latency === 'netrun' && o.viewer === 'json') return LATENCY_EVENTS['qnn-execute'];
  return LATENCY_EVENTS[o.latency];
}
