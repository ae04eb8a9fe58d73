// The `ort-perf-test` runner's options (a profile's `runner.options`) and the settings they imply:
// provider and session options per execution provider, library-path variables, the runs per process.
import { z } from 'zod';

// onnxruntime_perf_test splits `-i` and `-C` on spaces and `|`, so keys and values may hold neither.
const token = z.string().regex(/^[^\s|]+$/, 'must not contain spaces or |');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const htpPerformanceModes = [
  'burst', 'balanced', 'default', 'high_performance', 'high_power_saver', 'low_balanced',
  'extreme_power_saver', 'low_power_saver', 'power_saver', 'sustained_high_performance',
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
  ep: z.string().regex(/^[a-z0-9_]+$/, 'must be an execution provider name such as qnn, nnapi, xnnpack, cpu, coreml').default('cpu'),
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
  htpArch: z.string().regex(/^v\d+$/, 'must look like v79').optional(),
  /**
   * `session.disable_cpu_ep_fallback|1`: a model the EP cannot take whole fails instead of running
   * partly on the CPU. Default: on for qnn, off otherwise (XNNPACK and NNAPI leave some nodes to the
   * CPU by design).
   */
  disableCpuFallback: z.boolean().optional(),
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
  const base: Record<string, string> = isQnn(o) ? { backend_path: o.qnnBackend, htp_performance_mode: o.htpPerformanceMode } : {};
  for (const [k, v] of Object.entries(o.epOptions)) base[k] = String(v);
  return base;
}

export function cpuFallbackDisabled(o: OrtPerfTestOptions): boolean {
  return o.disableCpuFallback ?? isQnn(o);
}

/** `-C` pairs: the fallback refusal first (when on), then the profile's own. */
export function sessionOptions(o: OrtPerfTestOptions): Record<string, string> {
  const base: Record<string, string> = cpuFallbackDisabled(o) ? { 'session.disable_cpu_ep_fallback': '1' } : {};
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
  return /htp/i.test(o.qnnBackend) ? 'qnn-htp' : /cpu/i.test(o.qnnBackend) ? 'qnn-cpu' : /gpu/i.test(o.qnnBackend) ? 'qnn-gpu' : 'qnn';
}
