// The snpe-net-run runner end to end: a stand-in SNPE SDK on the host (snpe-onnx-to-dlc, and a
// snpe-diagview replaying captured snpe-diagview outputs from test/fixtures/outputs/snpe-diagview/) and
// an snpe-net-run stand-in pushed to the fake phone through the real adb server, printing SNPE's log
// format and writing the SNPEDiag_0.log the runner pulls.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import type { FakePhone } from '../support/adb-server.js';
import { blocksOn, E1_ONE_ROUND } from '../support/blocks-args.js';
import { bench } from '../support/cli.js';
import { phoneWorkDir, startPhoneRig, type PhoneRig } from '../support/phone-rig.js';
import {
  fixture,
  makeFakeSnpeSdk,
  phoneCalls,
  readCalls,
  setControl,
  writeProfile,
  type FakeSnpeSdk,
} from './android-stand-ins.js';
import { asNotOk } from '../support/lut-entries.js';

let rig: PhoneRig | undefined;
let phone: FakePhone;
let host: string;
let sdk: FakeSnpeSdk;
let profiles: string;
let workDir: string;
const env = (root = sdk.root) => ({ NANOSD_BENCH_STORE: join(host, 'store'), SNPE_ROOT: root, QNN_SDK_ROOT: '' });
/** What the stand-in snpe-diagview prints. */
const diagview = (file: string, root = sdk.root) =>
  writeFileSync(join(root, 'diagview-output.txt'), readFileSync(fixture(file), 'utf8'));

beforeAll(async () => {
  rig = await startPhoneRig('nsb-android-snpe-', { model: 'SM-S931B' });
  host = rig.host;
  phone = rig.phones[0]!;
  workDir = phoneWorkDir(phone);
  sdk = makeFakeSnpeSdk(join(host, 'qairt', '2.37.0.250724'), {
    diagviewText: readFileSync(fixture('snpe-diagview/v2.37-dsp-int8-gesture.txt'), 'utf8'),
  });
  profiles = join(host, 'profiles');
  snpeProfile('fakesnpe', {});
});

afterAll(() => rig?.close());

function snpeProfile(name: string, options: Record<string, unknown>): void {
  writeProfile(profiles, {
    name,
    transport: phone.transportSpec,
    workDir,
    runner: {
      name: 'snpe-net-run',
      options: { runtime: 'dsp', htpArch: 'v79', cacheDir: join(host, 'snpe-cache'), ...options },
    },
    defaults: { latent: 8, width: 0.125, precision: 'fp16' },
  });
}

const blocks = (out: string, device = 'fakesnpe', extra: string[] = [], extraEnv: Record<string, string> = {}) =>
  bench(blocksOn(device, profiles, out, [...E1_ONE_ROUND, '--warmup', '1', ...extra]), { ...env(), ...extraEnv });

describe('bench blocks through snpe-net-run', () => {
  it(
    'converts to DLC on the host, runs on the DSP with burst and ' +
      'basic profiling, and reads Total Inference Time per process',
    async () => {
      const lutFile = join(host, 'dsp.lut.json');
      const r = await blocks(lutFile);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lut = readLut(lutFile);
      expect(lut.runtime).toMatchObject({ runner: 'snpe-net-run', version: 'SNPE SDK 2.37.0.250724', ep: 'snpe-dsp' });
      expect(lut.runtime.options).toMatchObject({
        runtime: 'dsp',
        perfProfile: 'burst',
        latency: 'total',
        latencyMetric: 'totalInferenceMs',
      });
      expect(lut.entries).toHaveLength(4);
      for (const e of lut.entries) {
        expect(e.state).toBe('ok');
        expect(e.sampleKind).toBe('process');
        // "Total Inference Time: 1328 us" of the captured QAIRT 2.37 DSP run, once per process.
        expect(e.samples).toEqual([1.328, 1.328, 1.328]);
        expect(e.extra).toMatchObject({
          totalInferenceMs: 1.328,
          forwardPropagateMs: 1.315,
          rpcExecuteMs: 0.29,
          snpeAcceleratorMs: 0.25,
          acceleratorMs: 0.059,
          layerRuntimes: ['DSP'],
          snpeVersion: '2.37.0.250724',
          warmupsInAverage: 1,
        });
        expect(e.flags).not.toContain('cpu-fallback');
      }

      // Host: one conversion per model with the stage's input shapes.
      const converter = readCalls(sdk.calls).filter((c) => c.argv.includes('--input_network'));
      expect(converter).toHaveLength(4);
      for (const c of converter)
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
        ]);

      // Phone: the exact command line, from the pushed runtime, with the DSP library path.
      const runtime = join(workDir, 'snpe');
      const calls = readCalls(phoneCalls(phone.sandbox, 'snpe-net-run')).filter((c) => c.argv[0] !== '--version');
      expect(calls.length).toBe(12);
      for (const c of calls) {
        const key = /\/snpe-models\/([0-9a-f]{24})\/model\.dlc$/.exec(c.argv[1]!)?.[1];
        expect(key).toBeDefined();
        expect(c.argv).toEqual([
          '--container',
          join(workDir, 'snpe-models', key!, 'model.dlc'),
          '--input_list',
          join(workDir, 'snpe-models', key!, `input_list.${c.argv[3]!.match(/input_list\.(\d+)\.txt$/)![1]}.txt`),
          '--output_dir',
          expect.stringMatching(new RegExp(`^${runtime}/out/E1\\.[RA-]+\\.[0-9a-f]{8}\\.out$`)),
          '--perf_profile',
          'burst',
          '--profiling_level',
          'basic',
          '--use_dsp',
        ]);
        expect(c.cwd).toBe(runtime);
        expect(c.LD_LIBRARY_PATH).toBe(runtime);
        expect(c.ADSP_LIBRARY_PATH).toBe(
          `${runtime};/vendor/dsp/cdsp;/vendor/lib/rfsa/adsp;/system/lib/rfsa/adsp;/dsp`,
        );
        // warm-up + timed input sets, each naming every input.
        const list = readFileSync(c.argv[3]!, 'utf8').trim().split('\n');
        expect(list.length).toBeGreaterThan(1);
        expect(list[0]).toMatch(/^s0:=\S+\/inputs\/0\.raw temb:=\S+\/inputs\/1\.raw context:=\S+\/inputs\/2\.raw$/);
      }
    },
  );

  it(
    'a DSP run whose layers ran on the CPU is flagged; latency ' +
      '"accelerator" and the GPU runtime read their own numbers',
    async () => {
      diagview('snpe-diagview/v2.37-cpu-fp32-gesture.txt');
      const fell = join(host, 'fallback.lut.json');
      expect((await blocks(fell)).code).toBe(0);
      for (const e of readLut(fell).entries) {
        expect(e.samples).toEqual([0.069, 0.069, 0.069]);
        expect(e.flags).toContain('cpu-fallback');
      }

      diagview('snpe-diagview/v2.37-dsp-w8a16-gesture.txt');
      snpeProfile('fakesnpe-accel', { latency: 'accelerator' });
      const accel = join(host, 'accel.lut.json');
      expect((await blocks(accel, 'fakesnpe-accel')).code).toBe(0);
      for (const e of readLut(accel).entries) expect(e.samples).toEqual([0.056, 0.056, 0.056]);

      diagview('snpe-diagview/v2.9-gpu-snapdragon8gen2.txt');
      snpeProfile('fakesnpe-gpu', { runtime: 'gpu', htpArch: undefined });
      const gpu = join(host, 'gpu.lut.json');
      expect((await blocks(gpu, 'fakesnpe-gpu')).code).toBe(0);
      const lut = readLut(gpu);
      expect(lut.runtime.ep).toBe('snpe-gpu');
      for (const e of lut.entries) {
        // The older layout ("Average SNPE Statistics:"), its "Forward Propagate ..Time" line included.
        expect(e.samples).toEqual([11.676, 11.676, 11.676]);
        expect(e.extra).toMatchObject({ forwardPropagateMs: 11.642, layerRuntimes: ['GPU'] });
      }
      const gpuCalls = readCalls(phoneCalls(phone.sandbox, 'snpe-net-run')).filter((c) => c.argv.includes('--use_gpu'));
      expect(gpuCalls.length).toBe(12);
      for (const c of gpuCalls) expect(c.ADSP_LIBRARY_PATH).toBeNull();
    },
  );

  it(
    'QNN output where snpe-diagview output belongs fails each ' +
      'entry, saying what it looks like; the raw text is kept',
    async () => {
      diagview('qnn-profile-viewer/basic-average-reference.txt');
      const lutFile = join(host, 'misrouted.lut.json');
      const r = await blocks(lutFile);
      // Every entry failed for one cause, the runner's output: exit 7.
      expect(r.code).toBe(7);
      for (const e of readLut(lutFile).entries) {
        expect(e.state).toBe('failed');
        expect(asNotOk(e).error.message).toMatch(
          new RegExp(
            String.raw`^cannot parse snpe-diagview output for E1\.[RA-]+: no "Average SNPE Statistics:" \(or ` +
              String.raw`QAIRT-era "SNPE Execute Statistics \(Averaged\):"\) section; the text looks like ` +
              String.raw`qnn-profile-viewer output \(QNN\), not snpe-diagview output \(raw output saved to (\S+)\)$`,
          ),
        );
        const saved = /raw output saved to (\S+)\)$/.exec(asNotOk(e).error.message)![1]!;
        expect(readFileSync(saved, 'utf8')).toContain('Execute Stats (Average):');
      }
      diagview('snpe-diagview/v2.37-dsp-int8-gesture.txt');
    },
  );

  it('a DLC snpe-net-run cannot load fails the entry with its error line', async () => {
    setControl(phone.sandbox, { garbage: ['snpe-models'] });
    try {
      const lutFile = join(host, 'garbage.lut.json');
      expect((await blocks(lutFile)).code).toBe(7);
      for (const e of readLut(lutFile).entries) {
        expect(asNotOk(e).error.message).toMatch(
          new RegExp(
            String.raw`^runner snpe-net-run: E1\.[RA-]+: snpe-net-run exited 1 on \S+: ` +
              String.raw`error_code=306; error_message=Error loading the DLC container\.`,
          ),
        );
      }
    } finally {
      setControl(phone.sandbox, {});
    }
  });

  it("brings the user's own .dlc files from a manifest, with an SDK that has no converter", async () => {
    const bare = makeFakeSnpeSdk(join(host, 'snpe-no-converter'), {
      converter: false,
      diagviewText: readFileSync(fixture('snpe-diagview/v2.37-dsp-int8-gesture.txt'), 'utf8'),
    });
    const models = join(host, 'dlc models');
    mkdirSync(models, { recursive: true });
    const variants = ['R-R', 'R-A-R', 'R-R-A', 'R-A-R-A'];
    for (const v of variants) writeFileSync(join(models, `e1-${v}.dlc`), `DLC ${v}`);
    const manifest = join(models, 'manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        schemaVersion: 1,
        models: variants.map((v) => ({ stage: 'E1', variant: v, file: `e1-${v}.dlc` })),
      }),
    );
    const lutFile = join(host, 'own-dlc.lut.json');
    const r = await blocks(lutFile, 'fakesnpe', ['--models', manifest], env(bare.root));
    expect(r.code).toBe(0);
    for (const e of readLut(lutFile).entries) expect(e.samples).toEqual([1.328, 1.328, 1.328]);
    expect(readCalls(bare.calls).filter((c) => c.argv.includes('--input_network'))).toEqual([]);
  });

  it('without SNPE_ROOT or QNN_SDK_ROOT: exit 7 and what is missing', async () => {
    const r = await blocks(join(host, 'nosdk.lut.json'), 'fakesnpe', [], { SNPE_ROOT: '' });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`^bench: runner snpe-net-run: neither SNPE_ROOT nor QNN_SDK_ROOT ` +
          String.raw`is set \(and .*fakesnpe\.json has no runner\.options\.sdkRoot\)`,
      ),
    );
  });
});
