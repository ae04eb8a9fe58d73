// The long-lived command shell over a real OpenSSH sshd: what a command prints comes back byte-exact
// whatever it holds (the shell's own sentinel and frame headers, every byte value, no final newline,
// megabytes), a command cannot read the requests meant for the shell, a timeout kills the command's
// whole process tree and leaves the shell in use, and a shell that dies is replaced.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { buildCommandLine } from '../../src/transports/quote.js';
import { SshConnection } from '../../src/transports/ssh/connection.js';
import { createSshTransport, type SshTransport } from '../../src/transports/ssh/index.js';
import { RemoteShell } from '../../src/transports/ssh/remote-shell.js';
import { processAlive, startSshd, type TestSshd } from '../support/sshd.js';

let sshd: TestSshd;
let transport: SshTransport;
let conn: SshConnection;

beforeAll(async () => {
  sshd = await startSshd();
  transport = await createSshTransport(sshd.transportSpec, { profile: 'shell-test' });
  conn = new SshConnection(sshd.transportSpec, { profile: 'shell-test' });
});

afterAll(async () => {
  await transport?.close();
  await conn?.close();
  await sshd?.stop();
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Live processes running `sleep 300` that this test's sshd started (read from /proc). */
function sleepersOfThisSshd(): number[] {
  const table = new Map<number, { parent: number; cmd: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      table.set(Number(name), { parent, cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8') });
    } catch {
      // Ended meanwhile.
    }
  }
  const config = join(sshd.dir, 'sshd_config');
  const fromThisSshd = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = table.get(p)?.parent ?? 0, hops++) {
      if (table.get(p)?.cmd.includes(config)) return true;
    }
    return false;
  };
  return [...table]
    .filter(([pid, { cmd }]) => cmd === ['sleep', '300', ''].join('\0') && fromThisSshd(pid) && processAlive(pid))
    .map(([pid]) => pid);
}

/** The nearest ancestor of `pid` whose command line matches `name` (read from /proc). */
function ancestor(pid: number, name: RegExp): number | undefined {
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (name.test(readFileSync(`/proc/${p}/cmdline`, 'utf8'))) return p;
  }
  return undefined;
}

/** The pid a command wrote to `file`, once it has written all of it. */
async function readPid(file: string): Promise<number> {
  const written = () => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n');
  for (let i = 0; i < 200 && !written(); i++) await new Promise((r) => setTimeout(r, 25));
  return Number(readFileSync(file, 'utf8').trim());
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return check();
}

describe('the command shell', () => {
  it('returns output holding its own sentinel and frame headers as plain bytes, and goes on', async () => {
    const shell = await RemoteShell.start(conn);
    try {
      const s = shell.sentinel;
      // The first command is number 1: a forged end of it, a forged pid and a forged second command.
      const forged = `${s} X 1 0 0 0\n${s} P 1 1\n${s} ready none /\n${s} X 2 0 3 0\nabc`;
      const line = buildCommandLine(['sh', '-c', 'printf %s "$1"; printf %s "$1" >&2; exit 4', 'sh', forged]);
      const first = await shell.run(line).done;
      expect(first.status).toBe(4);
      expect(first.stdout.toString()).toBe(forged);
      expect(first.stderr.toString()).toBe(forged);
      const next = await shell.run(buildCommandLine(['echo', 'next'])).done;
      expect(next).toEqual({ status: 0, stdout: Buffer.from('next\n'), stderr: Buffer.alloc(0) });
    } finally {
      shell.close();
    }
  });

  it('passes every byte value and megabytes of random bytes exactly', async () => {
    const shell = await RemoteShell.start(conn);
    try {
      const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
      const file = join(sshd.dir, 'bytes.bin');
      writeFileSync(file, bytes);
      const all = await shell.run(buildCommandLine(['sh', '-c', 'cat "$1"; cat "$1" >&2', 'sh', file])).done;
      expect(all.stdout.equals(bytes)).toBe(true);
      expect(all.stderr.equals(bytes)).toBe(true);
      const big = join(sshd.dir, 'random.bin');
      const random = await shell.run(
        buildCommandLine(['sh', '-c', 'head -c 16777216 /dev/urandom | tee "$1"', 'sh', big]),
      ).done;
      expect(random.stdout.length).toBe(16 << 20);
      expect(sha256(random.stdout)).toBe(sha256(readFileSync(big)));
    } finally {
      shell.close();
    }
    // Through the transport the same bytes arrive as their UTF-8 reading, whatever they are.
    const text = await transport.exec(['cat', join(sshd.dir, 'bytes.bin')]);
    expect(text.stdout).toBe(readFileSync(join(sshd.dir, 'bytes.bin')).toString('utf8'));
  });

  it('keeps output without a final newline, stderr alone, exit codes and deaths by signal', async () => {
    expect(await transport.exec(['printf', 'no newline'])).toMatchObject({
      exitCode: 0,
      stdout: 'no newline',
      stderr: '',
    });
    expect(await transport.exec(['sh', '-c', 'printf "only err" >&2'])).toMatchObject({
      exitCode: 0,
      stdout: '',
      stderr: 'only err',
    });
    expect(await transport.exec(['sh', '-c', 'echo out; exit 42'])).toMatchObject({
      exitCode: 42,
      stdout: 'out\n',
      timedOut: false,
    });
    // A shell reports a death by signal n as 128 + n.
    expect(await transport.exec(['sh', '-c', 'kill -KILL $$'])).toMatchObject({ exitCode: 137, timedOut: false });
    expect(await transport.exec(['sh', '-c', 'kill -SEGV $$'])).toMatchObject({ exitCode: 139, timedOut: false });
    expect(await transport.exec(['true'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('gives commands no input, so one that reads cannot eat the requests after it', async () => {
    expect(await transport.exec(['cat'])).toMatchObject({ exitCode: 0, stdout: '' });
    const read = await transport.exec(['sh', '-c', 'if read line; then echo "read [$line]"; else echo nothing; fi']);
    expect(read.stdout).toBe('nothing\n');
    expect((await transport.exec(['echo', 'still here'])).stdout).toBe('still here\n');
  });

  it('a process left writing after its command ended cannot corrupt the next results', async () => {
    const late = await transport.exec([
      'sh',
      '-c',
      '(i=0; while [ $i -lt 40 ]; do echo late; i=$((i+1)); sleep 0.02; done) & echo now',
    ]);
    expect(late.exitCode).toBe(0);
    expect(late.stdout.split('\n').filter((l) => l === 'now')).toHaveLength(1);
    expect(late.stdout).toMatch(/^((now|late)\n)+$/);
    for (let i = 0; i < 10; i++)
      expect(await transport.exec(['echo', String(i)])).toMatchObject({ stdout: `${i}\n`, stderr: '' });
  });

  it(
    'a timeout kills the whole tree of sh -c "sleep 300 & sleep 300"; ' + 'the same shell runs the next command',
    async () => {
      await transport.exec(['true']);
      const sessions = transport.stats().channels;
      const run = transport.exec(['sh', '-c', 'sleep 300 & sleep 300'], { timeoutMs: 1_500 });
      expect(await until(() => sleepersOfThisSshd().length === 2, 5_000)).toBe(true);
      const sleepers = sleepersOfThisSshd();
      const r = await run;
      expect(r).toMatchObject({ exitCode: null, timedOut: true });
      expect(await until(() => sleepers.every((pid) => !processAlive(pid)), 5_000)).toBe(true);
      expect(await transport.exec(['echo', 'after'])).toMatchObject({ exitCode: 0, stdout: 'after\n' });
      // One session for the kill, none for a new shell.
      expect(transport.stats().channels - sessions).toBe(1);
    },
  );

  it('runs commands of parallel callers at the same time, a shell each, and reuses them', async () => {
    const meeting = join(sshd.dir, 'meeting');
    mkdirSync(meeting);
    // Each command waits (up to 10 s) until all three have arrived: they meet only if they run at once.
    const script =
      'touch "$1/$2"; i=0; while [ "$(ls "$1" | wc -l)" -lt 3 ] && [ ' +
      '$i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; ls "$1" | wc -l';
    const met = await Promise.all(['a', 'b', 'c'].map((n) => transport.exec(['sh', '-c', script, 'sh', meeting, n])));
    expect(met.map((r) => r.stdout.trim())).toEqual(['3', '3', '3']);
    const sessions = transport.stats().channels;
    await Promise.all(Array.from({ length: 3 }, () => transport.exec(['sh', '-c', 'sleep 0.2'])));
    for (let i = 0; i < 5; i++) await transport.exec(['true']);
    expect(transport.stats().channels).toBe(sessions);
  });

  it('a shell killed under its command fails that command with a DeviceError; the next gets a new shell', async () => {
    // The shell is the nearest ancestor whose command line is just `sh` (started as `exec sh`).
    const killShell =
      'p=$PPID; while [ "$(ps -o args= -p "$p")" != sh ]; do p=$(ps ' +
      '-o ppid= -p "$p" | tr -d " "); done; kill -KILL "$p"; sleep 2';
    const failed = await transport.exec(['sh', '-c', killShell]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(DeviceError);
    expect((failed as DeviceError).message).toMatch(/ended sh -c .* without an exit status/);
    expect(await transport.exec(['echo', 'fresh'])).toMatchObject({ exitCode: 0, stdout: 'fresh\n' });
    expect(transport.stats()).toMatchObject({ connects: 1, drops: 0 });
  });

  it('a dropped connection ends the command on the device too; the next command reconnects', async () => {
    const pidFile = join(sshd.dir, 'dropped.pid');
    const run = transport.exec(['sh', '-c', 'sleep 300 & echo $! > "$1"; wait', 'sh', pidFile]);
    const failed = run.then(
      () => undefined,
      (e: unknown) => e,
    );
    const sleeper = await readPid(pidFile);
    // The connection's sshd process: killing it drops this connection only, sshd stays up.
    const session = ancestor(sleeper, /^sshd: \S+@notty/);
    expect(session).toBeDefined();
    process.kill(session!, 'SIGKILL');
    const error = await failed;
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).message).toMatch(/connection to .* dropped.* while running sh -c/);
    // The shell's input ended with the connection: it killed the command's process group.
    expect(await until(() => !processAlive(sleeper), 5_000)).toBe(true);
    expect(await transport.exec(['echo', 'back'])).toMatchObject({ exitCode: 0, stdout: 'back\n' });
    expect(transport.stats()).toMatchObject({ connects: 2, drops: 1 });
  });

  it('removes its private folder when it ends', async () => {
    const own = new SshConnection(sshd.transportSpec, { profile: 'shell-test' });
    const shell = await RemoteShell.start(own);
    expect(shell.method).toBe('setsid');
    expect(existsSync(shell.folder)).toBe(true);
    await shell.run(buildCommandLine(['echo', 'x'])).done;
    shell.close();
    expect(await until(() => !existsSync(shell.folder), 5_000)).toBe(true);
    await own.close();
  });

  it("keeps its output folder inside the transport's work folder, and removes it when it ends", async () => {
    const work = join(sshd.dir, 'shell-work');
    const inWork = await createSshTransport(sshd.transportSpec, { profile: 'shell-test', workDir: work });
    try {
      const seen = await inWork.exec(['sh', '-c', 'ls -A "$1"', 'sh', join(work, '.shell')]);
      expect(seen.exitCode).toBe(0);
      const folders = seen.stdout.split('\n').filter((n) => n !== '');
      expect(folders).toHaveLength(1);
      expect(existsSync(join(work, '.shell', folders[0]!))).toBe(true);
      await inWork.close();
      // The last shell out removes `.shell` itself: nothing of the harness stays in the work folder.
      expect(await until(() => !existsSync(join(work, '.shell')), 5_000)).toBe(true);
    } finally {
      await inWork.close();
    }
  });
});
