// `bench blocks` with the ort-node runner on a host reached over a real sshd (this machine): real
// models measured end to end into a LUT whose device facts come from the SSH host; the profile's
// execution provider and its options reaching the device runner; odd characters in the work folder
// and the model manifest path; sshd killed mid-run and --resume; a runner that hangs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { nodeStandIn, type StandIn } from '../support/apple-standins.js';
import { blocksOn } from '../support/blocks-args.js';
import { bench, startBench, tempDir, waitFor } from '../support/cli.js';
import { pwnedFiles, writeSshProfile } from '../support/ssh-profiles.js';
import { processAlive, startSshd, type TestSshd } from '../support/sshd.js';

const store = tempDir('nsb-store-');
const env = { NANOSD_BENCH_STORE: store };
// Width 0.125 and latent 8 keep every graph small; one round, one warm-up.
const small = ['--width', '0.125', '--latent', '8', '--warmup', '1', '--rounds', '1'];

let sshd: TestSshd;
let dir: string;
let profiles: string;
let node: StandIn;

beforeAll(async () => {
  sshd = await startSshd();
  dir = tempDir('nsb-apple-ort-');
  profiles = join(dir, 'profiles');
  node = nodeStandIn(join(dir, 'bin'));
});

afterAll(async () => {
  await sshd?.stop();
  for (const d of [dir, store]) if (d) rmSync(d, { recursive: true, force: true });
});

const ortNode = (options: Record<string, unknown> = {}) => ({
  name: 'ort-node',
  options: { node: node.path, ort: localOrtPath(), ...options },
});
/** Calls of the device runner that ran a model (not the probe). */
const modelRuns = (calls: string[][]) => calls.filter((c) => c.includes('--model'));
const after = <T>(list: T[], from: number) => list.slice(from);
const value = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1];

describe('ort-node over SSH', () => {
  it('measures real models on the SSH host into a LUT with the host facts, over one connection', async () => {
    const work = join(dir, `work dir 'q' $(touch PWNED) \`touch PWNED2\``);
    writeSshProfile(profiles, 'sshbox', sshd, { workDir: work, runner: ortNode({ ep: 'cpu' }) });
    const lutFile = join(dir, 'sshbox.lut.json');
    const logins = sshd.loginCount();
    const calls = node.calls().length;
    const r = await bench(
      blocksOn('sshbox', profiles, lutFile, [...small, '--iterations', '3', '--stages', 'E1,conv_in']),
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    const lut = readLut(lutFile);
    expect(lut.entries).toHaveLength(5);
    for (const e of lut.entries) {
      expect(e.state).toBe('ok');
      expect(e.sampleKind).toBe('iteration');
      expect(e.samples).toHaveLength(3);
      expect(e.extra?.['provider']).toBe('CPUExecutionProvider');
      expect(e.flags).not.toContain('cpu-fallback');
      // Host time covers the push, the process start and the model load on top of the samples.
      expect(e.hostMs!).toBeGreaterThan(e.samples.reduce((a, b) => a + b, 0));
    }
    // Device facts come from the SSH host (uname etc. run over the connection), not from the profile.
    expect(lut.device.info).toMatchObject({
      platform: 'linux',
      kernel: spawnSync('uname', ['-a'], { encoding: 'utf8' }).stdout.trim(),
      abi: spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim(),
    });
    expect(lut.runtime).toMatchObject({
      runner: 'ort-node',
      ep: 'cpu',
      options: { node: process.version, ep: 'cpu', epOptions: {} },
    });
    expect(lut.runtime.version).toMatch(/^onnxruntime-node 1\./);
    expect(sshd.loginCount() - logins).toBe(1);

    // The device runner, its statistics and the models landed under the odd work folder, and ran from it.
    expect(existsSync(join(work, 'runner', 'device-runner', 'ort-runner.js'))).toBe(true);
    const runs = modelRuns(after(node.calls(), calls));
    expect(runs).toHaveLength(5);
    for (const argv of runs) {
      expect(argv[0]).toBe(join(work, 'runner', 'device-runner', 'ort-runner.js'));
      expect(value(argv, '--model')!.startsWith(join(work, 'models', ''))).toBe(true);
      expect(existsSync(value(argv, '--model')!)).toBe(true);
      expect([value(argv, '--ep'), value(argv, '--ep-options'), value(argv, '--ort')]).toEqual([
        'cpu',
        '{}',
        localOrtPath(),
      ]);
    }
    expect(pwnedFiles(dir)).toEqual([]);
  });

  it('hands the execution provider to the device runner, which refuses one its onnxruntime build lacks', async () => {
    writeSshProfile(profiles, 'coremlbox', sshd, {
      workDir: join(dir, 'work-coreml'),
      runner: ortNode({ ep: 'coreml', epOptions: { coreMlFlags: 20 } }),
    });
    const lutFile = join(dir, 'coremlbox.lut.json');
    const calls = node.calls().length;
    const r = await bench(
      blocksOn('coremlbox', profiles, lutFile, [...small, '--iterations', '2', '--stages', 'conv_in']),
      env,
    );
    // This Linux build of onnxruntime-node has no CoreML EP: rather than run everything on the CPU
    // under an NPU profile's name, the runner stops before any model is pushed.
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/execution provider 'coreml' is not in this onnxruntime-node build \(cpu/);
    const mine = after(node.calls(), calls);
    const probe = mine.find((c) => c.includes('--probe'))!;
    expect(value(probe, '--ep')).toBe('coreml');
    expect(modelRuns(mine)).toEqual([]);
    expect(existsSync(lutFile)).toBe(false);
  });

  it('reads user models from a manifest whose path has spaces, quotes and $(...)', async () => {
    const exported = join(dir, `my models 'v2' $(touch PWNED)`);
    const ex = await bench(
      ['export', '--out', exported, '--width', '0.125', '--latent', '8', '--stages', 'conv_in'],
      env,
    );
    expect(ex.code).toBe(0);
    const lutFile = join(dir, 'manifest.lut.json');
    const r = await bench(
      blocksOn('sshbox', profiles, lutFile, [
        ...small,
        '--iterations',
        '2',
        '--models',
        join(exported, 'manifest.json'),
        '--stages',
        'conv_in',
      ]),
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [entry] = readLut(lutFile).entries;
    expect(entry).toMatchObject({ state: 'ok', model: { source: 'manifest' } });
    const [run] = modelRuns(node.calls()).slice(-1);
    expect(value(run!, '--model')).toContain(`/models/my models 'v2' $(touch PWNED)/`);
    expect(pwnedFiles(dir)).toEqual([]);
  });

  it('sshd killed mid-run: the entry fails cleanly, the run stops, --resume completes after sshd returns', async () => {
    writeSshProfile(profiles, 'dropbox', sshd, { workDir: join(dir, 'work-drop'), runner: ortNode({ ep: 'cpu' }) });
    const lutFile = join(dir, 'drop.lut.json');
    const args = blocksOn('dropbox', profiles, lutFile, [...small, '--iterations', '5', '--stages', 'E1,conv_in']);
    // The third model run parks in `sleep`, so sshd dies while an entry is running on the device
    // (never while a login shell is still starting, whose start-up files must not be cut short).
    node.setMode(`hang-at ${modelRuns(node.calls()).length + 3}`);
    const run = startBench(args, env);
    try {
      await waitFor(() => node.hungPid() !== undefined, 60_000, 'the third entry to start on the device');
      await sshd.kill();
    } finally {
      node.setMode('ok');
    }
    const stopped = await run.done;
    expect(stopped.code).toBe(6);
    expect(stopped.stderr).toMatch(/^bench: device dropbox: connection to 127\.0\.0\.1:\d+ refused/);
    expect(existsSync(lutFile)).toBe(false);
    const journal = readFileSync(`${lutFile}.journal.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const rounds = journal.filter((l) => l.type === 'round');
    const failures = journal.filter((l) => l.type === 'failed');
    expect(rounds).toHaveLength(2);
    // The entry in flight failed with the drop (and its retry could not reconnect); nothing is permanent.
    expect(failures[0].error.message).toMatch(/dropped|refused/);
    expect(failures.every((f) => f.error.code === 'NSB_DEVICE' && !f.permanent)).toBe(true);

    await sshd.restart();
    const resumed = await bench([...args, '--resume'], env);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const lut = readLut(lutFile);
    expect(lut.entries).toHaveLength(5);
    expect(lut.entries.every((e) => e.state === 'ok' && e.samples.length === 5)).toBe(true);
    for (const r of rounds) expect(lut.entries.find((e) => e.id === r.id)!.samples, r.id).toEqual(r.samples);
  });

  it('a runner that hangs is timed out and killed on the host; the entry fails, the run goes on', async () => {
    writeSshProfile(profiles, 'hangbox', sshd, {
      workDir: join(dir, 'work-hang'),
      runner: ortNode({ ep: 'cpu' }),
      more: { measure: { timeoutMs: 1500 } },
    });
    const lutFile = join(dir, 'hang.lut.json');
    node.setMode('hang');
    let r: Awaited<ReturnType<typeof bench>>;
    let pid: number | undefined;
    try {
      r = await bench(
        blocksOn('hangbox', profiles, lutFile, [...small, '--iterations', '2', '--stages', 'conv_in']),
        env,
      );
      pid = node.hungPid();
    } finally {
      node.setMode('ok');
    }
    expect(r.code).toBe(7);
    expect(r.stdout).toMatch(/FAILED .*conv_in.*timed out after 1500 ms/);
    const [entry] = readLut(lutFile).entries;
    expect(entry).toMatchObject({
      state: 'failed',
      error: { code: 'NSB_RUNNER', message: expect.stringMatching(/timed out after 1500 ms on .*127\.0\.0\.1/) },
    });
    // The process that hung on the host (the retry's) was killed with its process group.
    expect(pid).toBeGreaterThan(0);
    expect(processAlive(pid!)).toBe(false);
  });
});
