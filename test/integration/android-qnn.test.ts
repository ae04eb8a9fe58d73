// The qnn-net-run runner end to end: a stand-in QNN SDK on the host (converter, model-lib generator,
// context-binary generator, profile viewer replaying captured qnn-profile-viewer outputs) and a
// qnn-net-run stand-in pushed to the fake phone through the real adb server. The stand-in viewer
// prints viewer-output.txt, and copies viewer-output.json to whatever --output names (CSV or JSON).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceProfile } from '../../src/devices/schema.js';
import { RunnerError } from '../../src/errors.js';
import { readLut } from '../../src/lut/io.js';
import { qnnNetRunRunner } from '../../src/runners/qnn-net-run/runner.js';
import { qnnNetRunOptionsSchema } from '../../src/runners/qnn-net-run/options.js';
import { locateSdk } from '../../src/runners/qnn-net-run/sdk.js';
import type { RunnerContext, RunRequest } from '../../src/runners/types.js';
import { createAdbTransport } from '../../src/transports/adb/index.js';
import type { FakePhone } from '../support/adb-server.js';
import { blocksOn, E1_ONE_ROUND } from '../support/blocks-args.js';
import { bench } from '../support/cli.js';
import { phoneWorkDir, startPhoneRig, type PhoneRig } from '../support/phone-rig.js';
import { fixture, makeFakeQnnSdk, phoneCalls, readCalls, writeProfile, type FakeQnnSdk } from './android-stand-ins.js';
import { asNotOk } from '../support/lut-entries.js';

let rig: PhoneRig | undefined;
let phone: FakePhone;
let host: string;
let sdk: FakeQnnSdk;
let profiles: string;
let workDir: string;
const env = () => ({ NANOSD_BENCH_STORE: join(host, 'store'), QNN_SDK_ROOT: sdk.root });
/** What the stand-in viewer prints (text reader). */
const viewer = (file: string) =>
  writeFileSync(join(sdk.root, 'viewer-output.txt'), readFileSync(fixture(`qnn-profile-viewer/${file}`), 'utf8'));
/** What the stand-in viewer writes to its --output file (CSV or JSON). */
const viewerFile = (file: string) =>
  writeFileSync(join(sdk.root, 'viewer-output.json'), readFileSync(fixture(file), 'utf8'));
const VIEWER_CSV = 'qnn-profiling-csv/viewer-netrun-assembled.csv';

beforeAll(async () => {
  rig = await startPhoneRig('nsb-android-qnn-', { model: 'SM-S931B' });
  host = rig.host;
  phone = rig.phones[0]!;
  workDir = phoneWorkDir(phone);
  sdk = makeFakeQnnSdk(join(host, 'qairt', '2.39.0.250926'), {
    viewerText: readFileSync(fixture('qnn-profile-viewer/per-run-three-executes-assembled.txt'), 'utf8'),
    viewerJson: readFileSync(fixture(VIEWER_CSV), 'utf8'),
  });
  profiles = join(host, 'profiles');
  qnnProfile('fakeqnn', {});
});

/** A profile for the fake phone with these runner options (besides the HTP arch and the cache). */
function qnnProfile(name: string, options: Record<string, unknown>): void {
  writeProfile(profiles, {
    name,
    transport: phone.transportSpec,
    workDir,
    runner: { name: 'qnn-net-run', options: { htpArch: 'v79', cacheDir: join(host, 'qnn-cache'), ...options } },
    defaults: { latent: 8, width: 0.125, precision: 'fp16' },
  });
}

afterAll(() => rig?.close());

const blocks = (
  out: string,
  extraEnv: Record<string, string | undefined> = {},
  device = 'fakeqnn',
  extraArgs: string[] = [],
) =>
  bench(blocksOn(device, profiles, out, [...E1_ONE_ROUND, '--warmup', '1', ...extraArgs]), {
    ...env(),
    ...extraEnv,
  });

describe('bench blocks through qnn-net-run', () => {
  it(
    'converts on the host, runs with burst and basic profiling, ' +
      'pulls the log and reads NetRun per execute from the viewer CSV',
    async () => {
      const lutFile = join(host, 'per-execute.lut.json');
      const r = await blocks(lutFile);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lut = readLut(lutFile);
      expect(lut.runtime).toMatchObject({
        runner: 'qnn-net-run',
        version: 'QNN SDK 2.39.0.250926',
        ep: 'qnn-htp',
        precision: 'fp16',
      });
      // The metric is part of the runtime options, and so of what --resume compares.
      expect(lut.runtime.options).toMatchObject({ viewer: 'csv', latency: 'netrun', latencyMetric: 'NetRun' });
      expect(lut.entries).toHaveLength(4);
      for (const e of lut.entries) {
        expect(e.state).toBe('ok');
        expect(e.sampleKind).toBe('iteration');
        // NetRun of executes 2 to 4 (the first, 8310 µs with the HTP's power-up, is the warm-up), µs -> ms.
        expect(e.samples).toEqual([2.952, 2.96, 2.948]);
        expect(e.extra).toMatchObject({
          latencyMetric: 'NetRun',
          netRunMs: 2.953333333,
          qnnExecuteMs: 2.950333333,
          acceleratorMs: 2.494,
          hvxThreads: 4,
          npuRan: true,
          viewerSamples: 'per-execute',
          inferencesPerProcess: 4,
        });
        expect(e.flags).not.toContain('cpu-fallback');
      }

      // Host side: one conversion per model, fp16, with the stage's input shapes (width 0.125 of 320
      // channels, rounded to the group-norm's 32); a context for v79; the viewer once per process.
      const hostCalls = readCalls(sdk.calls);
      const toolOf = (c: { argv: string[] }) =>
        c.argv.includes('--input_network')
          ? 'converter'
          : c.argv.includes('-c')
            ? 'lib'
            : c.argv.includes('--binary_file')
              ? 'context'
              : 'viewer';
      const tool = (name: string) => hostCalls.filter((c) => toolOf(c) === name);
      expect(tool('converter')).toHaveLength(4);
      for (const c of tool('converter')) {
        expect(c.argv.slice(0, 1)).toEqual(['--input_network']);
        expect(c.argv[1]).toMatch(/\/E1\.[RA-]+\.l8\.[0-9a-f]+\.onnx$/);
        expect(c.argv[3]).toMatch(/\/[0-9a-f]{24}\.tmp-\d+-[0-9a-f]{6}\/model\.cpp$/);
        expect(c.argv.slice(4)).toEqual([
          '--input_dim',
          's0',
          '1,32,8,8',
          '--input_dim',
          'temb',
          '1,1280',
          '--input_dim',
          'context',
          '1,77,768',
          '--float_bitwidth',
          '16',
        ]);
      }
      for (const c of tool('lib')) expect(c.argv.slice(4, 6)).toEqual(['-t', 'x86_64-linux-clang']);
      expect(tool('viewer')).toHaveLength(4);
      for (const c of tool('viewer'))
        expect(c.argv).toEqual([
          '--input_log',
          expect.stringMatching(/\/qnn-profiling-data_0\.log$/),
          '--output',
          expect.stringMatching(/\/profile\.csv$/),
        ]);
      for (const c of tool('context')) {
        expect(c.argv[1]).toBe(join(sdk.root, 'lib/x86_64-linux-clang/libQnnHtp.so'));
        expect(c.argv.slice(4, 6)).toEqual(['--binary_file', 'context']);
      }

      // Phone side: the exact command line, run from the pushed runtime with the library paths set.
      const calls = readCalls(phoneCalls(phone.sandbox, 'qnn-net-run')).filter((c) => c.argv[0] !== '--version');
      expect(calls).toHaveLength(4);
      const runtime = join(workDir, 'qnn');
      for (const c of calls) {
        const key = /^\.\.\/qnn-models\/([0-9a-f]{24})\/context\.bin$/.exec(c.argv[3]!)?.[1];
        expect(key).toBeDefined();
        expect(c.argv).toEqual([
          '--backend',
          'libQnnHtp.so',
          '--retrieve_context',
          `../qnn-models/${key}/context.bin`,
          '--input_list',
          `../qnn-models/${key}/input_list.txt`,
          '--output_dir',
          c.argv[7],
          '--perf_profile',
          'burst',
          '--profiling_level',
          'basic',
          '--num_inferences',
          '4',
          '--keep_num_outputs',
          '1',
        ]);
        expect(c.argv[7]).toMatch(/^out\/E1\.[RA-]+\.[0-9a-f]{8}\.out$/);
        expect(c.cwd).toBe(runtime);
        expect(c.LD_LIBRARY_PATH).toBe(runtime);
        expect(c.ADSP_LIBRARY_PATH).toBe(
          `${runtime};/vendor/dsp/cdsp;/vendor/lib/rfsa/adsp;/system/lib/rfsa/adsp;/dsp`,
        );
        // The context binary on the phone is the one generated for the profile's HTP arch.
        expect(readFileSync(join(workDir, 'qnn-models', key!, 'context.bin'), 'utf8')).toBe(
          'CONTEXT dsp_arch=v79 graph=model\n',
        );
        expect(readFileSync(join(workDir, 'qnn-models', key!, 'input_list.txt'), 'utf8')).toBe(
          `s0:=../qnn-models/${key}/inputs/0.raw temb:=../qnn-models/${key}/inputs/1.raw ` +
            `context:=../qnn-models/${key}/inputs/2.raw\n`,
        );
        expect(readFileSync(join(workDir, 'qnn-models', key!, 'inputs', '2.raw')).length).toBe(77 * 768 * 4);
      }
    },
  );

  it('a log without NetRun fails each entry, naming the events it has; `latency` picks one of them', async () => {
    // The old per-run text layout: RPC, QNN accelerator and cycles per execute, no NetRun.
    viewer('per-run-three-executes-assembled.txt');
    qnnProfile('fakeqnn-text', { viewer: 'text' });
    const failed = await blocks(join(host, 'no-netrun.lut.json'), {}, 'fakeqnn-text');
    expect(failed.code).toBe(7);
    const refused = readLut(join(host, 'no-netrun.lut.json'));
    for (const e of refused.entries) {
      expect(e.state).toBe('failed');
      expect(e.samples).toEqual([]);
      expect(asNotOk(e).error.message).toMatch(/^runner qnn-net-run: E1\.[RA-]+: /);
      expect(asNotOk(e).error.message).toContain(
        `the qnn-profile-viewer text output has no "NetRun" per execute, which ` +
          `runner.options.latency "netrun" in ${join(profiles, 'fakeqnn-text.json')} measures; ` +
          'it reports RPC (execute) time, QNN accelerator (execute) time; set runner.options.latency to ' +
          '"qnn-accelerator" (QNN accelerator (execute) time) to measure that instead (raw output saved to ',
      );
    }

    qnnProfile('fakeqnn-accel', { viewer: 'text', latency: 'qnn-accelerator' });
    const lutFile = join(host, 'qnn-accelerator.lut.json');
    const r = await blocks(lutFile, {}, 'fakeqnn-accel');
    expect(r.code).toBe(0);
    const lut = readLut(lutFile);
    expect(lut.runtime.options).toMatchObject({
      viewer: 'text',
      latency: 'qnn-accelerator',
      latencyMetric: 'QNN accelerator (execute) time',
    });
    for (const e of lut.entries) {
      // Executes 2 and 3 of the captured per-run layout (the first is the warm-up), µs -> ms.
      expect(e.samples).toEqual([2698.84, 2700.56]);
      expect(e.extra).toMatchObject({
        latencyMetric: 'QNN accelerator (execute) time',
        hvxThreads: 4,
        npuRan: true,
        viewerSamples: 'per-execute',
      });
    }
  });

  it(
    'a viewer that prints only averages: one sample per ' +
      'process, its warm-ups said; conversions come from the cache',
    async () => {
      viewer('basic-average-reference.txt');
      qnnProfile('fakeqnn-text', { viewer: 'text' });
      const before = readCalls(sdk.calls).filter((c) => c.argv.includes('--input_network')).length;
      const lutFile = join(host, 'average.lut.json');
      const r = await blocks(lutFile, {}, 'fakeqnn-text');
      expect(r.code).toBe(0);
      expect(readCalls(sdk.calls).filter((c) => c.argv.includes('--input_network'))).toHaveLength(before);
      const lut = readLut(lutFile);
      for (const e of lut.entries) {
        expect(e.sampleKind).toBe('process');
        // NetRun of "Execute Stats (Average)", 2952 µs, once per process.
        expect(e.samples).toEqual([2.952, 2.952, 2.952]);
        expect(e.extra).toMatchObject({
          latencyMetric: 'NetRun',
          qnnExecuteMs: 2.949,
          acceleratorMs: 2.492,
          hvxThreads: 4,
          npuRan: true,
          warmupsInAverage: 1,
        });
      }
    },
  );

  it('--resume never adds entries of another metric to a table: the metric is part of the run', async () => {
    const lutFile = join(host, 'resume-metric.lut.json');
    qnnProfile('fakeqnn-resume', {});
    expect((await blocks(lutFile, {}, 'fakeqnn-resume')).code).toBe(0);
    const viewerRuns = () => readCalls(sdk.calls).filter((c) => c.argv.includes('--input_log')).length;
    const before = viewerRuns();
    qnnProfile('fakeqnn-resume', { latency: 'qnn-execute' });
    expect((await blocks(lutFile, {}, 'fakeqnn-resume', ['--resume'])).code).toBe(0);
    // Nothing of the NetRun table was kept: every entry was measured again, with QNN (execute) time.
    expect(viewerRuns() - before).toBe(4);
    const lut = readLut(lutFile);
    expect(lut.runtime.options).toMatchObject({ latency: 'qnn-execute', latencyMetric: 'QNN (execute) time' });
    for (const e of lut.entries) {
      expect(e.samples).toEqual([2.949, 2.957, 2.945]);
      expect(e.extra).toMatchObject({ latencyMetric: 'QNN (execute) time' });
    }
  });

  it('without QNN_SDK_ROOT: exit 7 and what is missing', async () => {
    const r = await blocks(join(host, 'nosdk.lut.json'), { QNN_SDK_ROOT: '' });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`^bench: runner qnn-net-run: QNN_SDK_ROOT is not set \(and .*fakeqnn\.json has no ` +
          String.raw`runner\.options\.sdkRoot\): the QNN SDK tools cannot ` +
          String.raw`be found\n {2}install the Qualcomm AI Runtime SDK`,
      ),
    );
  });
});

describe('the runner on its own', () => {
  const request: RunRequest = {
    warmup: 0,
    minIterations: 2,
    maxIterations: 2,
    maxTimeMs: 1e9,
    targetRme: 0,
    seed: 1,
    timeoutMs: 30_000,
  };
  const profile = { name: 'unit', file: '/profiles/unit.json' } as DeviceProfile;

  it('names every SDK file it lacks and where it looked', () => {
    rmSync(join(sdk.root, 'lib/hexagon-v79/unsigned/libQnnHtpV79Skel.so'));
    try {
      const o = qnnNetRunOptionsSchema.parse({ htpArch: 'v79', sdkRoot: sdk.root, viewer: 'json' });
      expect(() => locateSdk({ profile }, o)).toThrow(RunnerError);
      expect(() => locateSdk({ profile }, o)).toThrow(`lacks lib/hexagon-v79/unsigned/libQnnHtpV79Skel.so`);
      const v81 = qnnNetRunOptionsSchema.parse({ htpArch: 'v81', sdkRoot: sdk.root });
      expect(() => locateSdk({ profile }, v81)).toThrow(
        /lacks lib\/aarch64-android\/libQnnHtpV81Stub\.so, lib\/hexagon-v81\/unsigned\/libQnnHtpV81Skel\.so/,
      );
    } finally {
      writeFileSync(join(sdk.root, 'lib/hexagon-v79/unsigned/libQnnHtpV79Skel.so'), 'stand-in skel\n');
    }
  });

  it(
    'JSON reader: one sample per BACKEND_EXECUTE, QNN (execute) time ' +
      'for netrun (it has no NetRun); a CPU-only log is flagged as fallback',
    async () => {
      const transport = await createAdbTransport(phone.transportSpec, { profile: 'unit' });
      const ctx: RunnerContext = {
        transport,
        profile,
        workDir: join(phone.sandbox, 'data/local/tmp/unit'),
        hostDir: join(host, 'unit.raw'),
        log: () => {},
      };
      const { ModelStore } = await import('../../src/onnx/store.js');
      const { loadCatalog } = await import('../../src/catalog/load.js');
      const { defaultCatalogFile } = await import('../../src/paths.js');
      const { partGraphSpec } = await import('../../src/onnx/group-graph.js');
      const cat = loadCatalog(defaultCatalogFile()).resolve(8, 0.125);
      const model = new ModelStore(join(host, 'store')).ensureGroup(cat, partGraphSpec(cat.parts[0]!), 'part.conv_in', {
        precision: 'fp32',
        seed: 1,
      });
      viewerFile('qnn-profile-json/reader-2.49-assembled.json');
      const json = qnnNetRunOptionsSchema.parse({
        htpArch: 'v79',
        sdkRoot: sdk.root,
        viewer: 'json',
        cacheDir: join(host, 'qnn-cache'),
      });
      const setup = await qnnNetRunRunner.prepare(ctx, json);
      expect(setup.options).toMatchObject({ viewer: 'json', latency: 'netrun', latencyMetric: 'QNN (execute) time' });
      const staged = await qnnNetRunRunner.stage(ctx, json, model);
      const out = await qnnNetRunRunner.run(ctx, json, staged, request);
      // "QNN (execute) time" 3001 µs: the closest to NetRun the reader has (never the accelerator's 1734).
      expect(out).toMatchObject({ kind: 'iteration', samples: [3.001], cpuFallback: false });
      expect(out.extra).toMatchObject({
        latencyMetric: 'QNN (execute) time',
        acceleratorMs: 1.734,
        viewerSamples: 'per-execute',
      });
      const accelerator = await qnnNetRunRunner.run(ctx, { ...json, latency: 'accelerator' }, staged, request);
      expect(accelerator).toMatchObject({ kind: 'iteration', samples: [1.734] });
      expect(accelerator.extra).toMatchObject({ latencyMetric: 'Accelerator (execute) time' });

      viewer('cpu-backend-assembled.txt');
      const text = qnnNetRunOptionsSchema.parse({
        htpArch: 'v79',
        sdkRoot: sdk.root,
        viewer: 'text',
        cacheDir: join(host, 'qnn-cache'),
      });
      const cpu = await qnnNetRunRunner.run(ctx, text, staged, request);
      expect(cpu).toMatchObject({ kind: 'process', samples: [148.259, 148.259], cpuFallback: true });
      expect(cpu.extra).toMatchObject({ npuRan: false });
    },
  );
});
