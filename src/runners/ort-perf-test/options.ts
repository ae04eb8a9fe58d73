// The `ort-perf-test` runner's options (a profile's `runner.options`) and the settings they imply:
// provider and session options per execution provider, library-path variables, the runs per process.
import { z } from 'zod';
import type { RunRequest } from '../types.js';

// onnxruntime_perf_test splits `-i` and `-C` on spaces and `|`, so keys and values may hold neither.
const token = z.string().regex(/^[^\s|]+$/, 'must not contain spaces or |');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const htpPerformanceModes = [
  'burst',
  'balanced',
  'default',
  'high_performance',
  'high_power_saver',
  'low_balanced',
  'extreme_power_saver',
  'low_power_saver',
  'power_saver',
  'sustained_high_performance',
] as const;

export const ortPerfTestOptionsSchema = z.strictObject({
  /**
   * Host folder holding the binary and its libraries (onnxruntime_perf_test, libonnxruntime.so, QAIRT
   * libQnn*.so ...), pushed once to <workDir>/runtime/. `$VAR`, `~/` and paths relative to the
   * profile are allowed. Without it the binary must already be on the device (a name on its PATH or
   * an absolute path).
   */
  runtimeDir: z.string().min(1).optional(),
  binary: z.string().min(1).default('onnxruntime_perf_test'),
  /** `-e`: qnn, nnapi, xnnpack, cpu, coreml, ... */
  ep: z
    .string()
    .regex(/^[a-z0-9_]+$/, 'must be an execution provider name such as qnn, nnapi, xnnpack, cpu, coreml')
    .default('cpu'),
  /** `-i` key|value pairs; added to (and overriding) the ones the runner sets for the EP. */
  epOptions: z.record(token, z.union([token, z.number()])).default({}),
  /** `-i` bare flags (NNAPI: NNAPI_FLAG_USE_FP16, NNAPI_FLAG_CPU_DISABLED, ...). */
  epFlags: z.array(token).default([]),
  /** `-C` session config key|value pairs. */
  sessionOptions: z.record(token, z.union([token, z.number()])).default({}),
  /** QNN: the backend library (`backend_path`), found through LD_LIBRARY_PATH. */
  qnnBackend: token.default('libQnnHtp.so'),
  /** QNN HTP: `htp_performance_mode`. */
  htpPerformanceMode: z.enum(htpPerformanceModes).default('burst'),
  /** HTP architecture (v73, v75, v79, ...): the stub and skel libraries the runtime folder must hold. */
  htpArch: z
    .string()
    .regex(/^v\d+$/, 'must look like v79')
    .optional(),
  /**
   * `session.disable_cpu_ep_fallback|1`: a model the EP cannot take whole fails instead of running
   * partly on ONNX Runtime's CPU EP. Default: on for qnn only. XNNPACK and ORT's NNAPI EP take a
   * limited set of operators and leave the rest to the CPU EP by design, so refusing would fail most
   * U-Net blocks; for them the placement check below measures the block and flags it instead. (The
   * fallback NNAPI is known for, device-tools.md §4, happens inside NNAPI, out of reach of this
   * option: see `disableNnapiCpu`.)
   */
  disableCpuFallback: z.boolean().optional(),
  /**
   * nnapi: pass NNAPI_FLAG_CPU_DISABLED so NNAPI cannot run operations on its own CPU implementation
   * (nnapi-reference). ORT cannot see that fallback: those operations still belong to the
   * NnapiExecutionProvider node in the profile. With the flag they go to ORT's CPU EP, where the
   * placement check flags them, or NNAPI refuses to compile the partition and the entry fails. Same
   * default as tflite-benchmark's `disableNnapiCpu`. Android 9 and older ignore the flag.
   */
  disableNnapiCpu: z.boolean().default(true),
  /**
   * Run perf_test once more per entry with ORT profiling (`-p`, one run) and flag the entry
   * `cpu-fallback` when nodes ran on CPUExecutionProvider. Default: on for nnapi, and for
   * qnn when `disableCpuFallback` is false; off when ORT refuses CPU nodes anyway. Never for cpu.
   */
  checkPlacement: z.boolean().optional(),
  /** Timed runs per process (`-r`); default: what the protocol asks for. */
  iterations: z.number().int().positive().optional(),
  /**
   * Read per-run times from the positional result_file (kind `iteration`). false: use the printed
   * average, one sample per process (kind `process`).
   */
  resultFile: z.boolean().default(true),
  /** `-I` (random inputs, no test_data_set folder needed) and `-S <seed>`. */
  randomInputs: z.boolean().default(true),
  /**
   * Environment of every run. `{runtime}` is the pushed runtime folder. Default: LD_LIBRARY_PATH=
   * {runtime}, plus for qnn ADSP_LIBRARY_PATH={runtime};/vendor/dsp/cdsp;... An empty value removes
   * a default (e.g. on macOS set DYLD_LIBRARY_PATH instead).
   */
  env: z.record(envName, z.string()).default({}),
  /** More arguments, placed before the model path. */
  extraArgs: z.array(z.string()).default([]),
  /** Runtime version for the LUT (perf_test prints none); default: a hash of the runtime folder. */
  version: z.string().min(1).optional(),
});
export type OrtPerfTestOptions = z.infer<typeof ortPerfTestOptionsSchema>;

/** Where the Hexagon DSP loader looks for the skel libraries: the runtime first, then the system's. */
export const ADSP_DEFAULT = '{runtime};/vendor/dsp/cdsp;/vendor/lib/rfsa/adsp;/system/lib/rfsa/adsp;/dsp';

export function isQnn(o: OrtPerfTestOptions): boolean {
  return o.ep === 'qnn';
}

/** `-i` pairs: for qnn the backend and burst mode first, then the profile's own (which win). */
export function providerOptions(o: OrtPerfTestOptions): Record<string, string> {
  const base: Record<string, string> = isQnn(o)
    ? { backend_path: o.qnnBackend, htp_performance_mode: o.htpPerformanceMode }
    : {};
  for (const [k, v] of Object.entries(o.epOptions)) base[k] = String(v);
  return base;
}

export function cpuFallbackDisabled(o: OrtPerfTestOptions): boolean {
  return o.disableCpuFallback ?? isQnn(o);
}

const NNAPI_CPU_DISABLED = 'NNAPI_FLAG_CPU_DISABLED';
const NNAPI_CPU_ONLY = 'NNAPI_FLAG_CPU_ONLY';

/** nnapi with NNAPI_FLAG_CPU_ONLY: everything runs on nnapi-reference, the CPU. */
export function nnapiCpuOnly(o: OrtPerfTestOptions): boolean {
  return o.ep === 'nnapi' && o.epFlags.includes(NNAPI_CPU_ONLY);
}

/**
 * `-i` bare flags: the profile's, plus NNAPI_FLAG_CPU_DISABLED for nnapi when `disableNnapiCpu` is
 * on (not next to NNAPI_FLAG_CPU_ONLY, which ORT refuses to combine with it).
 */
export function providerFlags(o: OrtPerfTestOptions): string[] {
  const add = o.ep === 'nnapi' && o.disableNnapiCpu && !o.epFlags.includes(NNAPI_CPU_DISABLED) && !nnapiCpuOnly(o);
  return add ? [...o.epFlags, NNAPI_CPU_DISABLED] : [...o.epFlags];
}

/**
 * EPs whose node placement is checked by default: ORT hands what they cannot take to the CPU EP,
 * which for an accelerator means a slower processor. Not xnnpack: XNNPACK is itself a CPU library
 * that takes only conv/matmul-type operators, so the CPU EP running the rest is its normal setup, not
 * a fallback, and flagging every entry would only make every regression verdict inconclusive.
 * `checkPlacement: true` still records the split for it.
 */
const PLACEMENT_CHECKED_EPS: readonly string[] = ['nnapi'];

/** Whether each entry gets a profiling run that tells which nodes ran on CPUExecutionProvider. */
export function placementChecked(o: OrtPerfTestOptions): boolean {
  if (o.ep === 'cpu') return false;
  // With the fallback refused, a CPU node fails the session, so there is nothing left to find.
  return o.checkPlacement ?? (!cpuFallbackDisabled(o) && (PLACEMENT_CHECKED_EPS.includes(o.ep) || isQnn(o)));
}

/** `-C` pairs: the fallback refusal first (when on), then the profile's own. */
/** `-C` entries: the profile's, after the fallback switch and, when a request turns it off, spinning. */
export function sessionOptions(
  o: OrtPerfTestOptions,
  request: Pick<RunRequest, 'threadSpinning'> = {},
): Record<string, string> {
  const base: Record<string, string> = cpuFallbackDisabled(o) ? { 'session.disable_cpu_ep_fallback': '1' } : {};
  if (request.threadSpinning === false) base['session.intra_op.allow_spinning'] = '0';
  for (const [k, v] of Object.entries(o.sessionOptions)) base[k] = String(v);
  return base;
}

/** Library-path variables before `{runtime}` is filled in. */
export function runtimeEnv(o: OrtPerfTestOptions): Record<string, string> {
  const base: Record<string, string> = o.runtimeDir !== undefined ? { LD_LIBRARY_PATH: '{runtime}' } : {};
  if (isQnn(o) && o.runtimeDir !== undefined) base.ADSP_LIBRARY_PATH = ADSP_DEFAULT;
  return { ...base, ...o.env };
}

/** Files the runtime folder must hold for this EP (beyond the binary). */
export function requiredRuntimeFiles(o: OrtPerfTestOptions): string[] {
  if (!isQnn(o)) return [];
  const files = [o.qnnBackend];
  if (o.htpArch) {
    const v = o.htpArch.toUpperCase();
    files.push(`libQnnHtp${v}Stub.so`, `libQnnHtp${v}Skel.so`);
  }
  return files;
}

/** What the LUT calls the runtime's EP: qnn with the HTP backend is `qnn-htp`. */
export function lutEp(o: OrtPerfTestOptions): string {
  if (!isQnn(o)) return o.ep;
  return /htp/i.test(o.qnnBackend)
    ? 'qnn-htp'
    : /cpu/i.test(o.qnnBackend)
      ? 'qnn-cpu'
      : /gpu/i.test(o.qnnBackend)
        ? 'qnn-gpu'
        : 'qnn';
}
