// `bench devices` against Debian's adb server and fake phones: every profile with its device facts
// and runner readiness, phones no profile names, and devices that cannot be reached (unauthorized,
// no server, hanging) reported each on its own without hiding the others.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDevices, type CleanReport, type DevicesReport, type ProfileReport } from '../../src/app/devices.js';
import { blocksCommand } from '../../src/cli/commands/blocks.js';
import { devicesCommand } from '../../src/cli/commands/devices.js';
import { FakeAdbDevice } from '../fixtures/fake-adb-device/index.js';
import {
  freePort,
  startAdbServer,
  waitForState,
  withFakePhone,
  type AdbServerHandle,
  type FakePhone,
} from '../support/adb-server.js';
import { bench } from '../support/cli.js';
import { runCommand } from '../support/run-command.js';
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
  const common = (p: { sandbox: string }) => ({
    workDir: join(p.sandbox, 'data/local/tmp/nanosd-bench'),
    defaults: { latent: 8, width: 0.125 },
  });
  writeProfile(profiles, {
    name: 'zz-ready',
    transport: ready.transportSpec,
    ...common(ready),
    runner: { name: 'ort-perf-test', options: { runtimeDir: runtime, ep: 'qnn', htpArch: 'v79' } },
  });
  writeProfile(profiles, {
    name: 'zz-noruntime',
    transport: noRuntime.transportSpec,
    ...common(noRuntime),
    runner: { name: 'qnn-net-run', options: { htpArch: 'v79', sdkRoot: join(host, 'no-sdk') } },
    requires: ['QNN_SDK_ROOT: the QAIRT SDK'],
  });
  writeProfile(profiles, {
    name: 'zz-locked',
    transport: { kind: 'adb', server: server.server, connect: locked.address },
    workDir: '/data/local/tmp/nsb',
    runner: { name: 'ort-node' },
  });
  writeProfile(profiles, {
    name: 'zz-noserver',
    transport: { kind: 'adb', server: `127.0.0.1:${deadPort}`, serial: 'R58M00000' },
    workDir: '/data/local/tmp/nsb',
    runner: { name: 'ort-perf-test', options: { runtimeDir: runtime } },
  });
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
    expect(report.profiles.map((p) => p.profile)).toEqual(
      expect.arrayContaining([
        'local',
        'pixel',
        's25',
        's25-qnn',
        'zz-ready',
        'zz-noruntime',
        'zz-locked',
        'zz-noserver',
      ]),
    );

    const ok = mine(report, 'zz-ready');
    expect(ok).toMatchObject({ reachable: true, id: ready.serial, transport: { kind: 'adb' } });
    expect(ok.info).toMatchObject({
      model: 'Pixel 8 Pro',
      soc: 'Tensor G3',
      os: 'Android 15',
      abi: 'arm64-v8a',
      batteryPercent: 81,
      batteryTemperatureC: 28.7,
    });
    expect(ok.thermal).toMatchObject({ temperatures: { TYPE_CPU: 24, TYPE_SKIN: 25.3 }, throttling: false });
    expect(ok.runner).toMatchObject({ name: 'ort-perf-test', ready: true });
    expect(ok.runner.detail).toMatch(/^qnn-htp: runtime .*\/runtime \(7 files\), pushed on first use$/);

    const sdkless = mine(report, 'zz-noruntime');
    expect(sdkless).toMatchObject({
      reachable: true,
      info: { model: 'SM-S931B' },
      runner: { name: 'qnn-net-run', ready: false },
    });
    expect(sdkless.runner.error!.message).toBe(
      `runner qnn-net-run: the QNN SDK folder ${join(host, 'no-sdk')} ` +
        `(runner.options.sdkRoot in ${join(profiles, 'zz-noruntime.json')}) does not exist`,
    );

    const unauthorized = mine(report, 'zz-locked');
    expect(unauthorized.reachable).toBe(false);
    expect(unauthorized.error!.message).toBe(
      `device zz-locked: ${locked.address} is unauthorized: the phone has not accepted this computer's adb key`,
    );
    expect(unauthorized.error!.hint).toMatch(/RSA key/);

    const serverless = mine(report, 'zz-noserver');
    expect(serverless.reachable).toBe(false);
    expect(serverless.error!.message).toBe(
      `device zz-noserver: no adb server runs at 127.0.0.1:${deadPort} (ECONNREFUSED)`,
    );
    // The host half of its runner is checked anyway.
    expect(serverless.runner.name).toBe('ort-perf-test');
    expect(serverless.runner.ready).toBeUndefined();
    expect(serverless.runner.detail).toMatch(/^host side ready: cpu: runtime /);

    // Servers: the test's (running, used by the fake phones' profiles) and the dead one; never started.
    expect(report.servers).toEqual(
      expect.arrayContaining([
        { server: server.server, running: true, profiles: ['zz-locked', 'zz-noruntime', 'zz-ready'] },
        { server: `127.0.0.1:${deadPort}`, running: false, error: 'ECONNREFUSED', profiles: ['zz-noserver'] },
      ]),
    );
    const unprofiled = report.unprofiled.filter((d) => d.server === server.server);
    expect(unprofiled).toEqual([
      { server: server.server, serial: stranger.serial, state: 'device', model: 'Nobody_Phone', product: 'fake' },
    ]);
  });

  it('prints a readable listing', async () => {
    const r = await bench(['devices', '--profiles', profiles]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `zz-ready  (${join(profiles, 'zz-ready.json')})\n  transport  adb: ${ready.serial} ` +
        `on adb server ${server.server}\n  device     reachable as ${ready.serial}`,
    );
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`\n {13}Pixel 8 Pro, SoC Tensor G3, Android 15, arm64-v8a` +
          String.raw`\n {13}build google\/husky\/husky:15\/AP4A\.250105\.002\/12701944:user\/release-keys` +
          String.raw`\n {13}battery 81%, 28\.7 °C, charging \(usb\)` +
          String.raw`\n {13}thermal status none \(0\); TYPE_CPU 24\.0 °C, TYPE_SKIN 25\.3 °C` +
          String.raw`\n {2}runner {5}ort-perf-test: ready \(qnn-htp: runtime .*\(7 files\), pushed on first use\)\n`,
      ),
    );
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`zz-noruntime .*\n(.*\n)*? {2}runner {5}qnn-net-run: NOT READY: the QNN SDK folder ` +
          String.raw`.* does not exist\n(.*\n)* {2}requires\n {4}- QNN_SDK_ROOT: the QAIRT SDK\n`,
      ),
    );
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
    expect(runner.stderr).toMatch(
      new RegExp(
        String.raw`^bench: runner qnn-net-run: the QNN SDK folder .*no-sdk ` +
          String.raw`.* does not exist\n {2}point it at the unpacked QAIRT SDK`,
      ),
    );
    expect(device.code).toBe(6);
    expect(device.stderr).toMatch(
      new RegExp(
        String.raw`^bench: device zz-noserver: no adb server runs at 127\.0\.0\.1:\d+ ` +
          String.raw`\(ECONNREFUSED\)\n {2}start it with \`adb -P \d+ start-server\``,
      ),
    );
    const unknown = await bench(['devices', '--profiles', profiles, '--device', 'zz-nope']);
    expect(unknown.code).toBe(3);
  });

  it('a phone that stops answering is reported at its own deadline; the others are not held up', async () => {
    const hung = await withFakePhone(server, { model: 'Hung' });
    try {
      writeProfile(profiles, {
        name: 'zz-hung',
        transport: hung.transportSpec,
        workDir: join(hung.sandbox, 'nsb'),
        runner: { name: 'ort-node' },
      });
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

// The work folder: a profile naming a folder the harness may not own is refused before any device
// work (exit 4, the file and the key named), and `--clean` removes only what the harness put there.
describe('the work folder', () => {
  let dir: string;
  const profile = (name: string, workDir: string) =>
    writeProfile(dir, {
      name,
      transport: ready.transportSpec,
      workDir,
      runner: { name: 'ort-node' },
      defaults: { latent: 8, width: 0.125 },
    });

  beforeAll(() => {
    dir = join(host, 'workdir-profiles');
    profile('wd-tmp', '/data/local/tmp');
    profile('wd-root', '/');
    profile('wd-up', '/data/local/tmp/nanosd-bench/../..');
    profile('wd-relative', 'nanosd-bench');
    profile('wd-ok', join(ready.sandbox, 'data/local/tmp/nsb-clean'));
  });

  it('bench devices refuses a dangerous workDir with exit 4, naming the profile file and the key', async () => {
    for (const [name, shown] of [
      ['wd-tmp', '/data/local/tmp'],
      ['wd-root', '/'],
    ] as const) {
      const r = await runCommand(devicesCommand, ['--profiles', dir, '--device', name]);
      expect(r.code).toBe(4);
      expect(r.stderr).toBe(
        `bench: ${join(dir, `${name}.json`)}: workDir: refusing to ` +
          `use ${shown} as the work folder: it is not a folder the harness owns\n` +
          "  set workDir to a folder of the harness's own, e.g. " +
          '/data/local/tmp/nanosd-bench on a phone or nanosd-bench over SSH\n',
      );
      expect(r.stdout).toContain(
        `  profile    INVALID: ${join(dir, `${name}.json`)}: workDir: refusing to use ${shown} as the work folder`,
      );
    }
    const up = await runCommand(devicesCommand, ['--profiles', dir, '--device', 'wd-up']);
    expect(up.code).toBe(4);
    expect(up.stderr).toContain(`${join(dir, 'wd-up.json')}: workDir: refusing to use /data/local as the work folder`);
    const relative = await runCommand(devicesCommand, ['--profiles', dir, '--device', 'wd-relative']);
    expect(relative.code).toBe(4);
    expect(relative.stderr).toContain(
      `${join(dir, 'wd-relative.json')}: workDir: work folder paths must be absolute, got "nanosd-bench"`,
    );
  });

  it('bench blocks refuses it too, before it connects, and touches nothing', async () => {
    const store = process.env['NANOSD_BENCH_STORE'];
    process.env['NANOSD_BENCH_STORE'] = join(host, 'wd-store');
    try {
      const r = await runCommand(blocksCommand, [
        '--device',
        'wd-tmp',
        '--profiles',
        dir,
        '--stages',
        'E1',
        '--iterations',
        '1',
        '--rounds',
        '1',
        '--out',
        join(host, 'wd-tmp.lut.json'),
      ]);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(
        `bench: ${join(dir, 'wd-tmp.json')}: workDir: refusing to use /data/local/tmp as the work folder`,
      );
      expect(existsSync(join(host, 'wd-tmp.lut.json'))).toBe(false);
    } finally {
      if (store === undefined) delete process.env['NANOSD_BENCH_STORE'];
      else process.env['NANOSD_BENCH_STORE'] = store;
    }
  });

  it('--clean removes the folders the harness made and leaves everything else', async () => {
    const work = join(ready.sandbox, 'data/local/tmp/nsb-clean');
    for (const sub of ['models/E1', 'runtime', 'qnn/out/x.out', 'notes'])
      mkdirSync(join(work, sub), { recursive: true });
    writeFileSync(join(work, 'models/E1/E1.onnx'), 'model');
    writeFileSync(join(work, 'keep.txt'), "not the harness's");
    const r = await runCommand(devicesCommand, ['--profiles', dir, '--device', 'wd-ok', '--clean']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `wd-ok: removed models, qnn, runtime from ${work} on ${ready.serial}\n  ` +
        `left alone (not created by the harness): keep.txt, notes\n`,
    );
    expect(readdirSync(work).sort()).toEqual(['keep.txt', 'notes']);

    const again = await runCommand(devicesCommand, ['--profiles', dir, '--device', 'wd-ok', '--clean', '--json']);
    expect(JSON.parse(again.stdout) as CleanReport).toEqual({
      profile: 'wd-ok',
      file: join(dir, 'wd-ok.json'),
      id: ready.serial,
      workDir: work,
      exists: true,
      removed: [],
      kept: ['keep.txt', 'notes'],
    });
    rmSync(work, { recursive: true, force: true });
    const none = await runCommand(devicesCommand, ['--profiles', dir, '--device', 'wd-ok', '--clean']);
    expect(none.stdout).toBe(`wd-ok: nothing to clean: ${work} on ${ready.serial} does not exist\n`);

    const tmp = await runCommand(devicesCommand, ['--profiles', dir, '--device', 'wd-tmp', '--clean']);
    expect(tmp.code).toBe(4);
    const usage = await runCommand(devicesCommand, ['--profiles', dir, '--clean']);
    expect(usage.code).toBe(3);
    expect(usage.stderr).toMatch(/^bench: bench devices: --clean needs --device NAME/);
  });
});
