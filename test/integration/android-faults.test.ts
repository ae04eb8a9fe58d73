// What goes wrong with phones, through the real command: a phone that drops off mid-run (the run
// stops with a clear message, `--resume` completes it), an unauthorized or offline phone (exit 6 with
// the next step), no adb server running (started), a missing runtime folder (exit 7), and names full
// of shell syntax that must reach the phone as data.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { Adb } from '../../src/transports/adb/adbkit.js';
import { FakeAdbDevice } from '../fixtures/fake-adb-device/index.js';
import {
  freePort,
  startAdbServer,
  stopAdbServerAt,
  waitForState,
  withFakePhone,
  type AdbServerHandle,
  type FakePhone,
} from '../support/adb-server.js';
import { blocksOn } from '../support/blocks-args.js';
import { bench, repoRoot, startBench, waitFor } from '../support/cli.js';
import { makePerfTestRuntime, phoneCalls, readCalls, writeProfile } from './android-stand-ins.js';

let server: AdbServerHandle;
let host: string;
let profiles: string;
let runtime: string;
const cleanups: (() => Promise<unknown>)[] = [];
const env = () => ({ NANOSD_BENCH_STORE: join(host, 'store') });
const small = ['--iterations', '3', '--rounds', '1', '--warmup', '1'];

beforeAll(async () => {
  host = mkdtempSync(join(tmpdir(), 'nsb-android-faults-'));
  profiles = join(host, 'profiles');
  runtime = makePerfTestRuntime(join(host, 'runtime'));
  server = await startAdbServer();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await server?.stop();
  rmSync(host, { recursive: true, force: true });
});

async function phone(options: Parameters<typeof withFakePhone>[1] = {}): Promise<FakePhone> {
  const p = await withFakePhone(server, options);
  cleanups.push(() => p.close());
  return p;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [e.name, ...walk(join(dir, e.name))] : [e.name],
  );
}

describe('a phone that drops off mid-run', () => {
  it(
    'stops the run with the device error after two failures ' + 'in a row; --resume completes it without re-measuring',
    async () => {
      const p = await phone();
      writeProfile(profiles, {
        name: 'dropper',
        transport: p.transportSpec,
        workDir: join(p.sandbox, 'data/local/tmp/nanosd-bench'),
        runner: { name: 'ort-node', options: { ort: localOrtPath() } },
        defaults: { latent: 8, width: 0.125 },
      });
      const lutFile = join(host, 'dropper.lut.json');
      const args = blocksOn('dropper', profiles, lutFile, ['--stages', 'E1,E2', ...small]);
      const run = startBench(args, env());
      await waitFor(() => /dropper: round 1 E\d/.test(run.output()), 60_000, 'a first measured entry');
      p.device.dropConnection({ refuseMs: 3_000 });
      const stopped = await run.done;
      expect(stopped.code).toBe(6);
      // One line naming the device and its state, then the next step.
      expect(stopped.stderr).toMatch(
        new RegExp(
          String.raw`^bench: device dropper: (127\.0\.0\.1:\d+ is offline|127\.0\.0\.1:\d+ is not attached to ` +
            String.raw`the adb server.*|lost the connection to 127\.0\.0\.1:\d+.*)\n {2}\S.*bench devices\`?.*\n$`,
        ),
      );
      expect(stopped.stdout.match(/^dropper: FAILED E\d [RA-]+: device dropper: /gm)).toHaveLength(2);
      expect(existsSync(lutFile)).toBe(false);
      const journal = readFileSync(`${lutFile}.journal.jsonl`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; id: string; samples?: number[] });
      const measured = journal.filter((l) => l.type === 'round');
      expect(measured.length).toBeGreaterThanOrEqual(1);
      expect(journal.filter((l) => l.type === 'failed').length).toBeGreaterThanOrEqual(2);

      // The phone comes back (adb reconnects network phones; `adb connect` makes sure).
      await new Promise((r) => setTimeout(r, 3_000));
      await Adb.createClient({ host: '127.0.0.1', port: server.port })
        .connect('127.0.0.1', p.device.port)
        .catch(() => undefined);
      await waitForState(server, p.serial, 'device', 15_000);
      const resumed = await bench([...args, '--resume'], env());
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
      const lut = readLut(lutFile);
      expect(lut.entries).toHaveLength(8);
      expect(lut.entries.every((e) => e.state === 'ok' && e.samples.length === 3)).toBe(true);
      for (const m of measured) expect(lut.entries.find((e) => e.id === m.id)!.samples).toEqual(m.samples);
      expect(existsSync(`${lutFile}.journal.jsonl`)).toBe(false);
    },
    90_000,
  );
});

describe('phones that cannot be used', () => {
  it('unauthorized: exit 6, one line, and the next step', async () => {
    const device = await FakeAdbDevice.start();
    cleanups.push(() => device.close());
    device.setUnauthorized();
    writeProfile(profiles, {
      name: 'locked',
      transport: { kind: 'adb', server: server.server, connect: device.address },
      workDir: '/data/local/tmp/nsb',
      runner: { name: 'ort-node' },
    });
    const r = await bench(blocksOn('locked', profiles, join(host, 'locked.lut.json'), ['--stages', 'conv_in']), env());
    expect(r.code).toBe(6);
    expect(r.stderr).toBe(
      `bench: device locked: ${device.address} is unauthorized: the phone has not accepted this computer's ` +
        `adb key\n  accept the "Allow USB debugging?" (RSA key) ` +
        `prompt on the phone, then run \`bench devices\`\n`,
    );
    expect(existsSync(join(host, 'locked.lut.json'))).toBe(false);
  });

  it('offline: exit 6 and how to reconnect', async () => {
    const device = await FakeAdbDevice.start();
    cleanups.push(() => device.close());
    device.setOffline();
    void Adb.createClient({ host: '127.0.0.1', port: server.port })
      .connect('127.0.0.1', device.port)
      .catch(() => undefined);
    await waitForState(server, device.address, 'offline', 5_000);
    writeProfile(profiles, {
      name: 'asleep',
      transport: { kind: 'adb', server: server.server, serial: device.address },
      workDir: '/data/local/tmp/nsb',
      runner: { name: 'ort-node' },
    });
    const r = await bench(blocksOn('asleep', profiles, join(host, 'asleep.lut.json'), ['--stages', 'conv_in']), env());
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(
      new RegExp(
        `^bench: device asleep: ${device.address.replace(/\./g, '\\.')} ` +
          `is offline\\n {2}reconnect the phone .*bench devices`,
      ),
    );
  });

  /** The profile `noruntime` on phone `p` with this runtime folder, and `bench blocks` on it. */
  function runWithRuntime(p: FakePhone, runtimeDir: string) {
    writeProfile(profiles, {
      name: 'noruntime',
      transport: p.transportSpec,
      workDir: join(p.sandbox, 'data/local/tmp/nsb'),
      runner: { name: 'ort-perf-test', options: { runtimeDir, ep: 'qnn', htpArch: 'v79' } },
    });
    const flags = ['--stages', 'conv_in', '--width', '0.125', '--latent', '8'];
    return bench(blocksOn('noruntime', profiles, join(host, 'nr.lut.json'), flags), env());
  }

  it('a missing runtime folder: exit 7 naming the folder and the option', async () => {
    const p = await phone();
    const missing = join(host, 'no-such-runtime');
    const r = await runWithRuntime(p, missing);
    expect(r.code).toBe(7);
    expect(r.stderr).toBe(
      `bench: runner ort-perf-test: the runtime folder ${missing} ` +
        `(runner.options.runtimeDir in ${join(profiles, 'noruntime.json')}) does not exist\n` +
        `  put onnxruntime_perf_test built for the device (ORT build.sh --android ... ` +
        `--build_shared_lib, with --use_qnn for QNN) and its libraries there, or point ` +
        `runner.options.runtimeDir at the folder that holds them; then run \`bench devices\`\n`,
    );
    // A folder without the HTP skel for the profile's arch names the file.
    const r2 = await runWithRuntime(p, makePerfTestRuntime(join(host, 'runtime-v75'), 'v75'));
    expect(r2.code).toBe(7);
    expect(r2.stderr).toMatch(
      new RegExp(
        String.raw`^bench: runner ort-perf-test: the runtime folder .*runtime-v75 ` +
          String.raw`lacks libQnnHtpV79Stub\.so, libQnnHtpV79Skel\.so\n`,
      ),
    );
  });
});

describe('the adb server', () => {
  it("is started when none runs on the profile's local port", async () => {
    const port = await freePort();
    const device = await FakeAdbDevice.start();
    cleanups.push(() => device.close());
    const home = join(host, 'adb-home');
    mkdirSync(home, { recursive: true });
    writeProfile(profiles, {
      name: 'fresh',
      transport: { kind: 'adb', server: `127.0.0.1:${port}`, connect: device.address },
      workDir: join(device.sandbox.root, 'data/local/tmp/nsb'),
      runner: { name: 'ort-perf-test', options: { runtimeDir: runtime, ep: 'cpu' } },
    });
    try {
      // The server adb forks keeps its keys in this HOME, not the user's.
      const flags = ['--stages', 'conv_in', '--width', '0.125', '--latent', '8', ...small];
      const r = await bench(blocksOn('fresh', profiles, join(host, 'fresh.lut.json'), flags), {
        ...env(),
        HOME: home,
        ANDROID_USER_HOME: join(home, '.android'),
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(readLut(join(host, 'fresh.lut.json')).entries[0]!.state).toBe('ok');
    } finally {
      await stopAdbServerAt(port);
    }
  });
});

describe('names full of shell syntax', () => {
  const hostile = "a b;$(touch PWNED)'x";

  it(
    'a work folder, a models manifest path and a model file name with ' +
      'spaces, quotes, ; and $(...) reach the phone intact and run nothing',
    async () => {
      const p = await phone();
      const models = join(host, hostile);
      const exported = await bench(
        ['export', '--out', models, '--width', '0.125', '--latent', '8', '--stages', 'E1'],
        env(),
      );
      expect(exported.code).toBe(0);
      // One model file gets a hostile name of its own.
      const manifestFile = join(models, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
        models: { stage?: string; variant?: string; file: string }[];
      };
      const rr = manifest.models.find((m) => m.stage === 'E1' && m.variant === 'R-R')!;
      const hostileFile = `r r;$(touch PWNED2)'.onnx`;
      renameSync(join(models, rr.file), join(models, hostileFile));
      rr.file = hostileFile;
      writeFileSync(manifestFile, JSON.stringify(manifest));
      const workDir = join(p.sandbox, 'data/local/tmp', hostile);
      writeProfile(profiles, {
        name: 'hostile',
        transport: p.transportSpec,
        workDir,
        runner: { name: 'ort-perf-test', options: { runtimeDir: runtime, ep: 'qnn' } },
        defaults: { latent: 8, width: 0.125 },
      });
      const lutFile = join(host, 'hostile.lut.json');
      const flags = ['--models', join(models, 'manifest.json'), '--stages', 'E1', ...small];
      const r = await bench(blocksOn('hostile', profiles, lutFile, flags), env());
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(readLut(lutFile).entries.every((e) => e.state === 'ok' && e.model.source === 'manifest')).toBe(true);

      const calls = readCalls(phoneCalls(p.sandbox, 'onnxruntime_perf_test')).filter((c) => c.argv[0] !== '-h');
      expect(calls).toHaveLength(4);
      expect(calls.map((c) => c.argv.at(-2))).toContain(join(workDir, 'models', hostile, hostileFile));
      for (const c of calls) {
        const model = c.argv.at(-2)!;
        // The manifest's folder name is kept on the phone, and the file is really there.
        expect(model.startsWith(join(workDir, 'models', hostile) + '/')).toBe(true);
        expect(existsSync(model)).toBe(true);
        expect(c.cwd).toBe(join(workDir, 'runtime'));
        // A runtime path holding `;` cannot go into ADSP_LIBRARY_PATH (a `;` list): it is given as `.`,
        // the working folder.
        expect(c.ADSP_LIBRARY_PATH).toBe('.;/vendor/dsp/cdsp;/vendor/lib/rfsa/adsp;/system/lib/rfsa/adsp;/dsp');
      }
      expect([...walk(p.sandbox), ...walk(host)].filter((n) => n.startsWith('PWNED'))).toEqual([]);
      expect(existsSync(join(repoRoot, 'PWNED'))).toBe(false);
      expect(existsSync(join(workDir, 'runtime', 'onnxruntime_perf_test'))).toBe(true);
    },
  );
});
