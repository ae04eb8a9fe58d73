// `bench blocks` on two fake phones at once with the harness's own device runner (onnxruntime-node
// under the phone's node, which is this machine's): the CLI child talks to Debian's adb server, which
// talks to the phones living in this test process over TCP — the real topology. Real models are
// measured; each LUT carries the facts of its own phone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import type { FakePhone } from '../support/adb-server.js';
import { blocksOn, E1_ONE_ROUND } from '../support/blocks-args.js';
import { bench } from '../support/cli.js';
import { phoneWorkDir, startPhoneRig, type PhoneRig } from '../support/phone-rig.js';
import { fixture, writeProfile } from './android-stand-ins.js';
import { asOk } from '../support/lut-entries.js';

let rig: PhoneRig | undefined;
let a: FakePhone;
let b: FakePhone;
let host: string;
let profiles: string;

beforeAll(async () => {
  rig = await startPhoneRig(
    'nsb-android-node-',
    {
      getprop: readFileSync(fixture('android/getprop-pixel.txt'), 'utf8'),
      thermalservice: readFileSync(fixture('android/thermalservice-samsung.txt'), 'utf8'),
    },
    {
      model: 'Galaxy S25',
      thermalservice: readFileSync(fixture('android/thermalservice-reordered.txt'), 'utf8'),
    },
  );
  host = rig.host;
  [a, b] = rig.phones as [FakePhone, FakePhone];
  profiles = join(host, 'profiles');
  for (const [name, phone, fixed] of [
    ['fakeA', a, true],
    ['fakeB', b, false],
  ] as const) {
    writeProfile(profiles, {
      name,
      transport: phone.transportSpec,
      workDir: phoneWorkDir(phone),
      runner: { name: 'ort-node', options: { ort: localOrtPath(), ep: 'cpu' } },
      fixedPerformanceMode: fixed,
      defaults: { latent: 8, width: 0.125, precision: 'fp32' },
      thermal: { sensors: ['skin'], limitC: 60, cooldownMaxMs: 10_000, pollMs: 500 },
    });
  }
});

afterAll(() => rig?.close());

describe('two phones at once', () => {
  it(
    'measures real models on both concurrently: two LUTs, a ' +
      'progress line per device, each with its own phone facts',
    async () => {
      const out = join(host, 'luts');
      const r = await bench(blocksOn('fakeA,fakeB', profiles, out, [...E1_ONE_ROUND, '--warmup', '1']), {
        NANOSD_BENCH_STORE: join(host, 'store'),
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^fakeA: 4 ok, 0 failed in [\d.]+ s -> .*fakeA-ort-node-l8-w0\.125-fp32\.lut\.json$/m);
      expect(r.stdout).toMatch(/^fakeB: 4 ok, 0 failed in [\d.]+ s -> .*fakeB-ort-node-l8-w0\.125-fp32\.lut\.json$/m);
      expect(r.stdout).toMatch(/^fakeA: fixed performance mode on/m);

      const lutA = readLut(join(out, 'fakeA-ort-node-l8-w0.125-fp32.lut.json'));
      const lutB = readLut(join(out, 'fakeB-ort-node-l8-w0.125-fp32.lut.json'));
      expect(lutA.device.info).toMatchObject({
        model: 'Pixel 8 Pro',
        soc: 'Tensor G3',
        os: 'Android 15',
        build: 'google/husky/husky:15/AP4A.250105.002/12701944:user/release-keys',
        abi: 'arm64-v8a',
        serial: a.serial,
        manufacturer: 'Google',
        batteryPercent: 81,
        batteryTemperatureC: 28.7,
      });
      expect(lutB.device.info).toMatchObject({ model: 'Galaxy S25', soc: 'FAKE8000', serial: b.serial });
      expect(lutA.device.fingerprint).not.toBe(lutB.device.fingerprint);
      for (const lut of [lutA, lutB]) {
        expect(lut.runtime.runner).toBe('ort-node');
        expect(lut.entries.map((e) => [e.key.variant, e.state, e.samples.length])).toEqual([
          ['R-A-R-A', 'ok', 3],
          ['R-A-R', 'ok', 3],
          ['R-R-A', 'ok', 3],
          ['R-R', 'ok', 3],
        ]);
        for (const e of lut.entries) {
          expect(asOk(e).stats.median).toBeGreaterThan(0);
          expect(e.extra?.['provider']).toBe('CPUExecutionProvider');
        }
      }
      // Temperatures come from each phone's own dumpsys thermalservice.
      expect(Object.keys(lutA.entries[0]!.temperatures!.before).sort()).toEqual(['TYPE_CPU', 'TYPE_SKIN']);
      expect(lutB.entries[0]!.temperatures!.before).toEqual({
        'VIRTUAL-SKIN': 36.25,
        'cpu-0-0-usr': 42.5,
        battery: 30.1,
      });
      // Fixed performance mode was on for the run on phone A, and restored; phone B was left alone.
      expect(readFileSync(join(a.sandbox, '.fake/state/fixed-performance-mode.log'), 'utf8')).toBe('true\nfalse\n');
      expect(b.device.fixedPerformanceMode()).toBeUndefined();
    },
  );
});
