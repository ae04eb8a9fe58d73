// Command lines of the snpe-net-run path, as argv arrays. Pure.
//   host:  snpe-onnx-to-dlc --input_network <m.onnx> --output_path <dir>/model.dlc
//              [--input_dim <name> <d,d,d,d> ...] [converter args]
//   phone: snpe-net-run --container <model.dlc> --input_list <list> --output_dir <out>
//              --perf_profile burst --profiling_level basic [--use_dsp | --use_gpu]
//   host:  snpe-diagview --input_log <SNPEDiag_0.log>
import { SNPE_RUNTIMES, type SnpeNetRunOptions } from './options.js';

export function dlcConverterArgv(
  tool: string,
  model: string,
  out: string,
  inputs: { name: string; shape: number[] }[],
  extra: readonly string[],
): string[] {
  const dims = inputs.flatMap((i) => ['--input_dim', i.name, i.shape.join(',')]);
  return [tool, '--input_network', model, '--output_path', out, ...dims, ...extra];
}

export interface SnpeRunArgs {
  binary: string;
  container: string;
  inputList: string;
  outputDir: string;
  affinity?: string;
}

type RunFlags = Pick<SnpeNetRunOptions, 'runtime' | 'perfProfile' | 'profilingLevel' | 'extraArgs'>;

export function snpeNetRunArgv(a: SnpeRunArgs, o: RunFlags): string[] {
  return [
    ...(a.affinity ? ['taskset', a.affinity] : []),
    a.binary,
    '--container',
    a.container,
    '--input_list',
    a.inputList,
    '--output_dir',
    a.outputDir,
    '--perf_profile',
    o.perfProfile,
    '--profiling_level',
    o.profilingLevel,
    ...SNPE_RUNTIMES[o.runtime],
    ...o.extraArgs,
  ];
}

export function diagviewArgv(tool: string, log: string): string[] {
  return [tool, '--input_log', log];
}

/**
 * snpe-net-run reads one input set per line; `count` lines of the same set make it execute `count`
 * times in one process. Names are given (`name:=path`) so the order of the model's inputs never matters.
 */
export function snpeInputList(inputs: { name: string; path: string }[], count: number): string {
  for (const i of inputs) {
    if (/\s/.test(i.name) || /\s/.test(i.path)) throw new Error(`snpeInputList: ${JSON.stringify(i)} holds whitespace`);
  }
  const line = inputs.map((i) => `${i.name}:=${i.path}`).join(' ');
  return `${Array.from({ length: count }, () => line).join('\n')}\n`;
}

/** The diagnostic log snpe-net-run leaves in its output folder. */
export function pickDiagLog(names: readonly string[]): string | undefined {
  return names.find((n) => n === 'SNPEDiag_0.log') ?? names.find((n) => /^SNPEDiag(?:_\d+)?\.log$/.test(n));
}
