// Programs run on this machine (the local transport, the SDK converters and viewers): real exit codes
// and signals, byte-exact output, and a timeout or an abort that ends the whole process tree, not
// only the program the harness started.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalTransport } from '../../src/transports/local.js';
import { runProcess } from '../../src/transports/process.js';
import { processAlive } from '../support/sshd.js';

const dir = mkdtempSync(join(tmpdir(), 'nsb-host-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A shell that starts two long sleeps in the background, prints their pids and waits on them. */
const TREE = ['sh', '-c', 'sleep 300 & echo "$!"; sleep 300 & echo "$!"; wait'];

function pidsOf(stdout: string): number[] {
  const pids = stdout
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
  expect(pids).toHaveLength(2);
  return pids;
}

async function goneWithin(pid: number, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return !processAlive(pid);
}

describe('host processes', () => {
  it('returns real exit codes and keeps stdout and stderr apart, untrimmed', async () => {
    const argv = ['sh', '-c', 'printf "  lead\\n\\ntrail  "; printf " e1\\n  e2  \\n" >&2; exit 3'];
    const r = await runProcess(argv);
    expect(r).toMatchObject({ exitCode: 3, signal: undefined, timedOut: false });
    expect(r.stdout).toBe('  lead\n\ntrail  ');
    expect(r.stderr).toBe(' e1\n  e2  \n');
    expect(r.argv).toEqual(argv);
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it('runs in the folder and with the variables it is given, on top of this environment', async () => {
    const options = { cwd: dir, env: { NSB_ONE: 'a b' } };
    const r = await runProcess(['sh', '-c', 'pwd; echo "$NSB_ONE"; echo "$PATH"'], options);
    expect(r.stdout).toBe(`${dir}\na b\n${process.env['PATH']}\n`);
  });

  it('a program that is missing exits 127 and says why on stderr, as a shell would', async () => {
    const r = await runProcess(['nsb-no-such-tool', '--flag']);
    expect(r).toMatchObject({ exitCode: 127, signal: undefined, timedOut: false });
    expect(r.stderr).toMatch(/nsb-no-such-tool ENOENT/);
    const notExecutable = await runProcess([join(dir, '.')]);
    expect(notExecutable.exitCode).toBe(126);
  });

  it('a crash by a signal names the signal and is neither a timeout nor a stop', async () => {
    const r = await runProcess(['sh', '-c', 'echo before; kill -SEGV $$']);
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGSEGV', timedOut: false, stdout: 'before\n' });
  });

  it('a timeout kills the program and everything it started, and returns at once', async () => {
    const started = Date.now();
    const r = await runProcess(TREE, { timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true });
    for (const pid of pidsOf(r.stdout)) expect(await goneWithin(pid), `sleep ${pid} still runs`).toBe(true);
  });

  it('an abort (Ctrl-C) kills the whole tree too and is not a timeout', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const r = await new LocalTransport().exec(TREE, { signal: controller.signal, timeoutMs: 60_000 });
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false });
    for (const pid of pidsOf(r.stdout)) expect(await goneWithin(pid), `sleep ${pid} still runs`).toBe(true);
  });

  it('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const marker = join(dir, 'started');
    const r = await runProcess(['sh', '-c', 'touch "$1"', 'sh', marker], { signal: controller.signal });
    expect(r).toMatchObject({ exitCode: null, signal: undefined, timedOut: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(marker)).toBe(false);
  });

  it('a command that ends before its timeout keeps its exit code', async () => {
    const r = await runProcess(['sh', '-c', 'exit 0'], { timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 0, signal: undefined, timedOut: false });
  });
});
