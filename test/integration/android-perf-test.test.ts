// The ort-perf-test runner through Debian's adb server and a fake phone: an onnxruntime_perf_test
// stand-in that replays a captured ORT 1.23 output and writes the result file (and, for `-p`, an ORT
// profiling JSON), pushed from a host runtime folder. The argv, the environment and the files that
// reached the phone are asserted exactly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { readLut } from '../../src/lut/io.js';
import { ortPerfTestRunner } from '../../src/runners/ort-perf-test/runner.js';
import { ortPerfTestOptionsSchema } from '../../src/runners/ort-perf-test/options.js';
import type { ModelFiles, RunnerContext, RunRequest } from '../../src/runners/types.js';
import { createAdbTransport } from '../../src/transports/adb/index.js';
import type { DeviceProfile } from '../../src/devices/schema.js';
import { isAlive, type FakePhone } from '../support/adb-server.js';
import { blocksOn, E1_ONE_ROUND } from '../support/blocks-args.js';
import { bench } from '../support/cli.js';
import { phoneWorkDir, startPhoneRig, type PhoneRig } from '../support/phone-rig.js';
import {
  makePerfTestRuntime,
  perfTestScript,
  phoneCalls,
  readCalls,
  setControl,
  writeProfile,
} from './android-stand-ins.js';

let rig: PhoneRig | undefined;
let phone: FakePhone;
let host: string;
let workDir: string;
let runtime: string;
let profiles: string;
const env = () => ({ NANOSD_BENCH_STORE: join(host, 'store') });
const fixtureMs = [95.8204, 99.5086, 101.519, 97.8, 100.162];

beforeAll(async () => {
  rig = await startPhoneRig('nsb-android-perf-', { model: 'SM-S931B', getprop: undefined });
  host = rig.host;
  phone = rig.phones[0]!;
  workDir = phoneWorkDir(phone);
  runtime = makePerfTestRuntime(join(host, 'ort-qnn-android'));
  profiles = writeProfile(join(host, 'profiles'), {
    name: 'fakeqnn',
    transport: phone.transportSpec,
    workDir,
    runner: {
      name: 'ort-perf-test',
      options: {
        runtimeDir: runtime,
        ep: 'qnn',
        htpArch: 'v79',
        epOptions: { htp_graph_finalization_optimization_mode: 3 },
      },
    },
    defaults: { latent: 8, width: 0.125, precision: 'fp16' },
    measure: { timeoutMs: 2_500 },
  });
  writeProfile(profiles, {
    name: 'fakennapi',
    transport: phone.transportSpec,
    workDir,
    runner: { name: 'ort-perf-test', options: { runtimeDir: runtime, ep: 'nnapi' } },
    defaults: { latent: 8, width: 0.125, precision: 'fp32' },
    measure: { timeoutMs: 2_500 },
  });
});

afterAll(() => rig?.close());

const blocks = (extra: string[], out: string) =>
  bench(blocksOn('fakeqnn', profiles, out, [...E1_ONE_ROUND, '--warmup', '2', ...extra]), env());

describe('bench blocks with the QNN execution provider (ort-perf-test)', () => {
  it('pushes the runtime once, runs perf_test with burst and no CPU fallback, and reads the result file', async () => {
    const lutFile = join(host, 'qnn.lut.json');
    const r = await blocks([], lutFile);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fakeqnn: pushing the runtime (7 files');
    const lut = readLut(lutFile);
    expect(lut.runtime).toMatchObject({ runner: 'ort-perf-test', ep: 'qnn-htp', precision: 'fp16' });
    expect(lut.runtime.version).toMatch(/^onnxruntime_perf_test runtime [0-9a-f]{12}$/);
    expect(lut.device.info).toMatchObject({ model: 'SM-S931B', abi: 'arm64-v8a' });
    expect(lut.entries.map((e) => e.state)).toEqual(['ok', 'ok', 'ok', 'ok']);
    for (const e of lut.entries) {
      expect(e.sampleKind).toBe('iteration');
      // perf_test's own warm-up plus one dropped row: the samples are rows 2..4 of the captured file (s -> ms).
      expect(e.samples).toEqual(fixtureMs.slice(1, 4));
      expect(e.extra).toMatchObject({
        samplesFrom: 'result_file',
        toolAverageMs: 98.961997,
        provider: 'qnn-htp',
        loadMs: [217.932],
      });
      expect(e.flags).not.toContain('cpu-fallback');
    }

    const calls = readCalls(phoneCalls(phone.sandbox, 'onnxruntime_perf_test')).filter((c) => c.argv[0] !== '-h');
    expect(calls).toHaveLength(4);
    const remoteRuntime = join(workDir, 'runtime');
    for (const c of calls) {
      const model = c.argv.at(-2)!;
      const resultFile = c.argv.at(-1)!;
      expect(c.argv).toEqual([
        '-e',
        'qnn',
        '-i',
        'backend_path|libQnnHtp.so htp_performance_mode|burst htp_graph_finalization_optimization_mode|3',
        '-C',
        'session.disable_cpu_ep_fallback|1',
        '-m',
        'times',
        '-r',
        '4',
        '-I',
        '-S',
        '1',
        model,
        resultFile,
      ]);
      expect(model.startsWith(join(workDir, 'models'))).toBe(true);
      expect(model).toMatch(/\/E1\.[RA-]+\.l8\.[0-9a-f]+\.onnx$/);
      expect(resultFile).toMatch(
        new RegExp(`^${join(workDir, 'out').replace(/\./g, '\\.')}/E1\\.[RA-]+\\.[0-9a-f]{8}\\.csv$`),
      );
      expect(c.cwd).toBe(remoteRuntime);
      expect(c.LD_LIBRARY_PATH).toBe(remoteRuntime);
      expect(c.ADSP_LIBRARY_PATH).toBe(
        `${remoteRuntime};/vendor/dsp/cdsp;/vendor/lib/rfsa/adsp;/system/lib/rfsa/adsp;/dsp`,
      );
    }
    expect(readdirSync(remoteRuntime).sort()).toEqual(
      [
        '.nsb-runtime.sha256',
        'libQnnHtp.so',
        'libQnnHtpPrepare.so',
        'libQnnHtpV79Skel.so',
        'libQnnHtpV79Stub.so',
        'libQnnSystem.so',
        'libonnxruntime.so',
        'onnxruntime_perf_test',
      ].sort(),
    );
    // Result files are read back and removed; the out folder goes at the end of the run.
    expect(existsSync(join(workDir, 'out'))).toBe(false);

    // A second run finds the runtime and the models on the phone and pushes neither again.
    const again = await blocks(['--restart'], join(host, 'qnn2.lut.json'));
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('pushing the runtime');
  });

  it('a runner that hangs is killed at the timeout; output that cannot be parsed is kept beside the LUT', async () => {
    setControl(phone.sandbox, { garbage: ['/E1.R-R.l'], hang: ['/E1.R-A-R.l'] });
    const lutFile = join(host, 'faults.lut.json');
    let r;
    try {
      r = await blocks([], lutFile);
    } finally {
      setControl(phone.sandbox, {});
    }
    expect(r.code).toBe(7); // every failure is the runner's
    const lut = readLut(lutFile);
    const byVariant = Object.fromEntries(lut.entries.map((e) => [e.key.variant, e]));
    expect(byVariant['R-A-R-A']!.state).toBe('ok');
    expect(byVariant['R-R-A']!.state).toBe('ok');
    expect(byVariant['R-A-R']!.state).toBe('failed');
    expect(byVariant['R-A-R']!.error!.message).toMatch(
      new RegExp(
        String.raw`^runner ort-perf-test: timed out after 2500 ms on 127\.0\.0\.1:\d+ running E1\.R-A-R; the ` +
          String.raw`process was killed \(its output so far: .*faults\.lut\.json\.raw\/E1\.R-A-R\.\d+\.txt\)$`,
      ),
    );
    expect(byVariant['R-R']!.state).toBe('failed');
    expect(byVariant['R-R']!.error!.code).toBe('NSB_PARSE');
    expect(byVariant['R-R']!.error!.message).toMatch(
      new RegExp(
        String.raw`^cannot parse onnxruntime_perf_test output for E1\.R-R: no "Average inference ` +
          String.raw`time cost".* \(raw output saved to .*faults\.lut\.json\.raw\/E1\.R-R\.\d+\.txt\)$`,
      ),
    );
    expect(r.stdout).toMatch(/fakeqnn: FAILED E1 R-A-R.*timed out/);
    const raw = readdirSync(`${lutFile}.raw`);
    expect(raw.some((f) => f.startsWith('E1.R-R.'))).toBe(true);
    // The stuck processes on the phone (the first try and the retry) were killed, not left behind.
    const stuck = readFileSync(join(phone.sandbox, 'hang.pid'), 'utf8').trim().split('\n').map(Number);
    expect(stuck).toHaveLength(2);
    expect(stuck.filter(isAlive)).toEqual([]);
    expect(phone.device.livePids()).toEqual([]);
  });
});

describe('bench blocks with the NNAPI execution provider: no silent CPU fallback', () => {
  it(
    'profiles each entry once, flags the block whose nodes ran on the CPU EP ' + 'and not the one NNAPI took whole',
    async () => {
      // E1 R-R leaves four nodes to the CPU EP; every other variant runs as one NNAPI partition.
      setControl(phone.sandbox, {
        profile: [
          { match: '/E1.R-R.l', file: 'nnapi-partial-assembled.json' },
          { match: '', file: 'nnapi-all-on-ep-assembled.json' },
        ],
      });
      const lutFile = join(host, 'nnapi.lut.json');
      const before = readCalls(phoneCalls(phone.sandbox, 'onnxruntime_perf_test')).length;
      let r;
      try {
        r = await bench(
          blocksOn('fakennapi', profiles, lutFile, [
            '--stages',
            'E1',
            '--iterations',
            '10',
            '--rounds',
            '2',
            '--warmup',
            '2',
          ]),
          env(),
        );
      } finally {
        setControl(phone.sandbox, {});
      }
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('one profiling run per entry');
      const lut = readLut(lutFile);
      expect(lut.runtime).toMatchObject({
        runner: 'ort-perf-test',
        ep: 'nnapi',
        options: { epFlags: ['NNAPI_FLAG_CPU_DISABLED'], sessionOptions: {}, checkPlacement: true },
      });
      const byVariant = Object.fromEntries(lut.entries.map((e) => [e.key.variant, e]));
      expect(Object.keys(byVariant).sort()).toEqual(['R-A-R', 'R-A-R-A', 'R-R', 'R-R-A']);

      const partial = byVariant['R-R']!;
      expect(partial.state).toBe('ok');
      expect(partial.flags).toContain('cpu-fallback');
      expect(partial.extra).toMatchObject({
        providers: { CPUExecutionProvider: 4, NnapiExecutionProvider: 2 },
        cpuNodes: [
          '/E1/R0/norm1/Reshape (Reshape)',
          '/E1/R0/norm1/InstanceNormalization (InstanceNormalization)',
          '/E1/R0/norm2/Reshape (Reshape)',
          '/E1/R0/norm2/InstanceNormalization (InstanceNormalization)',
        ],
        fallbackEvidence: [
          'ORT profile: 4 of 6 nodes ran on CPUExecutionProvider (Reshape x2, InstanceNormalization ' +
            'x2); nodes per provider: CPUExecutionProvider 4, NnapiExecutionProvider 2',
          'ORT profile: nodes on CPUExecutionProvider: /E1/R0/norm1/Reshape, ' +
            '/E1/R0/norm1/InstanceNormalization, /E1/R0/norm2/Reshape, /E1/R0/norm2/InstanceNormalization',
        ],
      });
      // The profiled run is not a sample: each round is five rows of a timed process (six, the first
      // dropped as a warm-up; the stand-in cycles through the captured rows).
      const round = [...fixtureMs.slice(1), fixtureMs[0]!];
      expect(partial.samples).toEqual([...round, ...round]);
      for (const variant of ['R-A-R-A', 'R-R-A', 'R-A-R']) {
        const e = byVariant[variant]!;
        expect(e.state).toBe('ok');
        expect(e.flags).not.toContain('cpu-fallback');
        expect(e.extra).toMatchObject({
          providers: { NnapiExecutionProvider: 1 },
          fallbackEvidence: [
            'ORT profile: no node ran on CPUExecutionProvider; nodes per provider: NnapiExecutionProvider 1',
          ],
        });
        expect(e.extra).not.toHaveProperty('cpuNodes');
      }

      const calls = readCalls(phoneCalls(phone.sandbox, 'onnxruntime_perf_test'))
        .slice(before)
        .filter((c) => c.argv[0] !== '-h');
      const profiled = calls.filter((c) => c.argv.includes('-p'));
      const timed = calls.filter((c) => !c.argv.includes('-p'));
      // Two rounds of four entries, and one profiling run per entry, not per round.
      expect(timed).toHaveLength(8);
      expect(profiled).toHaveLength(4);
      for (const c of timed) {
        expect(c.argv.slice(0, 8)).toEqual(['-e', 'nnapi', '-i', 'NNAPI_FLAG_CPU_DISABLED', '-m', 'times', '-r', '6']);
        expect(c.argv.at(-1)).toMatch(/\.csv$/);
      }
      const out = join(workDir, 'out').replace(/\./g, '\\.');
      for (const c of profiled) {
        const [model, prefix] = [c.argv.at(-1)!, c.argv[c.argv.indexOf('-p') + 1]!];
        // One run (perf_test's own warm-up comes on top), the same EP options, no result file.
        expect(c.argv).toEqual([
          '-e',
          'nnapi',
          '-i',
          'NNAPI_FLAG_CPU_DISABLED',
          '-m',
          'times',
          '-r',
          '1',
          '-I',
          '-S',
          c.argv[10]!,
          '-p',
          prefix,
          model,
        ]);
        expect(model).toMatch(/\/E1\.[RA-]+\.l8\.[0-9a-f]+\.onnx$/);
        expect(prefix).toMatch(new RegExp(`^${out}/E1\\.[RA-]+\\.[0-9a-f]{8}\\.profile$`));
      }
      expect(new Set(profiled.map((c) => c.argv.at(-1))).size).toBe(4);
      // Profiles are read back and removed with the out folder.
      expect(existsSync(join(workDir, 'out'))).toBe(false);
    },
  );
});

describe('the runner on its own', () => {
  const request: RunRequest = {
    warmup: 1,
    minIterations: 3,
    maxIterations: 3,
    maxTimeMs: 1e9,
    targetRme: 0,
    seed: 7,
    timeoutMs: 30_000,
  };
  let ctx: RunnerContext;
  let model: ModelFiles;

  beforeAll(async () => {
    const transport = await createAdbTransport(phone.transportSpec, { profile: 'unit' });
    const profile = { name: 'unit', file: join(profiles, 'unit.json') } as DeviceProfile;
    ctx = {
      transport,
      profile,
      workDir: join(phone.sandbox, 'data/local/tmp/unit'),
      hostDir: join(host, 'unit.raw'),
      log: () => {},
    };
    // Any small file stands in for a model: the stand-in only checks that it reached the phone.
    model = {
      root: runtime,
      graph: 'libonnxruntime.so',
      files: ['libonnxruntime.so'],
      sha256: 'x',
      inputs: [],
      outputs: [],
      precision: 'fp32',
      label: 'E9.fake',
    };
  });

  const options = (o: Record<string, unknown>) => ortPerfTestOptionsSchema.parse(o);

  it('refuses non-ONNX models', async () => {
    await expect(ortPerfTestRunner.stage(ctx, options({ runtimeDir: runtime }), model)).rejects.toThrow(ModelError);
  });

  it('QNN with CPU fallback disabled: a graph the EP cannot take whole fails as a model error', async () => {
    const o = options({ runtimeDir: runtime, ep: 'qnn' });
    await ortPerfTestRunner.prepare(ctx, o);
    const staged = {
      model: { ...model, graph: 'x.onnx' },
      remotePath: join(ctx.workDir, 'runtime', 'libQnnSystem.so'),
    };
    setControl(phone.sandbox, {
      unsupported: ['libQnnSystem'],
      profile: [{ match: 'libQnnSystem', file: 'qnn-partial-assembled.json' }],
    });
    try {
      const error = await ortPerfTestRunner.run(ctx, o, staged, request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelError);
      expect((error as Error).message).toMatch(
        new RegExp(
          String.raw`^E9\.fake: the qnn execution provider cannot run every node and CPU ` +
            String.raw`fallback is disabled \(.*fallback to CPU EP has been explicitly disabled`,
        ),
      );
      // With the fallback allowed, the run is measured and flagged: the QNN EP's summary and the profile agree.
      const allowed = options({ runtimeDir: runtime, ep: 'qnn', disableCpuFallback: false });
      const out = await ortPerfTestRunner.run(ctx, allowed, staged, request);
      expect(out).toMatchObject({ kind: 'iteration', cpuFallback: true, samples: fixtureMs.slice(0, 3) });
      expect(out.extra?.['fallbackEvidence']).toEqual([
        'Number of partitions supported by QNN EP: 2, number of ' +
          'nodes in the graph: 14, number of nodes supported by QNN: 12',
        'ORT profile: 2 of 4 nodes ran on CPUExecutionProvider (InstanceNormalization, ' +
          'Reshape); nodes per provider: QNNExecutionProvider 2, CPUExecutionProvider 2',
        'ORT profile: nodes on CPUExecutionProvider: /E1/R1/norm1/InstanceNormalization, /E1/R1/norm1/Reshape_1',
      ]);
      expect(out.extra?.['providers']).toEqual({ QNNExecutionProvider: 2, CPUExecutionProvider: 2 });
    } finally {
      setControl(phone.sandbox, {});
    }
  });

  it('without a result file: one sample per process (the printed average), processes repeated', async () => {
    // XNNPACK is not placement-checked by default (it is a CPU library); asked for, the split is recorded.
    const o = options({ runtimeDir: runtime, ep: 'xnnpack', resultFile: false, iterations: 5, checkPlacement: true });
    const staged = {
      model: { ...model, graph: 'x.onnx' },
      remotePath: join(ctx.workDir, 'runtime', 'libQnnSystem.so'),
    };
    const before = readCalls(phoneCalls(phone.sandbox, 'onnxruntime_perf_test')).length;
    setControl(phone.sandbox, { profile: [{ match: '', file: 'xnnpack-partial-assembled.json' }] });
    let out;
    try {
      out = await ortPerfTestRunner.run(ctx, o, staged, { ...request, threads: 2, affinity: '1' });
    } finally {
      setControl(phone.sandbox, {});
    }
    // XNNPACK left eight nodes to the CPU EP: every process of the entry carries the flag.
    expect(out).toMatchObject({ kind: 'process', samples: [98.961997, 98.961997, 98.961997], cpuFallback: true });
    expect(out.extra).toMatchObject({ providers: { CPUExecutionProvider: 8, XnnpackExecutionProvider: 2 } });
    const calls = readCalls(phoneCalls(phone.sandbox, 'onnxruntime_perf_test')).slice(before);
    // Three timed processes and one profiling run, after the first of them.
    expect(calls).toHaveLength(4);
    // taskset runs the binary; xnnpack gets no QNN options and no fallback refusal.
    expect(calls[0]!.argv).toEqual([
      '-e',
      'xnnpack',
      '-m',
      'times',
      '-r',
      '5',
      '-x',
      '2',
      '-I',
      '-S',
      '7',
      staged.remotePath,
    ]);
    expect(calls[0]!.ADSP_LIBRARY_PATH).toBeNull();
    const prefix = calls[1]!.argv[calls[1]!.argv.indexOf('-p') + 1]!;
    expect(calls[1]!.argv).toEqual([
      '-e',
      'xnnpack',
      '-m',
      'times',
      '-r',
      '1',
      '-x',
      '2',
      '-I',
      '-S',
      '7',
      '-p',
      prefix,
      staged.remotePath,
    ]);
    expect(calls.slice(2).every((c) => !c.argv.includes('-p'))).toBe(true);
  });

  it('a profiling run that leaves no profile: measured, not flagged, and the reason kept and logged', async () => {
    const lines: string[] = [];
    const logged = { ...ctx, log: (l: string) => lines.push(l) };
    const staged = {
      model: { ...model, graph: 'x.onnx' },
      remotePath: join(ctx.workDir, 'runtime', 'libQnnSystem.so'),
    };
    const out = await ortPerfTestRunner.run(logged, options({ runtimeDir: runtime, ep: 'nnapi' }), staged, request);
    expect(out.kind).toBe('iteration');
    expect(out).not.toHaveProperty('cpuFallback');
    expect(out.extra?.['placementCheck']).toMatch(
      /^no profile \S+\/E9\.fake\.[0-9a-f]{8}\.profile_\*\.json came back$/,
    );
    expect(lines).toEqual([
      `E9.fake: cannot tell which nodes ran on the CPU: ${String(out.extra?.['placementCheck'])}`,
    ]);
  });

  it(
    'nnapi asked to run on its CPU only (NNAPI_FLAG_CPU_ONLY) ' +
      'is flagged even when the profile shows only NNAPI nodes',
    async () => {
      const o = options({ runtimeDir: runtime, ep: 'nnapi', epFlags: ['NNAPI_FLAG_CPU_ONLY'] });
      const staged = {
        model: { ...model, graph: 'x.onnx' },
        remotePath: join(ctx.workDir, 'runtime', 'libQnnSystem.so'),
      };
      setControl(phone.sandbox, { profile: [{ match: '', file: 'nnapi-all-on-ep-assembled.json' }] });
      try {
        const out = await ortPerfTestRunner.run(ctx, o, staged, request);
        expect(out.cpuFallback).toBe(true);
        expect(out.extra?.['fallbackEvidence']).toEqual([
          'NNAPI_FLAG_CPU_ONLY: NNAPI runs every operation on its own CPU implementation (nnapi-reference)',
          'ORT profile: no node ran on CPUExecutionProvider; nodes per provider: NnapiExecutionProvider 1',
        ]);
        const last = readCalls(phoneCalls(phone.sandbox, 'onnxruntime_perf_test')).at(-1)!;
        expect(last.argv.slice(0, 4)).toEqual(['-e', 'nnapi', '-i', 'NNAPI_FLAG_CPU_ONLY']);
      } finally {
        setControl(phone.sandbox, {});
      }
    },
  );

  it('a binary already on the phone (no runtime folder) is run by name from its PATH', async () => {
    phone.device.installTool('onnxruntime_perf_test', perfTestScript());
    const o = options({ ep: 'cpu' });
    await ortPerfTestRunner.prepare(ctx, o);
    const staged = {
      model: { ...model, graph: 'x.onnx' },
      remotePath: join(ctx.workDir, 'runtime', 'libQnnSystem.so'),
    };
    const out = await ortPerfTestRunner.run(ctx, o, staged, request);
    expect(out.kind).toBe('iteration');
    const last = readCalls(phoneCalls(phone.sandbox, 'onnxruntime_perf_test')).at(-1)!;
    expect(last.cwd).toBe(ctx.workDir);
    expect(last.LD_LIBRARY_PATH).toBeNull();
  });
});
