// `bench pipeline` on a fake phone through Debian's adb server: with the harness's own device runner
// (onnxruntime-node under the phone's node) the per-tile entries are measured and the photo is
// restored end to end over adb; with onnxruntime_perf_test (a stand-in replaying captured output) the
// same entries are measured one model per process, peak working set included, and the photo is not
// restored end to end (the per-tile graph entry stands for a whole tile).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { startAdbServer, withFakePhone, type AdbServerHandle, type FakePhone } from '../support/adb-server.js';
import { bench } from '../support/cli.js';
import { makePerfTestRuntime, writeProfile } from './android-stand-ins.js';

let server: AdbServerHandle;
let phone: FakePhone;
let host: string;
let profiles: string;
const env = () => ({ NANOSD_BENCH_STORE: join(host, 'store') });
const small = [
  ...['--arch', '3.3.3.7.7.7', '--vae', 'w0.5-r1', '--tile', '32', '--overlap', '8', '--image', '56x40'],
  ...['--iterations', '3', '--rounds', '1', '--warmup', '1', '--width', '0.125'],
];

beforeAll(async () => {
  host = mkdtempSync(join(tmpdir(), 'nsb-android-pipeline-'));
  server = await startAdbServer();
  phone = await withFakePhone(server, { model: 'Pixel 8 Pro' });
  const workDir = join(phone.sandbox, 'data/local/tmp/nanosd-bench');
  profiles = join(host, 'profiles');
  writeProfile(profiles, {
    name: 'fakenode',
    transport: phone.transportSpec,
    workDir,
    runner: { name: 'ort-node', options: { ort: localOrtPath(), ep: 'cpu' } },
    defaults: { latent: 4, width: 0.125, precision: 'fp32' },
  });
  writeProfile(profiles, {
    name: 'fakeperf',
    transport: phone.transportSpec,
    workDir,
    runner: { name: 'ort-perf-test', options: { runtimeDir: makePerfTestRuntime(join(host, 'rt')), ep: 'xnnpack' } },
    defaults: { latent: 4, width: 0.125, precision: 'fp32' },
    measure: { timeoutMs: 5_000 },
  });
}, 120_000);

afterAll(async () => {
  await phone?.close();
  await server?.stop();
  rmSync(host, { recursive: true, force: true });
});

describe('bench pipeline on an Android phone', () => {
  it('ort-node: per-tile entries measured and the photo restored end to end over adb', async () => {
    const lut = join(host, 'node.lut.json');
    const picture = join(host, 'node.png');
    const files = ['--lut', lut, '--out', picture];
    const r = await bench(['pipeline', '--device', 'fakenode', '--profiles', profiles, ...small, ...files], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const entries = readLut(lut).entries;
    const kinds = entries.map((e) => (e.key.kind === 'pipeline' ? e.key.stage : e.key.kind)).sort();
    expect(kinds).toEqual(['candidate', 'tile', 'vae_decoder', 'vae_encoder']);
    expect(entries.every((e) => e.state === 'ok' && (e.peakMemoryBytes ?? 0) > 0)).toBe(true);
    expect(r.stdout).toMatch(/measured +[\d.]+ s wall for the whole photo/);
    expect(r.stdout).toMatch(/ratio +measured\/predicted \d+\.\d{3}/);
    const png = PNG.sync.read(readFileSync(picture));
    expect([png.width, png.height]).toEqual([56, 40]);
  }, 300_000);

  it('onnxruntime_perf_test: the same entries one model per process, with the peak working set; no photo', async () => {
    const lut = join(host, 'perf.lut.json');
    const picture = join(host, 'perf.png');
    const files = ['--lut', lut, '--out', picture];
    const r = await bench(['pipeline', '--device', 'fakeperf', '--profiles', profiles, ...small, ...files], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const entries = readLut(lut).entries;
    expect(entries).toHaveLength(4);
    for (const e of entries) {
      expect(e.state).toBe('ok');
      // The stand-in replays a captured ORT 1.23 output: its "Peak working set size" line.
      expect(e.peakMemoryBytes).toBeGreaterThan(0);
    }
    const why = 'the ort-perf-test runner runs one model per process; the per-tile graph entry is its end-to-end';
    expect(r.stdout).toContain(`measured   not end to end: ${why} measurement`);
    expect(r.stdout).toMatch(/per-tile graph measured whole [\d.]+ ms: measured\/predicted \d\.\d{3}/);
    expect(existsSync(picture)).toBe(false);
    const show = await bench(['lut', 'show', lut]);
    expect(show.stdout).toMatch(/peak MB/);
  }, 300_000);
});
