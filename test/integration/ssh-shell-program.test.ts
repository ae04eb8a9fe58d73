// The command shell's program under the shells it meets as /bin/sh: dash with setsid (Debian, the
// sshd test bed), bash with job control and no setsid (macOS, whose /bin/sh is bash), and dash with
// neither. Each runs here as a plain process fed the program on stdin, as sshd would start it, with
// a PATH that holds only the tools the program uses (so setsid is there or not, on purpose).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCommandLine } from '../../src/transports/quote.js';
import { ShellFrameReader, type ShellFrame } from '../../src/transports/ssh/shell-frames.js';
import { requestLine, shellProgram } from '../../src/transports/ssh/shell-program.js';
import { tempDir } from '../support/cli.js';
import { processAlive } from '../support/sshd.js';

const root = tempDir('nsb-shell-program-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tools = ['cat', 'wc', 'head', 'rm', 'mkdir', 'rmdir', 'sleep', 'ps', 'printf'];

/** A folder with `sh` -> `shell` and the tools the program and these tests use; setsid only if asked. */
function binFolder(name: string, shell: string, setsid: boolean): string {
  const bin = join(root, name, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(shell, join(bin, 'sh'));
  for (const tool of [...tools, ...(setsid ? ['setsid'] : [])]) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
  return bin;
}

class LocalShell {
  private readonly frames: ShellFrame[] = [];
  private wake: (() => void) | undefined;
  readonly child: ChildProcessWithoutNullStreams;

  /** Starts in `home`, as sshd starts a shell in the login folder; `workDir` as the transport gives it. */
  constructor(bin: string, home: string, workDir?: string) {
    const sentinel = `nsb-${randomBytes(12).toString('hex')}`;
    const reader = new ShellFrameReader(sentinel);
    this.child = spawn(join(bin, 'sh'), [], { cwd: home, env: { PATH: bin, HOME: home, TMPDIR: home } });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.frames.push(...reader.push(chunk));
      this.wake?.();
    });
    this.child.stdin.write(shellProgram(sentinel, 'test', workDir));
  }

  async next(): Promise<ShellFrame> {
    const deadline = Date.now() + 10_000;
    while (this.frames.length === 0) {
      if (Date.now() > deadline) throw new Error('no frame from the shell within 10 s');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.frames.shift()!;
  }

  send(id: number, argv: string[]): void {
    this.child.stdin.write(requestLine(id, buildCommandLine(argv)));
  }

  end(): void {
    this.child.stdin.end();
  }
}

/** Process group of `pid`, from /proc. */
function groupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Live processes of process group `group`. */
function members(group: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => {
      try {
        return processAlive(pid) && groupOf(pid) === group;
      } catch {
        return false;
      }
    });
}

const cases = [
  { name: 'dash with setsid', shell: '/usr/bin/dash', setsid: true, method: 'setsid' },
  { name: 'bash as sh, no setsid (macOS)', shell: '/usr/bin/bash', setsid: false, method: 'jobs' },
  { name: 'dash without setsid', shell: '/usr/bin/dash', setsid: false, method: 'none' },
];

describe.each(cases)('the command shell under $name', ({ name, shell, setsid, method }) => {
  it('starts, frames output exactly, and removes its folder when its input ends', async () => {
    const home = join(root, name, 'home');
    mkdirSync(home, { recursive: true });
    const sh = new LocalShell(binFolder(name, shell, setsid), home);
    const ready = await sh.next();
    expect(ready).toMatchObject({ kind: 'ready', method });
    sh.send(1, ['sh', '-c', 'printf "out"; printf "err\\n" >&2; exit 5']);
    expect(await sh.next()).toMatchObject({ kind: 'pid', id: 1 });
    expect(await sh.next()).toEqual({
      kind: 'exit',
      id: 1,
      status: 5,
      stdout: Buffer.from('out'),
      stderr: Buffer.from('err\n'),
    });
    sh.send(2, ['sh', '-c', 'cat; printf "%s" "$1"', 'sh', "it's"]);
    await sh.next();
    expect(await sh.next()).toEqual({
      kind: 'exit',
      id: 2,
      status: 0,
      stdout: Buffer.from("it's"),
      stderr: Buffer.alloc(0),
    });
    const folder = (ready as { folder: string }).folder;
    expect(existsSync(folder)).toBe(true);
    sh.end();
    await new Promise((resolve) => sh.child.once('exit', resolve));
    expect(existsSync(folder)).toBe(false);
  });

  it('keeps its output inside a relative work folder, made at start, and removes its folder at the end', async () => {
    const home = join(root, `${name}-work`, 'home');
    mkdirSync(home, { recursive: true });
    const sh = new LocalShell(binFolder(`${name}-work`, shell, setsid), home, "work dir/it's");
    const ready = await sh.next();
    expect(ready).toMatchObject({ kind: 'ready', method });
    const folder = (ready as { folder: string }).folder;
    expect(folder.startsWith(join(home, "work dir/it's", '.shell') + '/')).toBe(true);
    // A command that changes folder still writes its output where the shell reads it.
    sh.send(1, ['sh', '-c', 'cd / && printf "%s" "$1"', 'sh', 'moved']);
    await sh.next();
    expect(await sh.next()).toMatchObject({ kind: 'exit', id: 1, status: 0, stdout: Buffer.from('moved') });
    sh.end();
    await new Promise((resolve) => sh.child.once('exit', resolve));
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(join(home, "work dir/it's", '.shell'))).toBe(false);
    expect(existsSync(join(home, "work dir/it's"))).toBe(true);
  });

  it('fails to start, naming the folder, when the work folder cannot be written', async () => {
    const home = join(root, `${name}-locked`, 'home');
    mkdirSync(home, { recursive: true });
    // A file where the work folder's parent should be: nothing can be made there, not even by root.
    writeFileSync(join(home, 'locked'), '');
    const sh = new LocalShell(binFolder(`${name}-locked`, shell, setsid), home, 'locked/work');
    const frame = await sh.next();
    expect(frame).toMatchObject({ kind: 'fail' });
    // The folder, a tab, then mkdir's own error on one line.
    const reason = (frame as { reason: string }).reason;
    expect(reason.startsWith(`workdir ${join(home, 'locked/work/.shell')}\t`), reason).toBe(true);
    expect(reason).toMatch(/Not a directory$/);
    await new Promise((resolve) => sh.child.once('exit', resolve));
    // Nothing was made elsewhere instead.
    expect(readdirSync(home)).toEqual(['locked']);
  });

  it('answers hundreds of quick commands in a row, each with its own output', async () => {
    const home = join(root, `${name}-quick`, 'home');
    mkdirSync(home, { recursive: true });
    const sh = new LocalShell(binFolder(`${name}-quick`, shell, setsid), home);
    await sh.next();
    // A command that ends at once races the shell's clean-up of its watcher: none may disturb the next.
    for (let id = 1; id <= 200; id++) {
      sh.send(
        id,
        id % 2 ? ['sh', '-c', 'cd /nonexistent-nsb 2>/dev/null || printf "%s" "$1"', 'sh', String(id)] : ['true'],
      );
      expect(await sh.next()).toMatchObject({ kind: 'pid', id });
      const stdout = Buffer.from(id % 2 ? String(id) : '');
      expect(await sh.next()).toEqual({ kind: 'exit', id, status: 0, stdout, stderr: Buffer.alloc(0) });
    }
    sh.end();
  });

  it.skipIf(method === 'none')(
    'runs each command as the leader of its own process group: one signal ends its tree',
    async () => {
      const home = join(root, `${name}-group`, 'home');
      mkdirSync(home, { recursive: true });
      const sh = new LocalShell(binFolder(`${name}-group`, shell, setsid), home);
      await sh.next();
      sh.send(1, ['sh', '-c', 'sleep 300 & sleep 300']);
      const started = await sh.next();
      expect(started).toMatchObject({ kind: 'pid', id: 1 });
      const leader = (started as { pid: number }).pid;
      // The wrapper, `sh -c` and both sleeps, once all have started (the shell says the pid at once).
      for (let i = 0; i < 100 && members(leader).length < 4; i++) await new Promise((r) => setTimeout(r, 20));
      const tree = members(leader);
      expect(tree).toHaveLength(4);
      expect(groupOf(leader)).toBe(leader);
      expect(groupOf(sh.child.pid!)).not.toBe(leader);
      process.kill(-leader, 'SIGTERM');
      expect(await sh.next()).toMatchObject({ kind: 'exit', id: 1, status: 143 });
      for (let i = 0; i < 100 && tree.some(processAlive); i++) await new Promise((r) => setTimeout(r, 20));
      expect(tree.filter(processAlive)).toEqual([]);
      // The shell itself lives on.
      sh.send(2, ['echo', 'next']);
      await sh.next();
      expect(await sh.next()).toMatchObject({ kind: 'exit', id: 2, status: 0, stdout: Buffer.from('next\n') });
      sh.end();
    },
  );
});
