// The devicectl-app runner (an iPhone behind a Mac) over a real sshd, with an `xcrun` stand-in on the
// SSH host that replays the documented devicectl and NSBENCH/1 output: the exact command lines, the
// copies into the app container, the parsed samples in the LUT, odd bundle ids and container paths
// passed intact, and every way the phone side can fail.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { copyToDeviceArgv, deviceDetailsArgv } from '../../src/runners/devicectl-app/commands.js';
import { xcrunStandIn } from '../support/apple-standins.js';
import { bench, tempDir } from '../support/cli.js';
import { pwnedFiles, writeSshProfile } from '../support/ssh-profiles.js';
import { processAlive, startSshd, type TestSshd } from '../support/sshd.js';
import { asNotOk } from '../support/lut-entries.js';

const store = tempDir('nsb-store-');
const env = { NANOSD_BENCH_STORE: store };
const small = ['--width', '0.125', '--latent', '8', '--rounds', '1'];
// The documented run (test/fixtures/outputs/devicectl-app/noisy-console.txt): 2 warm-ups, 5 samples.
const fixtureSamples = [12.8812, 12.9034, 12.7761, 12.9902, 12.845];
const udid = '5B4C4E0B-0000-4000-8000-00000000A001';
const evilBundle = `com.example.nsbench 'q' $(touch PWNED)`;
const evilContainer = `Documents/nsbench "x" $(touch PWNED2)`;

let sshd: TestSshd;
let dir: string;
let profiles: string;
let xcrun: ReturnType<typeof xcrunStandIn>;

beforeAll(async () => {
  sshd = await startSshd();
  dir = tempDir('nsb-apple-ios-');
  profiles = join(dir, 'profiles');
  xcrun = xcrunStandIn(join(dir, 'mac tools'));
});

afterAll(async () => {
  await sshd?.stop();
  for (const d of [dir, store]) if (d) rmSync(d, { recursive: true, force: true });
});

function phoneProfile(name: string, options: Record<string, unknown> = {}, more: Record<string, unknown> = {}): string {
  const workDir = join(dir, `work ${name}`);
  writeSshProfile(profiles, name, sshd, {
    workDir,
    runner: {
      name: 'devicectl-app',
      options: { udid, bundleId: 'com.example.nsbench', xcrun: xcrun.path, iterations: 5, ...options },
    },
    more,
  });
  return workDir;
}

const run = (device: string, args: string[]) =>
  bench(
    ['blocks', '--device', device, '--profiles', profiles, ...small, ...args, '--out', join(dir, `${device}.lut.json`)],
    env,
  );
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const launches = (calls: string[][]) =>
  calls.filter((c) => c.slice(0, 4).join(' ') === 'devicectl device process launch');
const copies = (calls: string[][]) => calls.filter((c) => c.slice(0, 4).join(' ') === 'devicectl device copy to');

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(root, f)).isFile())
    .sort();
}

describe('devicectl-app over SSH', () => {
  it('copies each model into the app container once, launches the app, parses its console into the LUT', async () => {
    const work = phoneProfile('phone', { bundleId: evilBundle, containerDir: evilContainer });
    const t = { xcrun: xcrun.path, udid, bundleId: evilBundle };
    const before = xcrun.calls().length;
    const logins = sshd.loginCount();
    const r = await run('phone', ['--iterations', '5', '--warmup', '2', '--stages', 'conv_in,conv_out']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(sshd.loginCount() - logins).toBe(1);
    const calls = xcrun.calls().slice(before);

    // 1. The phone's facts, once.
    expect(calls[0]).toEqual(deviceDetailsArgv(t, join(work, 'devicectl', 'device-details.json')).slice(1));

    // 2. Every model file (graph + weights/) from the Mac's work folder into the container, exactly once
    //    each, arriving byte for byte; names with quotes and $(...) intact.
    const macModels = join(work, 'models');
    const [config] = readdirSync(macModels);
    const files = filesUnder(join(macModels, config!));
    expect(files.some((f) => f.startsWith('weights/'))).toBe(true);
    const expected = files.map((f) =>
      copyToDeviceArgv(t, join(macModels, config!, f), posix.join(evilContainer, config!, f)).slice(1),
    );
    expect([...copies(calls)].sort()).toEqual(expected.sort());
    const container = join(xcrun.container(evilBundle), evilContainer, config!);
    expect(filesUnder(container)).toEqual(files);
    for (const f of files) expect(sha(join(container, f)), f).toBe(sha(join(macModels, config!, f)));

    // 3. One launch per entry with the documented arguments.
    const launched = launches(calls);
    expect(launched).toHaveLength(2);
    for (const argv of launched) {
      expect(argv.slice(0, 9)).toEqual([
        'devicectl',
        'device',
        'process',
        'launch',
        '--console',
        '--terminate-existing',
        '--device',
        udid,
        evilBundle,
      ]);
      const app = argv.slice(9);
      expect(app[0]).toMatch(
        new RegExp(
          `^--nsbench-model=${evilContainer.replace(/[$()]/g, '\\$&')}/${config}/` +
            `part\\.conv_(in|out)\\.l8\\.[0-9a-f]+\\.onnx$`,
        ),
      );
      expect(app.slice(1, 4)).toEqual([
        '--nsbench-iterations=5',
        '--nsbench-warmup=2',
        '--nsbench-compute-units=cpuAndNeuralEngine',
      ]);
      expect(app[4]).toMatch(/^--nsbench-run-id=nsb-[0-9a-z]+-[0-9a-f]{8}$/);
      expect(app.slice(5).every((a) => /^--nsbench-input=\w+:float32:\d+(,\d+)*$/.test(a))).toBe(true);
      expect(app.length).toBeGreaterThan(5);
    }

    // 4. The LUT: the app's per-iteration samples and facts; the phone in the runtime, the Mac as device.
    const lut = readLut(join(dir, 'phone.lut.json'));
    expect(lut.runtime).toMatchObject({
      runner: 'devicectl-app',
      version: 'bench app on iPhone16,1, iOS 18.2 (22C152)',
      ep: 'coreml-cpuAndNeuralEngine',
    });
    expect(lut.runtime.options).toMatchObject({
      udid,
      bundleId: evilBundle,
      computeUnits: 'cpuAndNeuralEngine',
      ortMLComputeUnits: 'CPUAndNeuralEngine',
    });
    // The LUT describes the phone that was measured; the Mac it was reached through is kept as host.
    expect(lut.device.info).toMatchObject({
      model: 'iPhone16,1',
      marketingName: 'iPhone 15 Pro',
      osBuild: '22C152',
      udid: '00008130-0000000000000001',
      host: { os: expect.any(String) },
    });
    expect(lut.device.info['host']).toMatchObject({ platform: 'linux' });
    for (const e of lut.entries) {
      expect(e).toMatchObject({ state: 'ok', sampleKind: 'iteration', samples: fixtureSamples });
      expect(e.extra).toMatchObject({
        loadMs: [812.4],
        firstWarmupMs: [31.2008],
        compileMs: 2310.75,
        computeUnits: 'cpuAndNeuralEngine',
        iphone: 'iPhone16,1 iOS 18.2',
        app: '1.0',
        iphoneThermal: { before: 'nominal', after: 'fair' },
      });
    }
    expect(pwnedFiles(dir)).toEqual([]);
  });

  it(
    'each way the app or the copy can fail becomes the entry error, ' + 'retried once unless the model cannot load',
    async () => {
      phoneProfile('phone-faults');
      const before = xcrun.calls().length;
      xcrun.setMode(['app-error@conv_in', 'no-app@time_mlp', 'copy-lost@conv_out'].join('\n'));
      let r: Awaited<ReturnType<typeof run>>;
      try {
        r = await run('phone-faults', ['--iterations', '5', '--warmup', '2', '--stages', 'conv_in,time_mlp,conv_out']);
      } finally {
        xcrun.setMode('ok');
      }
      expect(r.code).toBe(1);
      const entries = readLut(join(dir, 'phone-faults.lut.json')).entries;
      const error = (part: string) => asNotOk(entries.find((e) => e.key.stage === part)).error.message;
      expect(entries.every((e) => e.state === 'failed')).toBe(true);
      expect(error('conv_in')).toMatch(
        new RegExp(
          String.raw`^runner devicectl-app: the bench app on iPhone .* failed on part\.conv_in: ` +
            String.raw`MLModel load failed: The model does not have a valid input feature named latent$`,
        ),
      );
      expect(error('time_mlp')).toMatch(
        new RegExp(
          String.raw`^runner devicectl-app: xcrun devicectl device process launch failed on .* \(exit ` +
            String.raw`1\): ERROR: The requested application com\.example\.nsbench is not installed`,
        ),
      );
      // The copy claimed success but nothing arrived: the app says it cannot load the model, which no retry fixes.
      expect(error('conv_out')).toMatch(
        /^the bench app on iPhone .* cannot load part\.conv_out: no model at Documents\/nsbench\/.*\/part\.conv_out\./,
      );
      const launched = launches(xcrun.calls().slice(before));
      const count = (part: string) =>
        launched.filter((c) => c.some((a) => a.startsWith('--nsbench-model=') && a.includes(part))).length;
      expect([count('conv_in'), count('time_mlp'), count('conv_out')]).toEqual([2, 2, 1]);
    },
  );

  it(
    'an app that never exits is timed out with devicectl killed on the Mac; ' + 'a failed copy fails its entry',
    async () => {
      phoneProfile('phone-hang', { bundleId: 'com.example.nsbench.hang' }, { measure: { timeoutMs: 1500 } });
      const before = xcrun.calls().length;
      xcrun.setMode(['hang@conv_in', 'copy-fail@time_mlp'].join('\n'));
      let r: Awaited<ReturnType<typeof run>>;
      let pid: number | undefined;
      try {
        r = await run('phone-hang', ['--iterations', '5', '--warmup', '2', '--stages', 'conv_in,time_mlp']);
        pid = xcrun.hungPid();
      } finally {
        xcrun.setMode('ok');
      }
      expect(r.code).toBe(7);
      expect(r.stdout).toMatch(
        new RegExp(
          String.raw`FAILED part conv_in: runner devicectl-app: the bench app on iPhone .* did ` +
            String.raw`not finish part\.conv_in within 1500 ms \(devicectl on .* was stopped\)`,
        ),
      );
      expect(r.stdout).toMatch(
        new RegExp(
          String.raw`FAILED part time_mlp: runner devicectl-app: copying ` +
            String.raw`Documents\/nsbench\/.*\/part\.time_mlp\.\S+ into the container of com\.example\.nsbench\.hang ` +
            String.raw`on iPhone .* failed \(exit 1: ERROR: Failed to copy to the app container`,
        ),
      );
      expect(launches(xcrun.calls().slice(before)).filter((c) => c.some((a) => a.includes('time_mlp')))).toHaveLength(
        0,
      );
      expect(pid).toBeGreaterThan(0);
      expect(processAlive(pid!)).toBe(false);
    },
  );

  it(
    'a phone the Mac does not see, or no xcrun: ' + 'one line before anything is copied, exit 7; bench devices tells',
    async () => {
      phoneProfile('phone-missing', { udid: 'missing-device' });
      const missing = await run('phone-missing', ['--stages', 'conv_in']);
      expect(missing.code).toBe(7);
      expect(missing.stderr).toMatch(
        new RegExp(
          String.raw`^bench: runner devicectl-app: devicectl cannot reach iPhone missing-device: ` +
            String.raw`devicectl reported outcome "failed": The specified device was not found\. ` +
            String.raw`\(com\.apple\.dt\.CoreDeviceError 1000\)\n {2}list the phones the Mac sees ` +
            String.raw`with xcrun devicectl list devices and set "udid" in profile phone-missing`,
        ),
      );

      // bench devices reports the same, as a runner that is not ready (and the phone that is, as ready).
      const devices = await bench(['devices', '--profiles', profiles, '--device', 'phone-missing'], env);
      expect(devices.code).toBe(7);
      expect(devices.stdout).toMatch(
        new RegExp(
          String.raw`runner {5}devicectl-app: NOT READY: devicectl cannot reach ` +
            String.raw`iPhone missing-device: .*The specified device was not found`,
        ),
      );
      phoneProfile('phone-ready');
      const ready = await bench(['devices', '--profiles', profiles, '--device', 'phone-ready'], env);
      expect(ready.code).toBe(0);
      expect(ready.stdout).toContain(
        'runner     devicectl-app: ready (bench app on iPhone16,1, iOS 18.2 (22C152), coreml-cpuAndNeuralEngine)',
      );

      phoneProfile('phone-noxcrun', { xcrun: join(dir, 'no such folder', 'xcrun') });
      const noXcrun = await run('phone-noxcrun', ['--stages', 'conv_in']);
      expect(noXcrun.code).toBe(7);
      expect(noXcrun.stderr).toMatch(
        new RegExp(
          String.raw`^bench: runner devicectl-app: cannot run .*no such folder\/xcrun ` +
            String.raw`devicectl on \S+@127\.0\.0\.1:\d+: .*not found\n {2}install Xcode`,
        ),
      );
      expect(existsSync(join(dir, 'work phone-noxcrun', 'models'))).toBe(false);
    },
  );
});
