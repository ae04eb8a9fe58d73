// Devices that vanish and runners that hang, through the real `bench` command:
//   - the adb server killed (SIGKILL) while a model is being pushed to the fake phone, and while a
//     model runs on it; sshd killed (daemon and sessions) while a model is copied over SFTP, and
//     while one runs. Each stops the run with exit 6 and one line naming the device, no LUT, the
//     journal holding every finished round; once the device is back `--resume` completes the table
//     (every entry measured, the journaled rounds kept as they were);
//   - a runner that hangs on the local device (a tool that never returns, with a child of its own):
//     killed at the profile's timeout with its whole process group, the entry retried once and then
//     failed, exit 7; `--resume` after the tool is fixed measures that entry.
// Mid-push stops hold a copy in flight first, then take the device away: the fake phone stops
// acknowledging uploads of weights (its stallUploads fault), the SFTP server of the test's sshd is
// stopped (SIGSTOP) once a partial file shows. Mid-run stops come when the n-th model run parks in
// `sleep` (the node stand-in of test/support/apple-standins.ts).
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLut } from '../../src/lut/io.js';
import type { Lut } from '../../src/lut/schema.js';
import type { RoundRecord } from '../../src/measure/journal.js';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { quoteArg } from '../../src/transports/quote.js';
import { Adb } from '../../src/transports/adb/adbkit.js';
import { startAdbServer, stopAdbServerAt, waitForState, withFakePhone } from '../support/adb-server.js';
import type { AdbServerHandle, FakePhone } from '../support/adb-server.js';
import { nodeStandIn, type StandIn } from '../support/apple-standins.js';
import { bench, startBench, tempDir, waitFor, type CliResult } from '../support/cli.js';
import { recordFault } from '../support/faults.js';
import { writeSshProfile } from '../support/ssh-profiles.js';
import { processAlive, startSshd, type TestSshd } from '../support/sshd.js';

type Running = ReturnType<typeof startBench>;

const host = tempDir('nsb-vanish-');
const profiles = join(host, 'profiles');
const env = { NANOSD_BENCH_STORE: join(host, 'store') };
/** For runs on the phone: an adb server that adbkit starts by itself keeps its keys here, not in ~/.android. */
const adbEnv = { ...env, HOME: join(host, 'adb-home'), ANDROID_USER_HOME: join(host, 'adb-home', '.android') };
let node: StandIn;

beforeAll(() => {
  node = nodeStandIn(join(host, 'bin'));
});

function writeProfile(profile: Record<string, unknown> & { name: string }): void {
  mkdirSync(profiles, { recursive: true });
  writeFileSync(join(profiles, `${profile.name}.json`), JSON.stringify(profile, null, 1));
}

const args = (device: string, out: string, shape: string[]) => [
  'blocks',
  ...['--device', device, '--profiles', profiles, '--latent', '8', '--warmup', '1'],
  ...['--iterations', '2', '--rounds', '1', ...shape, '--out', out],
];
/** Width 1: weights of a few MiB per unit, more than one chunk of a copy. */
const pushShape = ['--width', '1', '--stages', 'E1'];
/** Three small parts, run after run. */
const runShape = ['--width', '0.125', '--stages', 'conv_in,time_mlp,conv_out'];

function journalRounds(file: string): RoundRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RoundRecord)
    .filter((l) => l.type === 'round');
}

/** Files under `dir` whose name matches `pattern` and that already hold data (a copy in flight). */
function partialUploads(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => pattern.test(f));
  return names.filter((f) => {
    try {
      return statSync(join(dir, f)).size > 0;
    } catch {
      return false; // Renamed into place meanwhile.
    }
  });
}

/** Polls fast (an SFTP copy of a few MiB is over in a fraction of a second) while `run` goes on. */
async function until(check: () => boolean, run: Running, what: string): Promise<void> {
  const end = Date.now() + 90_000;
  while (!check()) {
    if (run.child.exitCode !== null) throw new Error(`the run ended before ${what}:\n${run.output()}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Every process as pid -> [parent pid, command line]. */
function processTable(): Map<number, [number, string]> {
  const table = new Map<number, [number, string]>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      table.set(Number(name), [parent, readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ')]);
    } catch {
      // Gone meanwhile.
    }
  }
  return table;
}

/** Stops (SIGSTOP) the SFTP servers this test's sshd started, and only those: the copy hangs mid-file. */
function stallSftp(sshd: TestSshd): number {
  const table = processTable();
  const ours = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = table.get(p)?.[0] ?? 0, hops++) {
      if (table.get(p)?.[1].includes(join(sshd.dir, 'sshd_config'))) return true;
    }
    return false;
  };
  const servers = [...table].filter(([pid, [, cmd]]) => cmd.includes('sftp-server') && ours(pid)).map(([pid]) => pid);
  for (const pid of servers) process.kill(pid, 'SIGSTOP');
  return servers.length;
}

/** exit 6, one line naming the device (and its hint), no stack; no LUT; the journal's rounds. */
function expectVanished(stopped: CliResult, device: string, out: string): RoundRecord[] {
  expect(stopped.code, stopped.stderr).toBe(6);
  const [line, ...hint] = stopped.stderr.trimEnd().split('\n');
  expect(line).toMatch(new RegExp(`^bench: device ${device}: `));
  expect(hint.length).toBeLessThanOrEqual(1);
  expect(stopped.stderr).not.toMatch(/internal error|^\s+at /m);
  expect(existsSync(out)).toBe(false);
  expect(existsSync(`${out}.lock`)).toBe(false);
  return journalRounds(`${out}.journal.jsonl`);
}

/** After --resume: every planned entry measured in full, each journaled round kept; returns entries lost. */
function expectCompleted(resumed: CliResult, out: string, entries: number, journaled: RoundRecord[]): number {
  expect(resumed.stderr).toBe('');
  expect(resumed.code).toBe(0);
  const lut: Lut = readLut(out);
  expect(lut.entries).toHaveLength(entries);
  const two = [expect.any(Number), expect.any(Number)];
  for (const e of lut.entries) expect(e, e.id).toMatchObject({ state: 'ok', rounds: 1, samples: two });
  let lost = entries - lut.entries.filter((e) => e.state === 'ok' && e.samples.length === 2).length;
  for (const r of journaled) {
    const kept = lut.entries.find((e) => e.id === r.id)?.samples;
    expect(kept, r.id).toEqual(r.samples);
    if (JSON.stringify(kept) !== JSON.stringify(r.samples)) lost++;
  }
  expect(existsSync(`${out}.journal.jsonl`)).toBe(false);
  return lost;
}

const modelRuns = () => node.calls().filter((c) => c.includes('--model')).length;

describe('the adb server killed', () => {
  let server: AdbServerHandle;
  const servers: AdbServerHandle[] = [];
  let phone: FakePhone;

  beforeAll(async () => {
    server = await startAdbServer();
    servers.push(server);
    phone = await withFakePhone(server);
    writeProfile({
      name: 'adb-vanish',
      transport: phone.transportSpec,
      workDir: join(phone.sandbox, 'data/local/tmp/nanosd-bench'),
      runner: { name: 'ort-node', options: { node: node.path, ort: localOrtPath() } },
    });
  });

  afterAll(async () => {
    await phone?.close();
    for (const s of servers.reverse()) await s.stop();
    if (server) await stopAdbServerAt(server.port);
  });

  /**
   * The server back on its port, the phone attached again. A killed server may already be back as a
   * daemon: adbkit starts one when a call finds the port closed (as the adb CLI does); it is
   * stopped first, so the test's own server (and HOME) is the one there.
   */
  async function adbBack(): Promise<void> {
    await stopAdbServerAt(server.port);
    server = await startAdbServer({ port: server.port });
    servers.push(server);
    await Adb.createClient({ host: '127.0.0.1', port: server.port }).connect('127.0.0.1', phone.device.port);
    await waitForState(server, phone.serial, 'device', 15_000);
  }

  it('mid-push: exit 6, the journal kept; --resume completes once the server is back', async () => {
    const out = join(host, 'adb-push.lut.json');
    phone.device.stallUploads(/\/weights\/[^/]+\.bin$/);
    const run = startBench(args('adb-vanish', out, pushShape), adbEnv);
    const models = join(phone.sandbox, 'data/local/tmp/nanosd-bench', 'models');
    await until(() => partialUploads(models, /\.bin\.nsb-fake-upload$/).length > 0, run, 'a weights upload in flight');
    await server.kill();
    const journaled = expectVanished(await run.done, 'adb-vanish', out);
    expect(run.output()).toMatch(/lost the adb connection to 127\.0\.0\.1:\d+ while trying to push /);
    phone.device.stallUploads(undefined);
    await adbBack();
    const resumed = await bench([...args('adb-vanish', out, pushShape), '--resume'], adbEnv);
    const lost = expectCompleted(resumed, out, 4, journaled);
    recordFault('adb-server-killed:mid-push', { entriesLost: lost });
  }, 120_000);

  it('mid-run: exit 6 with the finished entry in the journal; --resume completes without re-measuring it', async () => {
    const out = join(host, 'adb-run.lut.json');
    // The second of three entries hangs on the phone: it and the third fail with the device gone, and
    // two device failures in a row stop the run.
    node.setMode(`hang-at ${modelRuns() + 2}`);
    try {
      const run = startBench(args('adb-vanish', out, runShape), adbEnv);
      await waitFor(() => node.hungPid() !== undefined, 60_000, 'the second model run on the phone');
      await server.kill();
      const journaled = expectVanished(await run.done, 'adb-vanish', out);
      expect(journaled).toHaveLength(1);
      node.setMode('ok');
      await adbBack();
      const resumed = await bench([...args('adb-vanish', out, runShape), '--resume'], adbEnv);
      const lost = expectCompleted(resumed, out, 3, journaled);
      recordFault('adb-server-killed:mid-run', { entriesLost: lost });
    } finally {
      node.setMode('ok');
    }
  }, 120_000);
});

describe('sshd stopped', () => {
  let sshd: TestSshd;

  beforeAll(async () => {
    sshd = await startSshd();
    writeSshProfile(profiles, 'ssh-vanish', sshd, {
      workDir: join(host, 'ssh-work'),
      runner: { name: 'ort-node', options: { node: node.path, ort: localOrtPath(), ep: 'cpu' } },
    });
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('mid-push: exit 6, the journal kept; --resume completes once sshd is back', async () => {
    const out = join(host, 'ssh-push.lut.json');
    const run = startBench(args('ssh-vanish', out, pushShape), env);
    const models = join(host, 'ssh-work', 'models');
    await until(() => partialUploads(models, /\.bin\.nsb-[0-9a-f]+\.part$/).length > 0, run, 'an SFTP copy in flight');
    expect(stallSftp(sshd)).toBe(1);
    await sshd.kill();
    const journaled = expectVanished(await run.done, 'ssh-vanish', out);
    expect(run.output()).toMatch(/connection to \S+ dropped while copying \S+\.bin/);
    await sshd.restart();
    const resumed = await bench([...args('ssh-vanish', out, pushShape), '--resume'], env);
    const lost = expectCompleted(resumed, out, 4, journaled);
    recordFault('sshd-stopped:mid-push', { entriesLost: lost });
  }, 120_000);

  it('mid-run, last entry: the table is written with that entry failed, exit 6; --resume measures it', async () => {
    const out = join(host, 'ssh-run.lut.json');
    // The last of three entries hangs on the SSH host: the run reaches its end with one device failure.
    node.setMode(`hang-at ${modelRuns() + 3}`);
    try {
      const run = startBench(args('ssh-vanish', out, runShape), env);
      await waitFor(() => node.hungPid() !== undefined, 60_000, 'the third model run on the SSH host');
      await sshd.kill();
      const stopped = await run.done;
      // Every failure is the device's: exit 6, as when the run stops for it.
      expect(stopped.code, stopped.stderr).toBe(6);
      expect(stopped.stdout).toMatch(/^ssh-vanish: FAILED part \S+: device ssh-vanish: connection to 127\.0\.0\.1:/m);
      const written = readLut(out);
      const measured = written.entries.filter((e) => e.state === 'ok');
      expect(measured).toHaveLength(2);
      expect(written.entries.filter((e) => e.state === 'failed').map((e) => e.error?.code)).toEqual(['NSB_DEVICE']);
      node.setMode('ok');
      await sshd.restart();
      const resumed = await bench([...args('ssh-vanish', out, runShape), '--resume'], env);
      expect(resumed.stdout).toMatch(/ssh-vanish: 1 entries to measure, 2 already in/);
      const journaled = measured.map((e) => ({ id: e.id, samples: e.samples }) as RoundRecord);
      const lost = expectCompleted(resumed, out, 3, journaled);
      recordFault('sshd-stopped:mid-run', { entriesLost: lost });
    } finally {
      node.setMode('ok');
    }
  }, 120_000);
});

describe('a runner that hangs', () => {
  it('is killed at its timeout, children too; the entry fails after a retry, exit 7; --resume redoes it', async () => {
    // `node` for the local device: with a `hang` file beside it, a model run starts a child and waits
    // forever (as a tool stuck in a driver call does), recording both pids.
    const dir = join(host, 'hang');
    mkdirSync(dir, { recursive: true });
    const hang = join(dir, 'hang');
    const pids = join(dir, 'pids');
    const tool = join(dir, 'node');
    writeFileSync(
      tool,
      `#!/bin/sh
case " $* " in *" --probe "*) ;; *)
  if [ -e ${quoteArg(hang)} ]; then
    sleep 600 &
    echo "$$ $!" >> ${quoteArg(pids)}
    wait
    exit 1
  fi ;;
esac
exec ${quoteArg(process.execPath)} "$@"
`,
    );
    chmodSync(tool, 0o755);
    writeProfile({
      name: 'local-hang',
      transport: { kind: 'local' },
      workDir: join(dir, 'work'),
      runner: { name: 'ort-node', options: { node: tool } },
      measure: { timeoutMs: 1500 },
    });
    const out = join(host, 'hang.lut.json');
    const hangArgs = args('local-hang', out, ['--width', '0.125', '--stages', 'conv_in']);
    writeFileSync(hang, '');
    const hung = await bench(hangArgs, env);
    expect(hung.code, hung.stderr).toBe(7);
    expect(hung.stdout).toMatch(/local-hang: FAILED part conv_in: runner ort-node: timed out after 1500 ms on local/);
    const entry = readLut(out).entries[0]!;
    expect(entry).toMatchObject({ state: 'failed', error: { code: 'NSB_RUNNER' } });
    // Two attempts (the entry and its retry), each a shell and its sleeping child: all gone.
    const started = readFileSync(pids, 'utf8')
      .trim()
      .split('\n')
      .flatMap((l) => l.split(' ').map(Number));
    expect(started).toHaveLength(4);
    for (const pid of started) expect(processAlive(pid), `pid ${pid}`).toBe(false);

    rmSync(hang);
    const fixed = await bench([...hangArgs, '--resume'], env);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    const final = readLut(out).entries;
    expect(final).toMatchObject([{ state: 'ok', rounds: 1 }]);
    expect(final[0]!.samples).toHaveLength(2);
    recordFault('runner-hang', { entriesLost: final.filter((e) => e.state !== 'ok').length });
  }, 120_000);
});
