// `bench devices` against Debian's adb server and fake phones: every profile with its device facts
// and runner readiness, phones no profile names, and devices that cannot be reached (unauthorized,
// no server, hanging) reported each on its own without hiding the others.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDevices, type DevicesReport, type ProfileReport } from '../../src/app/devices.js';
import { FakeAdbDevice } from '../fixtures/fake-adb-device/index.js';
import { freePort, startAdbServer, waitForState, withFakePhone, type AdbServerHandle, type FakePhone } from '../support/adb-server.js';
import { bench } from '../support/cli.js';
import { fixture, makePerfTestRuntime, writeProfile } from './android-stand-ins.js';

let server: AdbServerHandle;
let ready: FakePhone;
let noRuntime: FakePhone;
let stranger: FakePhone;
let locked: FakeAdbDevice;
let host: string;
let profiles: string;
let deadPort: number;

beforeAll(async () => {
  host = mkdtempSync(join(tmpdir(), 'nsb-android-devices-'));
  server = await startAdbServer();
  [ready, noRuntime, stranger] = await Promise.all([
    withFakePhone(server, {
      getprop: readFileSync(fixture('android/getprop-pixel.txt'), 'utf8'),
      thermalservice: readFileSync(fixture('android/thermalservice-samsung.txt'), 'utf8'),
    }),
    withFakePhone(server, { model: 'SM-S931B' }),
    withFakePhone(server, { model: 'Nobody Phone' }),
  ]);
  locked = await FakeAdbDevice.start();
  locked.setUnauthorized();
  deadPort = await freePort();
  const runtime = makePerfTestRuntime(join(host, 'runtime'));
  profiles = join(host, 'profiles');
  const common = (p: { sandbox: string }) => ({ workDir: join(p.sandbox, 'data/local/tmp/nanosd-bench'), defaults: { latent: 8, width: 0.125 } });
  writeProfile(profiles, { name: 'zz-ready', transport: ready.transportSpec, ...common(ready), runner: { name: 'ort-perf-test', options: { runtimeDir: runtime, ep: 'qnn', htpArch: 'v79' } } });
  writeProfile(profiles, {
    name: 'zz-noruntime',
    transport: noRuntime.transportSpec,
    ...common(noRuntime),
    runner: { name: 'qnn-net-run', options: { htpArch: 'v79', sdkRoot: join(host, 'no-sdk') } },
    requires: ['QNN_SDK_ROOT: the QAIRT SDK'],
  });
  writeProfile(profiles, { name: 'zz-locked', transport: { kind: 'adb', server: server.server, connect: locked.address }, workDir: '/data/local/tmp/nsb', runner: { name: 'ort-node' } });
  writeProfile(profiles, { name: 'zz-noserver', transport: { kind: 'adb', server: `127.0.0.1:${deadPort}`, serial: 'R58M00000' }, workDir: '/data/local/tmp/nsb', runner: { name: 'ort-perf-test', options: { runtimeDir: runtime } } });
});

afterAll(async () => {
  await Promise.all([ready?.close(), noRuntime?.close(), stranger?.close(), locked?.close()]);
  await server?.stop();
  rmSync(host, { recursive: true, force: true });
});

const mine = (report: DevicesReport, name: string): ProfileReport => report.profiles.find((p) => p.profile === name)!;

describe('bench devices', () => {
  it('lists every profile with facts and readiness, and the phones no profile names', async () => {
    const r = await bench(['devices', '--profiles', profiles, '--json', '--timeout-ms', '15000']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as DevicesReport;
    // The built-in profiles are listed too.
    expect(report.profiles.map((p) => p.profile)).toEqual(expect.arrayContaining(['local', 'pixel', 's25', 's25-qnn', 'zz-ready', 'zz-noruntime', 'zz-locked', 'zz-noserver']));

    const ok = mine(report, 'zz-ready');
    expect(ok).toMatchObject({ reachable: true, id: ready.serial, transport: { kind: 'adb' } });
    expect(ok.info).toMatchObject({ model: 'Pixel 8 Pro', soc: 'Tensor G3', os: 'Android 15', abi: 'arm64-v8a', batteryPercent: 81, batteryTemperatureC: 28.7 });
    expect(ok.thermal).toMatchObject({ temperatures: { TYPE_CPU: 24, TYPE_SKIN: 25.3 }, throttling: false });
    expect(ok.runner).toMatchObject({ name: 'ort-perf-test', ready: true });
    expect(ok.runner.detail).toMatch(/^qnn-htp: runtime .*\/runtime \(7 files\), pushed on first use$/);

    const sdkless = mine(report, 'zz-noruntime');
    expect(sdkless).toMatchObject({ reachable: true, info: { model: 'SM-S931B' }, runner: { name: 'qnn-net-run', ready: false } });
    expect(sdkless.runner.error!.message).toBe(`runner qnn-net-run: the QNN SDK folder ${join(host, 'no-sdk')} (runner.options.sdkRoot in ${join(profiles, 'zz-noruntime.json')}) does not exist`);

    const unauthorized = mine(report, 'zz-locked');
    expect(unauthorized.reachable).toBe(false);
    expect(unauthorized.error!.message).toBe(`device zz-locked: ${locked.address} is unauthorized: the phone has not accepted this computer's adb key`);
    expect(unauthorized.error!.hint).toMatch(/RSA key/);

    const serverless = mine(report, 'zz-noserver');
    expect(serverless.reachable).toBe(false);
    expect(serverless.error!.message).toBe(`device zz-noserver: no adb server runs at 127.0.0.1:${deadPort} (ECONNREFUSED)`);
    // The host half of its runner is checked anyway.
    expect(serverless.runner.name).toBe('ort-perf-test');
    expect(serverless.runner.ready).toBeUndefined();
    expect(serverless.runner.detail).toMatch(/^host side ready: cpu: runtime /);

    // Servers: the test's (running, used by the fake phones' profiles) and the dead one; never started.
    expect(report.servers).toEqual(expect.arrayContaining([
      { server: server.server, running: true, profiles: ['zz-locked', 'zz-noruntime', 'zz-ready'] },
      { server: `127.0.0.1:${deadPort}`, running: false, error: 'ECONNREFUSED', profiles: ['zz-noserver'] },
    ]));
    const unprofiled = report.unprofiled.filter((d) => d.server === server.server);
    expect(unprofiled).toEqual([{ server: server.server, serial: stranger.serial, state: 'device', model: 'Nobody_Phone', product: 'fake' }]);
  });

  it('prints a readable listing', async () => {
    const r = await bench(['devices', '--profiles', profiles]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`zz-ready  (${join(profiles, 'zz-ready.json')})\n  transport  adb: ${ready.serial} on adb server ${server.server}\n  device     reachable as ${ready.serial}`);
    expect(r.stdout).toMatch(/\n {13}Pixel 8 Pro, SoC Tensor G3, Android 15, arm64-v8a\n {13}build google\/husky\/husky:15\/AP4A\.250105\.002\/12701944:user\/release-keys\n {13}battery 81%, 28\.7 °C, charging \(usb\)\n {13}thermal status none \(0\); TYPE_CPU 24\.0 °C, TYPE_SKIN 25\.3 °C\n  runner     ort-perf-test: ready \(qnn-htp: runtime .*\(7 files\), pushed on first use\)\n/);
    expect(r.stdout).toMatch(/zz-noruntime .*\n(.*\n)*? {2}runner {5}qnn-net-run: NOT READY: the QNN SDK folder .* does not exist\n(.*\n)* {2}requires\n {4}- QNN_SDK_ROOT: the QAIRT SDK\n/);
    expect(r.stdout).toContain(`devices without a profile`);
    expect(r.stdout).toContain(`  ${stranger.serial}  device  Nobody_Phone  on ${server.server}`);
  });

  it('--device NAME: exit 0 when ready, 7 when its runner is not, 6 when its device cannot be reached', async () => {
    const [yes, runner, device] = await Promise.all([
      bench(['devices', '--profiles', profiles, '--device', 'zz-ready']),
      bench(['devices', '--profiles', profiles, '--device', 'zz-noruntime']),
      bench(['devices', '--profiles', profiles, '--device', 'zz-noserver']),
    ]);
    expect(yes.code).toBe(0);
    expect(runner.code).toBe(7);
    expect(runner.stderr).toMatch(/^bench: runner qnn-net-run: the QNN SDK folder .*no-sdk .* does not exist\n {2}point it at the unpacked QAIRT SDK/);
    expect(device.code).toBe(6);
    expect(device.stderr).toMatch(/^bench: device zz-noserver: no adb server runs at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n {2}start it with `adb -P \d+ start-server`/);
    const unknown = await bench(['devices', '--profiles', profiles, '--device', 'zz-nope']);
    expect(unknown.code).toBe(3);
  });

  it('a phone that stops answering is reported at its own deadline; the others are not held up', async () => {
    const hung = await withFakePhone(server, { model: 'Hung' });
    try {
      writeProfile(profiles, { name: 'zz-hung', transport: hung.transportSpec, workDir: join(hung.sandbox, 'nsb'), runner: { name: 'ort-node' } });
      hung.device.hangCommands(true);
      const report = await listDevices({ profileDirs: [profiles], timeoutMs: 1_500 });
      const stuck = mine(report, 'zz-hung');
      expect(stuck.reachable).toBe(false);
      expect(stuck.error!.message).toBe('device zz-hung: did not answer within 1.5 s');
      expect(mine(report, 'zz-ready').reachable).toBe(true);
      expect(report.unprofiled.some((d) => d.serial === hung.serial)).toBe(false);
    } finally {
      hung.device.hangCommands(false);
      await hung.close();
      rmSync(join(profiles, 'zz-hung.json'), { force: true });
      await waitForState(server, hung.serial, 'gone', 10_000).catch(() => undefined);
    }
  });
});
