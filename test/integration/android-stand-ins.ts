// Stand-ins for the vendor tools the Android runners drive, for tests against the fake phone: an
// onnxruntime_perf_test and a benchmark_model that replay captured outputs from test/fixtures/outputs
// (perf_test also writes the profiling JSON `-p` asks for, from test/fixtures/outputs/ort-profile-json),
// a qnn-net-run that writes the files the real one writes, and a QNN SDK folder on the host whose
// converter, model-lib generator, context-binary generator and profile viewer produce their files and
// replay a captured qnn-profile-viewer output. Each tool appends one JSON line per call (its argv, its
// working folder and the library-path variables it saw) to a calls file, so tests assert on exactly
// what reached it. They are Node scripts: the phone's PATH has the host's node.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const outputs = join(import.meta.dirname, '..', 'fixtures', 'outputs');
export const fixture = (path: string) => join(outputs, path);

export interface Call {
  argv: string[];
  cwd: string;
  LD_LIBRARY_PATH: string | null;
  ADSP_LIBRARY_PATH: string | null;
}

export function readCalls(file: string): Call[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Call);
}

// Works whether node treats the file as CommonJS or as an ES module.
const prelude = (callsFile: string) => `#!/usr/bin/env node
const fs = process.getBuiltinModule('fs');
const path = process.getBuiltinModule('path');
const args = process.argv.slice(2);
const callsFile = ${callsFile};
const env = process.env;
const call = { argv: args, cwd: process.cwd(), LD_LIBRARY_PATH: env.LD_LIBRARY_PATH ?? null };
call.ADSP_LIBRARY_PATH = env.ADSP_LIBRARY_PATH ?? null;
fs.appendFileSync(callsFile, JSON.stringify(call) + '\\n');
const control = (() => {
  const file = path.join(process.env.HOME, ${JSON.stringify('tool.control.json')});
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); }
  catch { return {}; }
})();
const matches = (list, text) => (list || []).some((m) => text.includes(m));
`;

/** Where the phone-side stand-ins log: the phone's HOME (its sandbox root). */
export const phoneCalls = (sandbox: string, tool: string) => join(sandbox, `${tool}.calls.jsonl`);

/** Behaviour switches read by the phone-side stand-ins from <sandbox>/tool.control.json (model path substrings). */
export interface ToolControl {
  /** Print output no parser knows. */
  garbage?: string[];
  /** QNN: nodes the EP cannot take (refused when CPU fallback is disabled, else a two-partition summary). */
  unsupported?: string[];
  /** Write no result file. */
  noResultFile?: boolean;
  /** Hang (write the PID to <sandbox>/hang.pid, then never exit), like a runner stuck in a driver call. */
  hang?: string[];
  /** Take as long as the replayed output says (first inference + every row), for overhead measurements. */
  realTime?: boolean;
  /**
   * perf_test `-p <prefix>`: the first entry whose `match` is in the model path names the file of
   * ort-profile-json/ written as `<prefix>_<timestamp>.json` (ORT's naming); no match, no file.
   */
  profile?: { match: string; file: string }[];
}

export function setControl(sandbox: string, control: ToolControl): void {
  writeFileSync(join(sandbox, 'tool.control.json'), JSON.stringify(control));
}

/** onnxruntime_perf_test: replays the ORT 1.23 stdout and writes `-r` rows of the captured result file. */
export function perfTestScript(): string {
  return `${prelude(`path.join(process.env.HOME, 'onnxruntime_perf_test.calls.jsonl')`)}
if (args[0] === '-h') {
  console.log('usage: onnxruntime_perf_test [options...] model_path [result_file]');
  process.exit(0);
}
const withValue = new Set(['-e', '-i', '-C', '-m', '-r', '-x', '-y', '-S', '-t', '-o', '-T', '-f', '-F', '-p', '-c']);
const opts = {};
const pos = [];
for (let i = 0; i < args.length; i++) {
  if (withValue.has(args[i])) opts[args[i]] = args[++i];
  else if (/^-[A-Za-z]$/.test(args[i])) opts[args[i]] = true;
  else pos.push(args[i]);
}
const [model, resultFile] = pos;
if (!model || !fs.existsSync(model)) {
  console.error('Load model from ' + model + ' failed: No such file');
  process.exit(1);
}
if (matches(control.garbage, model)) { console.log('*** stack smashing detected ***: terminated'); process.exit(0); }
if (matches(control.hang, model)) {
  fs.appendFileSync(path.join(process.env.HOME, 'hang.pid'), process.pid + '\\n');
  setInterval(() => {}, 1000);
}
else {
if (opts['-e'] === 'qnn') {
  const partial = matches(control.unsupported, model);
  if (partial && String(opts['-C'] || '').includes('session.disable_cpu_ep_fallback|1')) {
    console.error('Non-zero status code returned while running session creation. ' +
      'This session contains graph nodes that are assigned to the default CPU EP, ' +
      'but fallback to CPU EP has been explicitly disabled by the user.');
    process.exit(1);
  }
  console.error(partial
    ? 'Number of partitions supported by QNN EP: 2, number of nodes in the graph: 14, ' +
      'number of nodes supported by QNN: 12'
    : 'Number of partitions supported by QNN EP: 1, number of nodes in the graph: 14, ' +
      'number of nodes supported by QNN: 14');
}
const stdoutFile = ${JSON.stringify(fixture('ort-perf-test/v1.23-total-arm-learning-paths.txt'))};
process.stdout.write(fs.readFileSync(stdoutFile, 'utf8'));
if (resultFile && !control.noResultFile) {
  const rowsFile = ${JSON.stringify(fixture('ort-perf-test/result-file-5col-assembled.csv'))};
  const rows = fs.readFileSync(rowsFile, 'utf8').split('\\n').filter((l) => /,\\d+$/.test(l));
  let text = '';
  for (let i = 0; i < Number(opts['-r']); i++) {
    const f = rows[i % rows.length].split(',');
    text += [model, f[1], f[2], f[3], i].join(',') + '\\n';
  }
  fs.appendFileSync(resultFile, text);
  if (control.realTime) {
    const ms = 196 + text.trim().split('\\n').reduce((a, l) => a + Number(l.split(',').at(-4)) * 1000, 0);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  }
}
const profile = opts['-p'] && (control.profile || []).find((p) => model.includes(p.match));
if (profile) {
  const stamp = new Date().toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '-');
  const profiles = ${JSON.stringify(join(outputs, 'ort-profile-json'))};
  fs.copyFileSync(path.join(profiles, profile.file), opts['-p'] + '_' + stamp + '.json');
}
}
`;
}

/** benchmark_model: replays the captured INFO output (NNAPI: the captured silent-fallback log). */
export function benchmarkModelScript(): string {
  return `${prelude(`path.join(process.env.HOME, 'benchmark_model.calls.jsonl')`)}
if (args[0] === '--help') { console.log('usage: benchmark_model --graph=model.tflite [flags]'); process.exit(0); }
const graph = (args.find((a) => a.startsWith('--graph=')) || '').slice('--graph='.length);
if (!fs.existsSync(graph)) { console.error('ERROR: Could not open ' + graph); process.exit(1); }
if (matches(control.garbage, graph)) { console.error('Aborted (core dumped)'); process.exit(0); }
const nnapi = args.includes('--use_nnapi=true');
const file = nnapi
  ? ${JSON.stringify(fixture('tflite-benchmark/nnapi-silent-fallback-logcat-assembled.txt'))}
  : ${JSON.stringify(fixture('tflite-benchmark/info-prefix-reference.txt'))};
process.stderr.write(fs.readFileSync(file, 'utf8'));
`;
}

/** qnn-net-run: checks its inputs and writes Result_0/ and qnn-profiling-data_0.log into --output_dir. */
export function qnnNetRunScript(): string {
  return `${prelude(`path.join(process.env.HOME, 'qnn-net-run.calls.jsonl')`)}
if (args[0] === '--version') { console.log('qnn-net-run pid:1\\nQNN SDK v2.39.0.250926 (stand-in)'); process.exit(0); }
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const ctx = opt('--retrieve_context');
const list = opt('--input_list');
const out = opt('--output_dir');
for (const [flag, file] of [['--retrieve_context', ctx], ['--input_list', list]]) {
  if (!file || !fs.existsSync(file)) {
    console.error('qnn-net-run: ' + flag + ' ' + file + ': file not found');
    process.exit(1);
  }
}
for (const entry of fs.readFileSync(list, 'utf8').trim().split(/\\s+/)) {
  const file = entry.includes(':=') ? entry.slice(entry.indexOf(':=') + 2) : entry;
  if (!fs.existsSync(file)) { console.error('qnn-net-run: input ' + file + ' not found'); process.exit(1); }
}
if (matches(control.garbage, ctx)) { console.log('garbage'); process.exit(0); }
fs.mkdirSync(path.join(out, 'Result_0'), { recursive: true });
fs.writeFileSync(path.join(out, 'Result_0', 'output.raw'), Buffer.alloc(16));
fs.writeFileSync(
  path.join(out, 'qnn-profiling-data_0.log'),
  'FAKE-QNN-PROFILE num_inferences=' + opt('--num_inferences') + ' perf_profile=' + opt('--perf_profile') + '\\n',
);
`;
}

/**
 * Writes the files of a stand-in SDK below `root`: `write` any file (folders made, mode set), `host` a
 * host tool (bin/x86_64-linux-clang) that logs each call to `calls` before its `body` runs.
 */
function sdkWriter(root: string, calls: string) {
  const write = (rel: string, text: string, mode = 0o644) => {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    chmodSync(file, mode);
  };
  const host = (name: string, body: string) =>
    write(`bin/x86_64-linux-clang/${name}`, `${prelude(JSON.stringify(calls))}${body}`, 0o755);
  return { write, host };
}

/** How the SDKs' ONNX converters start: `opt(flag)`, and an error naming a missing --input_network. */
const CONVERTER_OPENING = `const opt = (n) => args[args.indexOf(n) + 1];
if (!fs.existsSync(opt('--input_network'))) {
  console.error('ERROR: ' + opt('--input_network') + ' not found');
  process.exit(1);
}
`;

/** How a host viewer starts: `opt(flag)`; an --input_log the phone-side stand-in did not write is refused. */
const viewerOpening = (tool: string, marker: string, what: string) =>
  `const opt = (n) => (args.indexOf(n) >= 0 ? args[args.indexOf(n) + 1] : undefined);
const log = opt('--input_log');
if (!log || !fs.readFileSync(log, 'utf8').startsWith('${marker}')) {
  console.error('${tool}: not a ${what}: ' + log);
  process.exit(1);
}
`;

export interface FakeQnnSdk {
  root: string;
  /** Host-side tool calls (converter, generators, viewer). */
  calls: string;
}

/**
 * A QNN SDK folder: sdk.yaml, host tools that write what the real ones write, the phone-side
 * qnn-net-run stand-in and empty libraries where the real SDK has its libraries. The viewer prints
 * `viewerText` (text mode) or writes `viewerJson` to --output (JSON reader).
 */
export function makeFakeQnnSdk(
  root: string,
  o: { version?: string; arch?: string; viewerText: string; viewerJson?: string },
): FakeQnnSdk {
  const arch = o.arch ?? 'v79';
  const v = arch.toUpperCase();
  const calls = join(root, 'host-tools.calls.jsonl');
  const { write, host } = sdkWriter(root, calls);
  write('sdk.yaml', `version: ${o.version ?? '2.39.0.250926'}\nbuild_id: 250926\n`);
  write('QNN_README.txt', 'stand-in\n');
  host(
    'qnn-onnx-converter',
    CONVERTER_OPENING +
      `const cpp = opt('--output_path');
fs.writeFileSync(cpp, '// converted ' + opt('--input_network') + '\\n');
fs.writeFileSync(cpp.replace(/\\.cpp$/, '.bin'), Buffer.alloc(64));
`,
  );
  host(
    'qnn-model-lib-generator',
    `const opt = (n) => args[args.indexOf(n) + 1];
for (const n of ['-c', '-b']) {
  if (!fs.existsSync(opt(n))) { console.error(n + ' ' + opt(n) + ' missing'); process.exit(1); }
}
const stem = path.basename(opt('-c'), '.cpp');
const dir = path.join(opt('-o'), opt('-t'));
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'lib' + stem + '.so'), Buffer.alloc(128));
`,
  );
  host(
    'qnn-context-binary-generator',
    `const opt = (n) => args[args.indexOf(n) + 1];
for (const n of ['--backend', '--model', '--config_file']) {
  if (!fs.existsSync(opt(n))) { console.error(n + ' ' + opt(n) + ' missing'); process.exit(1); }
}
const config = JSON.parse(fs.readFileSync(opt('--config_file'), 'utf8'));
const ext = JSON.parse(fs.readFileSync(config.backend_extensions.config_file_path, 'utf8'));
fs.mkdirSync(opt('--output_dir'), { recursive: true });
fs.writeFileSync(
  path.join(opt('--output_dir'), opt('--binary_file') + '.bin'),
  'CONTEXT dsp_arch=' + ext.devices[0].dsp_arch + ' graph=' + ext.graphs[0].graph_names[0] + '\\n',
);
`,
  );
  host(
    'qnn-profile-viewer',
    viewerOpening('qnn-profile-viewer', 'FAKE-QNN-PROFILE', 'profiling log') +
      `const viewerOutput = path.join(${JSON.stringify(root)}, 'viewer-output.json');
if (opt('--output')) fs.writeFileSync(opt('--output'), fs.readFileSync(viewerOutput, 'utf8'));
else process.stdout.write(fs.readFileSync(path.join(${JSON.stringify(root)}, 'viewer-output.txt'), 'utf8'));
`,
  );
  write('viewer-output.txt', o.viewerText);
  write('viewer-output.json', o.viewerJson ?? '{}');
  write('bin/aarch64-android/qnn-net-run', qnnNetRunScript(), 0o755);
  for (const lib of [
    'libQnnHtp.so',
    `libQnnHtp${v}Stub.so`,
    'libQnnSystem.so',
    'libQnnHtpPrepare.so',
    'libQnnHtpNetRunExtensions.so',
  ])
    write(`lib/aarch64-android/${lib}`, `stand-in ${lib}\n`);
  write(`lib/hexagon-${arch}/unsigned/libQnnHtp${v}Skel.so`, 'stand-in skel\n');
  for (const lib of ['libQnnHtp.so', 'libQnnHtpNetRunExtensions.so', 'libQnnJsonProfilingReader.so'])
    write(`lib/x86_64-linux-clang/${lib}`, `stand-in ${lib}\n`);
  return { root, calls };
}

/** A runtime folder for ort-perf-test: the stand-in binary and QAIRT-named libraries. */
export function makePerfTestRuntime(dir: string, arch = 'v79'): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'onnxruntime_perf_test'), perfTestScript(), { mode: 0o755 });
  const v = arch.toUpperCase();
  for (const lib of [
    'libonnxruntime.so',
    'libQnnHtp.so',
    `libQnnHtp${v}Stub.so`,
    `libQnnHtp${v}Skel.so`,
    'libQnnSystem.so',
    'libQnnHtpPrepare.so',
  ])
    writeFileSync(join(dir, lib), `stand-in ${lib}\n`);
  return dir;
}

/** A runtime folder for tflite-benchmark. */
export function makeTfliteRuntime(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'benchmark_model'), benchmarkModelScript(), { mode: 0o755 });
  return dir;
}

/** Writes a device profile into `dir` (its file name is its name) and returns the folder. */
export function writeProfile(dir: string, profile: Record<string, unknown> & { name: string }): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${profile.name}.json`), JSON.stringify(profile, null, 1));
  return dir;
}

/**
 * snpe-net-run: checks its container and input list (every path on every line), writes
 * SNPEDiag_0.log (a marker the stand-in snpe-diagview accepts) into --output_dir and prints the log
 * format of the captured snpe-net-run outputs (test/fixtures/outputs/snpe-net-run/). A container whose
 * path holds a `garbage` entry of tool.control.json fails the way SNPE reports an unloadable DLC (the
 * error line is constructed in SNPE's `error_code=…; error_message=…` form).
 */
export function snpeNetRunScript(version: string): string {
  return `${prelude(`path.join(process.env.HOME, 'snpe-net-run.calls.jsonl')`)}
if (args[0] === '--version') { console.log('SNPE v${version}'); process.exit(0); }
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const container = opt('--container');
const list = opt('--input_list');
const out = opt('--output_dir') || 'output';
for (const [flag, file] of [['--container', container], ['--input_list', list]]) {
  if (!file || !fs.existsSync(file)) {
    console.error('error_code=1002; error_message=' + flag + ' ' + file + ' does not exist');
    process.exit(1);
  }
}
const sets = fs.readFileSync(list, 'utf8').trim().split('\\n');
for (const line of sets) for (const entry of line.trim().split(/\\s+/)) {
  const file = entry.includes(':=') ? entry.slice(entry.indexOf(':=') + 2) : entry;
  if (!fs.existsSync(file)) {
    console.error('error_code=1002; error_message=input ' + file + ' not found');
    process.exit(1);
  }
}
console.log('-------------------------------------------------------------------------------');
console.log('Model String: N/A');
console.log('SNPE v${version}');
console.log('-------------------------------------------------------------------------------');
if (matches(control.garbage, container)) {
  console.log('error_code=306; error_message=Error loading the DLC container. error_code=306; ' +
    'error_message=Error loading the DLC container. Could not load DLC ' + container);
  process.exit(1);
}
for (const line of sets) { console.log('Processing DNN input(s):'); console.log(line.split(':=').pop()); }
fs.mkdirSync(out, { recursive: true });
const runtime = args.includes('--use_dsp') ? 'dsp' : args.includes('--use_gpu') ? 'gpu' : 'cpu';
fs.writeFileSync(
  path.join(out, 'SNPEDiag_0.log'),
  'FAKE-SNPE-DIAG sets=' + sets.length + ' runtime=' + runtime + ' perf_profile=' + opt('--perf_profile') + '\\n',
);
console.log('Successfully executed!');
`;
}

export interface FakeSnpeSdk {
  root: string;
  /** Host-side tool calls (converter, diagview). */
  calls: string;
}

/**
 * An SNPE (QAIRT) SDK folder: sdk.yaml, a snpe-onnx-to-dlc that writes the DLC (left out with
 * `converter: false`), a snpe-diagview that prints `diagview-output.txt` for a log the stand-in
 * snpe-net-run wrote, the phone-side snpe-net-run and empty libraries where the real SDK has its own.
 */
export function makeFakeSnpeSdk(
  root: string,
  o: { version?: string; arch?: string; diagviewText: string; converter?: boolean },
): FakeSnpeSdk {
  const version = o.version ?? '2.37.0.250724';
  const arch = o.arch ?? 'v79';
  const v = arch.toUpperCase();
  const calls = join(root, 'host-tools.calls.jsonl');
  const { write, host } = sdkWriter(root, calls);
  write('sdk.yaml', `version: ${version}\n`);
  if (o.converter !== false) {
    host(
      'snpe-onnx-to-dlc',
      CONVERTER_OPENING +
        `fs.writeFileSync(opt('--output_path'), 'DLC of ' + path.basename(opt('--input_network')) + '\\n');
`,
    );
  }
  host(
    'snpe-diagview',
    viewerOpening('snpe-diagview', 'FAKE-SNPE-DIAG', 'diagnostic log') +
      `process.stdout.write(fs.readFileSync(path.join(${JSON.stringify(root)}, 'diagview-output.txt'), 'utf8'));
`,
  );
  write('diagview-output.txt', o.diagviewText);
  write('bin/aarch64-android/snpe-net-run', snpeNetRunScript(version), 0o755);
  for (const lib of ['libSNPE.so', `libSnpeHtp${v}Stub.so`, 'libSnpeHtpPrepare.so'])
    write(`lib/aarch64-android/${lib}`, `stand-in ${lib}\n`);
  write(`lib/hexagon-${arch}/unsigned/libSnpeHtp${v}Skel.so`, 'stand-in skel\n');
  return { root, calls };
}
