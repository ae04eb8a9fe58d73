// Command lines and files of the qnn-net-run path, as argv arrays and JSON/text. Pure.
//
// Host (x86_64-linux-clang), once per model, cached:
//   qnn-onnx-converter --input_network <m.onnx> --output_path <dir>/model.cpp
//     --input_dim <name> <d,d,d,d> ... [--float_bitwidth 16]
//   qnn-model-lib-generator -c <dir>/model.cpp -b <dir>/model.bin -t x86_64-linux-clang -o <dir>/lib
//   qnn-context-binary-generator --backend <sdk>/lib/x86_64-linux-clang/libQnnHtp.so
//       --model <dir>/lib/x86_64-linux-clang/libmodel.so --binary_file context --output_dir <dir>/ctx
//       --config_file <dir>/htp_config.json
// The context binary is generated on the host, so the model library is built for the host; the HTP
// config names the phone's dsp_arch, which is what makes the binary fit the phone.
// Phone (cwd = the runtime folder, LD_LIBRARY_PATH / ADSP_LIBRARY_PATH set through the environment):
//   qnn-net-run --backend libQnnHtp.so --retrieve_context <ctx> --input_list <list> --output_dir <out>
//       --perf_profile burst --profiling_level basic --num_inferences <n> [--keep_num_outputs 1]
// Host again: qnn-profile-viewer --input_log <log> [--reader <json reader> --output <x.json> | --output <x.csv>]

/** The graph name the converter gives a model written to model.cpp (the file's stem). */
export const GRAPH_NAME = 'model';

export interface ConverterArgs {
  tool: string;
  model: string;
  outDir: string;
  inputs: { name: string; shape: number[] }[];
  precision: 'fp32' | 'fp16';
  extra: readonly string[];
}

export function converterArgv(a: ConverterArgs): string[] {
  return [
    a.tool,
    '--input_network',
    a.model,
    '--output_path',
    `${a.outDir}/${GRAPH_NAME}.cpp`,
    ...a.inputs.flatMap((i) => ['--input_dim', i.name, i.shape.join(',')]),
    ...(a.precision === 'fp16' ? ['--float_bitwidth', '16'] : []),
    ...a.extra,
  ];
}

export function modelLibArgv(tool: string, outDir: string, target: string): string[] {
  return [
    tool,
    '-c',
    `${outDir}/${GRAPH_NAME}.cpp`,
    '-b',
    `${outDir}/${GRAPH_NAME}.bin`,
    '-t',
    target,
    '-o',
    `${outDir}/lib`,
  ];
}

export function modelLibPath(outDir: string, target: string): string {
  return `${outDir}/lib/${target}/lib${GRAPH_NAME}.so`;
}

export interface ContextArgs {
  tool: string;
  backend: string;
  modelLib: string;
  outDir: string;
  configFile: string;
}

export function contextBinaryArgv(a: ContextArgs): string[] {
  return [
    a.tool,
    '--backend',
    a.backend,
    '--model',
    a.modelLib,
    '--binary_file',
    'context',
    '--output_dir',
    `${a.outDir}/ctx`,
    '--config_file',
    a.configFile,
  ];
}

export function contextBinaryPath(outDir: string): string {
  return `${outDir}/ctx/context.bin`;
}

export interface HtpConfig {
  htpArch: string;
  socId?: number;
  vtcmMb?: number;
  optimizationLevel: number;
}

/**
 * The HTP backend-extension settings: graph options and the target device (dsp_arch decides what
 * the binary runs on).
 */
export function htpExtensionConfig(c: HtpConfig): Record<string, unknown> {
  return {
    graphs: [
      {
        graph_names: [GRAPH_NAME],
        O: c.optimizationLevel,
        // HTP computes floats in fp16; without this an fp32 graph does not finalize.
        fp16_relaxed_precision: 1,
        ...(c.vtcmMb ? { vtcm_mb: c.vtcmMb } : {}),
      },
    ],
    devices: [{ dsp_arch: c.htpArch, ...(c.socId !== undefined ? { soc_id: c.socId } : {}) }],
  };
}

/** The --config_file of qnn-context-binary-generator: points at the extensions library and their settings. */
export function backendConfig(extensionsLib: string, extensionConfigFile: string): Record<string, unknown> {
  return { backend_extensions: { shared_library_path: extensionsLib, config_file_path: extensionConfigFile } };
}

/** One line per inference set: `name:=path ...`, paths relative to where qnn-net-run runs (no spaces). */
export function inputListText(inputs: { name: string; path: string }[]): string {
  for (const i of inputs) {
    if (/\s/.test(i.name) || /\s/.test(i.path)) throw new Error(`inputListText: ${JSON.stringify(i)} holds whitespace`);
  }
  return `${inputs.map((i) => `${i.name}:=${i.path}`).join(' ')}\n`;
}

export interface NetRunArgs {
  binary: string;
  backend: string;
  context: string;
  inputList: string;
  outputDir: string;
  perfProfile: string;
  profilingLevel: string;
  inferences: number;
  keepNumOutputs: number;
  affinity?: string;
  extra: readonly string[];
}

export function netRunArgv(a: NetRunArgs): string[] {
  return [
    ...(a.affinity ? ['taskset', a.affinity] : []),
    a.binary,
    '--backend',
    a.backend,
    '--retrieve_context',
    a.context,
    '--input_list',
    a.inputList,
    '--output_dir',
    a.outputDir,
    '--perf_profile',
    a.perfProfile,
    '--profiling_level',
    a.profilingLevel,
    '--num_inferences',
    String(a.inferences),
    ...(a.keepNumOutputs > 0 ? ['--keep_num_outputs', String(a.keepNumOutputs)] : []),
    ...a.extra,
  ];
}

export function viewerArgv(
  tool: string,
  log: string,
  output: { kind: 'text' } | { kind: 'json'; reader: string; file: string } | { kind: 'csv'; file: string },
): string[] {
  switch (output.kind) {
    case 'text':
      return [tool, '--input_log', log];
    case 'json':
      return [tool, '--input_log', log, '--reader', output.reader, '--output', output.file];
    case 'csv':
      return [tool, '--input_log', log, '--output', output.file];
  }
}

/** The profiling log qnn-net-run leaves in its output folder (newer SDKs number it). */
export function pickProfilingLog(names: readonly string[]): string | undefined {
  return (
    names.find((n) => /^qnn-profiling-data_0\.log$/.test(n)) ??
    names.find((n) => /^qnn-profiling-data(?:_\d+)?\.log$/.test(n))
  );
}
