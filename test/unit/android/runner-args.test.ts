// The command lines the Android runners build, exactly, for each execution provider, delegate and
// option; and the small rules around them (library paths, runs per process, conversion cache keys).
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { DeviceProfile } from '../../../src/devices/schema.js';
import { RunnerError } from '../../../src/errors.js';
import { ortPerfTestArgv, pairList } from '../../../src/runners/ort-perf-test/args.js';
import {
  lutEp,
  ortPerfTestOptionsSchema,
  placementChecked,
  providerFlags,
  providerOptions,
  requiredRuntimeFiles,
  runtimeEnv,
  sessionOptions,
  type OrtPerfTestOptions,
} from '../../../src/runners/ort-perf-test/options.js';
import { expandDeviceEnv, expandHostPath, repeatProcesses, startFailure } from '../../../src/runners/device-tool.js';
import { runsPerProcess } from '../../../src/runners/ort-perf-test/runner.js';
import {
  backendConfig,
  contextBinaryArgv,
  converterArgv,
  htpExtensionConfig,
  inputListText,
  modelLibArgv,
  netRunArgv,
  pickProfilingLog,
  viewerArgv,
} from '../../../src/runners/qnn-net-run/args.js';
import { conversionKey } from '../../../src/runners/qnn-net-run/convert.js';
import { qnnNetRunOptionsSchema } from '../../../src/runners/qnn-net-run/options.js';
import {
  delegateFlags,
  tfliteArgv,
  tfliteBenchmarkOptionsSchema,
  tfliteEp,
} from '../../../src/runners/tflite-benchmark/options.js';
import type { ModelFiles, RunOutput, RunRequest } from '../../../src/runners/types.js';
import type { ExecResult } from '../../../src/transports/types.js';

const request: RunRequest = {
  warmup: 3,
  minIterations: 10,
  maxIterations: 300,
  maxTimeMs: 6000,
  targetRme: 0.01,
  seed: 1,
  timeoutMs: 1000,
};

// What every perf_test command line below is built from, and so starts, counts and ends with.
const PERF_TEST = '/w/runtime/onnxruntime_perf_test';
const MODEL = '/w/models/m/E1.R-R.onnx';
/** `runs: 12` in times mode. */
const TIMES = ['-m', 'times', '-r', '12'];

function perfArgv(
  raw: Record<string, unknown>,
  extra: {
    threads?: number;
    affinity?: string;
    seed?: number;
    resultFile?: string;
    profilePrefix?: string;
    threadSpinning?: boolean;
  } = {},
): string[] {
  const o: OrtPerfTestOptions = ortPerfTestOptionsSchema.parse(raw);
  return ortPerfTestArgv({
    binary: PERF_TEST,
    ep: o.ep,
    providerOptions: providerOptions(o),
    providerFlags: providerFlags(o),
    sessionOptions: sessionOptions(o, extra.threadSpinning === false ? { threadSpinning: false } : {}),
    runs: 12,
    ...(extra.threads !== undefined ? { threads: extra.threads } : {}),
    ...(extra.affinity !== undefined ? { affinity: extra.affinity } : {}),
    randomInputs: o.randomInputs,
    ...(extra.seed !== undefined ? { seed: extra.seed } : {}),
    extraArgs: o.extraArgs,
    model: MODEL,
    ...(extra.resultFile !== undefined ? { resultFile: extra.resultFile } : {}),
    ...(extra.profilePrefix !== undefined ? { profilePrefix: extra.profilePrefix } : {}),
  });
}

describe('onnxruntime_perf_test command lines', () => {
  it('qnn: HTP backend, burst, CPU fallback refused, times mode, random seeded inputs, result file last', () => {
    expect(perfArgv({ ep: 'qnn' }, { seed: 4, resultFile: '/w/out/r.csv' })).toEqual([
      PERF_TEST,
      '-e',
      'qnn',
      '-i',
      'backend_path|libQnnHtp.so htp_performance_mode|burst',
      '-C',
      'session.disable_cpu_ep_fallback|1',
      ...TIMES,
      '-I',
      '-S',
      '4',
      MODEL,
      '/w/out/r.csv',
    ]);
  });

  it("qnn with the profile's own options: they override the defaults and add to them; fallback may be allowed", () => {
    expect(
      perfArgv({
        ep: 'qnn',
        qnnBackend: 'libQnnCpu.so',
        htpPerformanceMode: 'sustained_high_performance',
        disableCpuFallback: false,
        epOptions: { htp_performance_mode: 'high_performance', vtcm_mb: 8 },
        sessionOptions: { 'ep.context_enable': 1 },
      }),
    ).toEqual([
      PERF_TEST,
      '-e',
      'qnn',
      '-i',
      'backend_path|libQnnCpu.so htp_performance_mode|high_performance vtcm_mb|8',
      '-C',
      'ep.context_enable|1',
      ...TIMES,
      '-I',
      MODEL,
    ]);
  });

  it(
    'nnapi with flags, xnnpack with threads and taskset, ' + 'cpu without random inputs, coreml with extra arguments',
    () => {
      expect(perfArgv({ ep: 'nnapi', epFlags: ['NNAPI_FLAG_USE_FP16', 'NNAPI_FLAG_CPU_DISABLED'] })).toEqual([
        PERF_TEST,
        '-e',
        'nnapi',
        '-i',
        'NNAPI_FLAG_USE_FP16 NNAPI_FLAG_CPU_DISABLED',
        ...TIMES,
        '-I',
        MODEL,
      ]);
      expect(perfArgv({ ep: 'xnnpack' }, { threads: 4, affinity: 'f0', seed: 1 })).toEqual([
        'taskset',
        'f0',
        PERF_TEST,
        '-e',
        'xnnpack',
        ...TIMES,
        '-x',
        '4',
        '-I',
        '-S',
        '1',
        MODEL,
      ]);
      expect(perfArgv({ ep: 'cpu', randomInputs: false }, { threads: 0, seed: 9 })).toEqual([
        PERF_TEST,
        '-e',
        'cpu',
        ...TIMES,
        MODEL,
      ]);
      expect(
        perfArgv({
          ep: 'coreml',
          epOptions: { ModelFormat: 'MLProgram', MLComputeUnits: 'CPUAndNeuralEngine' },
          extraArgs: ['-o', '99'],
        }),
      ).toEqual([
        PERF_TEST,
        '-e',
        'coreml',
        '-i',
        'ModelFormat|MLProgram MLComputeUnits|CPUAndNeuralEngine',
        ...TIMES,
        '-I',
        '-o',
        '99',
        MODEL,
      ]);
    },
  );

  it(
    "nnapi keeps NNAPI's own CPU path out by default " + '(NNAPI_FLAG_CPU_DISABLED), unless told or asked for CPU only',
    () => {
      const flags = (raw: Record<string, unknown>) => providerFlags(ortPerfTestOptionsSchema.parse(raw));
      expect(perfArgv({ ep: 'nnapi' })).toEqual([
        PERF_TEST,
        '-e',
        'nnapi',
        '-i',
        'NNAPI_FLAG_CPU_DISABLED',
        ...TIMES,
        '-I',
        MODEL,
      ]);
      expect(flags({ ep: 'nnapi', epFlags: ['NNAPI_FLAG_USE_FP16'] })).toEqual([
        'NNAPI_FLAG_USE_FP16',
        'NNAPI_FLAG_CPU_DISABLED',
      ]);
      expect(flags({ ep: 'nnapi', disableNnapiCpu: false })).toEqual([]);
      // ORT refuses CPU_DISABLED next to CPU_ONLY.
      expect(flags({ ep: 'nnapi', epFlags: ['NNAPI_FLAG_CPU_ONLY'] })).toEqual(['NNAPI_FLAG_CPU_ONLY']);
      // Other EPs get only the profile's flags, and nnapi's CPU fallback is not refused by default.
      expect(flags({ ep: 'xnnpack' })).toEqual([]);
      expect(sessionOptions(ortPerfTestOptionsSchema.parse({ ep: 'nnapi' }))).toEqual({});
    },
  );

  it(
    'placement check: on for nnapi and qnn with the fallback allowed; off ' +
      'for xnnpack (a CPU library), where ORT refuses CPU nodes, and for cpu',
    () => {
      const checked = (raw: Record<string, unknown>) => placementChecked(ortPerfTestOptionsSchema.parse(raw));
      expect(['nnapi', 'xnnpack', 'qnn', 'cpu', 'coreml'].map((ep) => checked({ ep }))).toEqual([
        true,
        false,
        false,
        false,
        false,
      ]);
      expect(checked({ ep: 'xnnpack', checkPlacement: true })).toBe(true);
      expect(checked({ ep: 'qnn', disableCpuFallback: false })).toBe(true);
      expect(checked({ ep: 'nnapi', disableCpuFallback: true })).toBe(false);
      expect(checked({ ep: 'nnapi', checkPlacement: false })).toBe(false);
      expect(checked({ ep: 'coreml', checkPlacement: true })).toBe(true);
      expect(checked({ ep: 'cpu', checkPlacement: true })).toBe(false);
    },
  );

  it('the profiling run: -p <prefix> before the model, no result file', () => {
    expect(
      perfArgv(
        { ep: 'xnnpack', extraArgs: ['-o', '99'] },
        { seed: 2, profilePrefix: '/w/out/E1.R-R.0a1b2c3d.profile' },
      ),
    ).toEqual([
      PERF_TEST,
      '-e',
      'xnnpack',
      ...TIMES,
      '-I',
      '-S',
      '2',
      '-p',
      '/w/out/E1.R-R.0a1b2c3d.profile',
      '-o',
      '99',
      MODEL,
    ]);
  });

  it(
    "spinning off (the whole pipeline's entries): -C " +
      "session.intra_op.allow_spinning|0, the profile's entries kept",
    () => {
      const argv = perfArgv({ ep: 'cpu', sessionOptions: { 'session.x': 'y' } }, { threadSpinning: false });
      expect(argv[argv.indexOf('-C') + 1]).toBe('session.intra_op.allow_spinning|0 session.x|y');
      expect(perfArgv({ ep: 'cpu' })).not.toContain('-C');
    },
  );

  it('never passes -t (it would override -r)', () => {
    for (const ep of ['qnn', 'nnapi', 'xnnpack', 'cpu']) expect(perfArgv({ ep })).not.toContain('-t');
  });

  it('rejects -i and -C values perf_test would split', () => {
    expect(ortPerfTestOptionsSchema.safeParse({ epOptions: { backend_path: '/a b/libQnnHtp.so' } }).success).toBe(
      false,
    );
    expect(ortPerfTestOptionsSchema.safeParse({ sessionOptions: { 'a|b': '1' } }).success).toBe(false);
    expect(ortPerfTestOptionsSchema.safeParse({ ep: 'QNN EP' }).success).toBe(false);
    expect(pairList({ a: '1', b: '2' }, ['F'])).toBe('a|1 b|2 F');
  });

  it('library paths: LD_LIBRARY_PATH for a pushed runtime, ADSP_LIBRARY_PATH for qnn, profile values win', () => {
    const qnn = ortPerfTestOptionsSchema.parse({ ep: 'qnn', runtimeDir: '/host/rt', htpArch: 'v79' });
    expect(
      expandDeviceEnv(runtimeEnv(qnn), { runtime: '/data/local/tmp/nb/runtime', workDir: '/data/local/tmp/nb' }),
    ).toEqual({
      LD_LIBRARY_PATH: '/data/local/tmp/nb/runtime',
      ADSP_LIBRARY_PATH: '/data/local/tmp/nb/runtime;/vendor/dsp/cdsp;/vendor/lib/rfsa/adsp;/system/lib/rfsa/adsp;/dsp',
    });
    const mac = ortPerfTestOptionsSchema.parse({
      ep: 'coreml',
      runtimeDir: '/host/rt',
      env: { LD_LIBRARY_PATH: '', DYLD_LIBRARY_PATH: '{runtime}' },
    });
    expect(expandDeviceEnv(runtimeEnv(mac), { runtime: '/Users/me/nb/runtime', workDir: '/Users/me/nb' })).toEqual({
      DYLD_LIBRARY_PATH: '/Users/me/nb/runtime',
    });
    expect(runtimeEnv(ortPerfTestOptionsSchema.parse({ ep: 'qnn' }))).toEqual({});
    // A runtime path holding a list separator is given as `.` (the tools run inside it).
    expect(
      expandDeviceEnv({ A: '{runtime}:/x', B: '{workDir}/y' }, { runtime: '/d/a;b/runtime', workDir: '/d/a;b' }),
    ).toEqual({ A: '.:/x', B: '/d/a;b/y' });
    expect(requiredRuntimeFiles(qnn)).toEqual(['libQnnHtp.so', 'libQnnHtpV79Stub.so', 'libQnnHtpV79Skel.so']);
    expect(requiredRuntimeFiles(ortPerfTestOptionsSchema.parse({ ep: 'nnapi' }))).toEqual([]);
    expect([qnn, mac, ortPerfTestOptionsSchema.parse({ ep: 'qnn', qnnBackend: 'libQnnCpu.so' })].map(lutEp)).toEqual([
      'qnn-htp',
      'coreml',
      'qnn-cpu',
    ]);
  });

  it(
    "runs per process: the protocol's minimum, the profile's " +
      'count within its bounds, or a fixed count for averages',
    () => {
      const o = (raw: Record<string, unknown>) => ortPerfTestOptionsSchema.parse(raw);
      expect(runsPerProcess(o({}), request)).toBe(10);
      expect(runsPerProcess(o({ iterations: 50 }), request)).toBe(50);
      expect(runsPerProcess(o({ iterations: 5 }), request)).toBe(10);
      expect(runsPerProcess(o({ iterations: 500 }), request)).toBe(300);
      expect(runsPerProcess(o({ resultFile: false }), request)).toBe(10);
      expect(
        runsPerProcess(o({ resultFile: false, iterations: 40 }), { ...request, minIterations: 3, maxIterations: 3 }),
      ).toBe(40);
    },
  );
});

describe('repeating processes that print one average each', () => {
  const once = (values: number[]) => {
    let i = 0;
    return async (): Promise<RunOutput> => ({
      kind: 'process',
      samples: [values[i++ % values.length]!],
      cpuFallback: i === 2,
    });
  };
  it('a fixed count (no margin target) runs exactly that many', async () => {
    const out = await repeatProcesses(
      { ...request, minIterations: 3, maxIterations: 3, targetRme: 0 },
      once([5, 6, 7, 8]),
    );
    expect(out).toMatchObject({ kind: 'process', samples: [5, 6, 7], cpuFallback: true });
  });
  it('stops at the margin once the minimum is reached, and at the count cap', async () => {
    // Below 6 samples the median's interval is [min, max] (under 95% coverage): never precise before 6.
    const samples = async (minIterations: number, maxIterations: number, targetRme: number, values: number[]) =>
      (await repeatProcesses({ ...request, minIterations, maxIterations, targetRme }, once(values))).samples;
    expect(await samples(3, 50, 0.05, [10, 10, 10, 10])).toHaveLength(6);
    expect(await samples(8, 50, 0.05, [10, 10, 10, 10])).toHaveLength(8);
    expect(await samples(3, 6, 0.0001, [1, 9, 3, 20])).toHaveLength(6);
  });
});

describe('benchmark_model command lines', () => {
  const base = { binary: '/w/runtime/benchmark_model', model: '/w/models/m/e1.tflite', runs: 20, warmup: 3 };
  const argv = (
    raw: Record<string, unknown>,
    extra: { threads?: number; affinity?: string; externalDelegatePath?: string } = {},
  ) => tfliteArgv(tfliteBenchmarkOptionsSchema.parse(raw), { ...base, ...extra });
  const head = ['/w/runtime/benchmark_model', '--graph=/w/models/m/e1.tflite'];
  const counts = ['--num_runs=20', '--warmup_runs=3', '--min_secs=0', '--warmup_min_secs=0'];

  it('each delegate', () => {
    expect(argv({})).toEqual([...head, ...counts, '--use_xnnpack=true']);
    expect(argv({ delegate: 'cpu' }, { threads: 1, affinity: '80' })).toEqual([
      'taskset',
      '80',
      ...head,
      '--num_threads=1',
      ...counts,
      '--use_xnnpack=false',
    ]);
    expect(argv({ delegate: 'nnapi' })).toEqual([...head, ...counts, '--use_nnapi=true', '--disable_nnapi_cpu=true']);
    expect(argv({ delegate: 'nnapi', nnapiAccelerator: 'qti-htp', disableNnapiCpu: false })).toEqual([
      ...head,
      ...counts,
      '--use_nnapi=true',
      '--nnapi_accelerator_name=qti-htp',
    ]);
    expect(argv({ delegate: 'gpu', extraArgs: ['--gpu_precision_loss_allowed=true'] })).toEqual([
      ...head,
      ...counts,
      '--use_gpu=true',
      '--gpu_precision_loss_allowed=true',
    ]);
    expect(
      argv(
        {
          delegate: 'external',
          externalDelegate: 'libQnnTFLiteDelegate.so',
          externalDelegateOptions: { backend_type: 'htp', htp_performance_mode: 2 },
        },
        { externalDelegatePath: '/w/runtime/libQnnTFLiteDelegate.so' },
      ),
    ).toEqual([
      ...head,
      ...counts,
      '--external_delegate_path=/w/runtime/libQnnTFLiteDelegate.so',
      '--external_delegate_options=backend_type:htp;htp_performance_mode:2',
    ]);
  });

  it('names the delegate for the LUT; options the tool would split are refused', () => {
    const o = (raw: Record<string, unknown>) => tfliteBenchmarkOptionsSchema.parse(raw);
    expect(
      [
        o({}),
        o({ delegate: 'nnapi', nnapiAccelerator: 'qti-htp' }),
        o({ delegate: 'external', externalDelegate: 'lib/libQnnTFLiteDelegate.so' }),
      ].map(tfliteEp),
    ).toEqual(['xnnpack', 'nnapi:qti-htp', 'external:libQnnTFLiteDelegate.so']);
    expect(tfliteBenchmarkOptionsSchema.safeParse({ externalDelegateOptions: { 'a;b': 1 } }).success).toBe(false);
    expect(delegateFlags(o({ delegate: 'gpu' }))).toEqual(['--use_gpu=true']);
  });
});

describe('qnn command lines and files', () => {
  it('converter: input shapes, fp16 through --float_bitwidth 16, extra arguments last', () => {
    const inputs = [
      { name: 's0', shape: [1, 320, 64, 64] },
      { name: 'temb', shape: [1, 1280] },
    ];
    expect(
      converterArgv({
        tool: '/sdk/bin/x86_64-linux-clang/qnn-onnx-converter',
        model: '/m/E1.onnx',
        outDir: '/c/k',
        inputs,
        precision: 'fp16',
        extra: ['--preserve_io'],
      }),
    ).toEqual([
      '/sdk/bin/x86_64-linux-clang/qnn-onnx-converter',
      '--input_network',
      '/m/E1.onnx',
      '--output_path',
      '/c/k/model.cpp',
      '--input_dim',
      's0',
      '1,320,64,64',
      '--input_dim',
      'temb',
      '1,1280',
      '--float_bitwidth',
      '16',
      '--preserve_io',
    ]);
    expect(converterArgv({ tool: 't', model: 'm', outDir: 'o', inputs: [], precision: 'fp32', extra: [] })).toEqual([
      't',
      '--input_network',
      'm',
      '--output_path',
      'o/model.cpp',
    ]);
  });

  it('model library for the host, context binary with the HTP config', () => {
    expect(modelLibArgv('/sdk/g', '/c/k', 'x86_64-linux-clang')).toEqual([
      '/sdk/g',
      '-c',
      '/c/k/model.cpp',
      '-b',
      '/c/k/model.bin',
      '-t',
      'x86_64-linux-clang',
      '-o',
      '/c/k/lib',
    ]);
    expect(
      contextBinaryArgv({
        tool: '/sdk/ctx',
        backend: '/sdk/lib/x86_64-linux-clang/libQnnHtp.so',
        modelLib: '/c/k/lib/x86_64-linux-clang/libmodel.so',
        outDir: '/c/k',
        configFile: '/c/k/htp_config.json',
      }),
    ).toEqual([
      '/sdk/ctx',
      '--backend',
      '/sdk/lib/x86_64-linux-clang/libQnnHtp.so',
      '--model',
      '/c/k/lib/x86_64-linux-clang/libmodel.so',
      '--binary_file',
      'context',
      '--output_dir',
      '/c/k/ctx',
      '--config_file',
      '/c/k/htp_config.json',
    ]);
    expect(htpExtensionConfig({ htpArch: 'v79', optimizationLevel: 3 })).toEqual({
      graphs: [{ graph_names: ['model'], O: 3, fp16_relaxed_precision: 1 }],
      devices: [{ dsp_arch: 'v79' }],
    });
    expect(htpExtensionConfig({ htpArch: 'v75', optimizationLevel: 2, socId: 57, vtcmMb: 8 })).toEqual({
      graphs: [{ graph_names: ['model'], O: 2, fp16_relaxed_precision: 1, vtcm_mb: 8 }],
      devices: [{ dsp_arch: 'v75', soc_id: 57 }],
    });
    expect(backendConfig('/sdk/ext.so', '/c/ext.json')).toEqual({
      backend_extensions: { shared_library_path: '/sdk/ext.so', config_file_path: '/c/ext.json' },
    });
  });

  it('qnn-net-run: retrieve_context, burst, basic profiling, inferences, optional keep/taskset/extra', () => {
    const a = {
      binary: '/w/qnn/qnn-net-run',
      backend: 'libQnnHtp.so',
      context: '../qnn-models/k/context.bin',
      inputList: '../qnn-models/k/input_list.txt',
      outputDir: 'out/x',
      perfProfile: 'burst',
      profilingLevel: 'basic',
      inferences: 13,
      keepNumOutputs: 1,
      extra: [],
    };
    // The command line both cases share, before what each adds.
    const netRun = [
      '/w/qnn/qnn-net-run',
      '--backend',
      'libQnnHtp.so',
      '--retrieve_context',
      '../qnn-models/k/context.bin',
      '--input_list',
      '../qnn-models/k/input_list.txt',
      '--output_dir',
      'out/x',
      '--perf_profile',
      'burst',
      '--profiling_level',
      'basic',
      '--num_inferences',
      '13',
    ];
    expect(netRunArgv(a)).toEqual([...netRun, '--keep_num_outputs', '1']);
    expect(netRunArgv({ ...a, keepNumOutputs: 0, affinity: 'f0', extra: ['--log_level', 'info'] })).toEqual([
      'taskset',
      'f0',
      ...netRun,
      '--log_level',
      'info',
    ]);
  });

  it('input list, profile viewer and the log it reads', () => {
    expect(
      inputListText([
        { name: 's0', path: '../m/inputs/0.raw' },
        { name: 'temb', path: '../m/inputs/1.raw' },
      ]),
    ).toBe('s0:=../m/inputs/0.raw temb:=../m/inputs/1.raw\n');
    expect(() => inputListText([{ name: 's0', path: 'a b/0.raw' }])).toThrow(/whitespace/);
    expect(viewerArgv('/v', '/l.log', { kind: 'text' })).toEqual(['/v', '--input_log', '/l.log']);
    expect(viewerArgv('/v', '/l.log', { kind: 'json', reader: '/r.so', file: '/o.json' })).toEqual([
      '/v',
      '--input_log',
      '/l.log',
      '--reader',
      '/r.so',
      '--output',
      '/o.json',
    ]);
    expect(viewerArgv('/v', '/l.log', { kind: 'csv', file: '/o.csv' })).toEqual([
      '/v',
      '--input_log',
      '/l.log',
      '--output',
      '/o.csv',
    ]);
    expect(pickProfilingLog(['Result_0', 'qnn-profiling-data.log'])).toBe('qnn-profiling-data.log');
    expect(pickProfilingLog(['qnn-profiling-data_1.log', 'qnn-profiling-data_0.log'])).toBe('qnn-profiling-data_0.log');
    expect(pickProfilingLog(['Result_0'])).toBeUndefined();
  });

  it('the conversion cache key follows the model, the SDK version, the arch and the conversion settings', () => {
    const model = { sha256: 'a'.repeat(64), precision: 'fp16', inputs: [{ name: 's0', shape: [1, 4] }] } as ModelFiles;
    const o = qnnNetRunOptionsSchema.parse({ htpArch: 'v79' });
    const key = conversionKey(model, { version: '2.39.0' }, o);
    expect(key).toMatch(/^[0-9a-f]{24}$/);
    expect(conversionKey(model, { version: '2.39.0' }, o)).toBe(key);
    expect(conversionKey(model, { version: '2.40.0' }, o)).not.toBe(key);
    expect(conversionKey(model, { version: '2.39.0' }, qnnNetRunOptionsSchema.parse({ htpArch: 'v75' }))).not.toBe(key);
    expect(conversionKey({ ...model, sha256: 'b'.repeat(64) }, { version: '2.39.0' }, o)).not.toBe(key);
    expect(
      conversionKey(
        model,
        { version: '2.39.0' },
        qnnNetRunOptionsSchema.parse({ htpArch: 'v79', perfProfile: 'balanced' }),
      ),
    ).toBe(key);
    expect(qnnNetRunOptionsSchema.safeParse({}).success).toBe(false);
  });
});

describe('reading profiles and failures', () => {
  const ctx = { profile: { name: 'p', file: '/home/me/profiles/p.json' } as DeviceProfile };
  it('host paths: variables, ~ and paths relative to the profile; an unset variable is named', () => {
    expect(expandHostPath('r', ctx, 'runtimeDir', '${ORT}/android', { ORT: '/opt/ort' })).toBe('/opt/ort/android');
    expect(expandHostPath('r', ctx, 'runtimeDir', '$ORT', { ORT: '/opt/ort' })).toBe('/opt/ort');
    expect(expandHostPath('r', ctx, 'runtimeDir', '~/rt', {})).toBe(`${homedir()}/rt`);
    expect(expandHostPath('r', ctx, 'runtimeDir', '../rt', {})).toBe('/home/me/rt');
    expect(() => expandHostPath('ort-perf-test', ctx, 'runtimeDir', '${NANOSD_ORT_QNN_DIR}', {})).toThrow(RunnerError);
    expect(() => expandHostPath('ort-perf-test', ctx, 'runtimeDir', '${NANOSD_ORT_QNN_DIR}', {})).toThrow(
      'runner ort-perf-test: runner.options.runtimeDir (${NANOSD_ORT_QNN_DIR}) in ' +
        '/home/me/profiles/p.json needs the environment variable NANOSD_ORT_QNN_DIR, which is not set',
    );
  });

  it('a tool that cannot start is told apart from one that ran and failed', () => {
    const r = (exitCode: number, stdout: string, stderr = ''): ExecResult => ({
      argv: [],
      exitCode,
      signal: undefined,
      stdout,
      stderr,
      durationMs: 1,
      timedOut: false,
    });
    expect(startFailure(r(127, '', '/system/bin/sh: ./onnxruntime_perf_test: not found'))).toBe(
      '/system/bin/sh: ./onnxruntime_perf_test: not found',
    );
    expect(
      startFailure(
        r(
          1,
          '',
          'CANNOT LINK EXECUTABLE "./onnxruntime_perf_test": library ' +
            '"libonnxruntime.so" not found: needed by main executable',
        ),
      ),
    ).toMatch(/^CANNOT LINK EXECUTABLE/);
    expect(startFailure(r(126, '', 'sh: ./benchmark_model: cannot execute: Exec format error'))).toMatch(
      /Exec format error/,
    );
    expect(startFailure(r(1, 'Load model from /m.onnx failed: No such file or directory'))).toBeUndefined();
    expect(startFailure(r(0, 'not found'))).toBeUndefined();
  });
});
