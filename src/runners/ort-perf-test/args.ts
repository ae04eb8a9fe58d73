// The onnxruntime_perf_test command line, as an argv (the transport quotes it). Pure.
//
//   [taskset <mask>] <binary> -e <ep> [-i "k|v k|v FLAG"] [-C "k|v"] -m times -r <runs> [-x <threads>]
//       [-I [-S <seed>]] [-p <profile prefix>] [extra...] <model> [<result_file>]
//
// `-m times -r N` fixes the number of runs; `-t` is never passed because newer builds let it override
// `-r` (duration mode wins when both are given).

export interface OrtPerfTestArgs {
  /** The binary as the device runs it (absolute path, or a name on its PATH). */
  binary: string;
  ep: string;
  providerOptions: Record<string, string>;
  providerFlags: readonly string[];
  sessionOptions: Record<string, string>;
  runs: number;
  /** Intra-op threads (`-x`); 0 or undefined: the runtime's default. */
  threads?: number;
  /** Hex CPU mask for `taskset`. */
  affinity?: string;
  randomInputs: boolean;
  seed?: number;
  extraArgs: readonly string[];
  model: string;
  resultFile?: string;
  /** `-p`: ORT session profiling; ORT writes `<prefix>_<timestamp>.json` when the session ends. */
  profilePrefix?: string;
}

/** `k1|v1 k2|v2 FLAG`: one argv element, as perf_test's `-i` and `-C` take it. */
export function pairList(pairs: Record<string, string>, flags: readonly string[] = []): string {
  return [...Object.entries(pairs).map(([k, v]) => `${k}|${v}`), ...flags].join(' ');
}

export function ortPerfTestArgv(a: OrtPerfTestArgs): string[] {
  const provider = pairList(a.providerOptions, a.providerFlags);
  const session = pairList(a.sessionOptions);
  return [
    ...(a.affinity ? ['taskset', a.affinity] : []),
    a.binary,
    '-e',
    a.ep,
    ...(provider ? ['-i', provider] : []),
    ...(session ? ['-C', session] : []),
    '-m',
    'times',
    '-r',
    String(a.runs),
    ...(a.threads !== undefined && a.threads > 0 ? ['-x', String(a.threads)] : []),
    ...(a.randomInputs ? ['-I', ...(a.seed !== undefined ? ['-S', String(a.seed)] : [])] : []),
    ...(a.profilePrefix !== undefined ? ['-p', a.profilePrefix] : []),
    ...a.extraArgs,
    a.model,
    ...(a.resultFile !== undefined ? [a.resultFile] : []),
  ];
}
