// One writer per LUT (src/lut/output-lock.ts): the lock file's holder, a second writer refused with
// the holder named, stale locks taken over (dead pid, reused pid, another host's lock left idle,
// unreadable leftovers) with a note, --break-lock, release on every way out of a process, and several
// processes racing for one stale lock.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockedError } from '../../src/errors.js';
import { acquireOutputLock, LOCK_STALE_MS, lockPathFor, type OutputLock } from '../../src/lut/output-lock.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const lockModule = join(repoRoot, 'src', 'lut', 'output-lock.ts');

const taken: OutputLock[] = [];
afterEach(() => {
  for (const lock of taken.splice(0)) lock.release();
});

function output(): string {
  return join(mkdtempSync(join(tmpdir(), 'nsb-lock-')), 'device.lut.json');
}

function take(out: string, options: Parameters<typeof acquireOutputLock>[1] = {}): OutputLock {
  const lock = acquireOutputLock(out, options);
  taken.push(lock);
  return lock;
}

function refusal(fn: () => unknown): LockedError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LockedError);
    return error as LockedError;
  }
  throw new Error('expected a LockedError');
}

/** A pid that ran on this host and has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function writeLock(out: string, holder: Record<string, unknown>, ageMs = 0): void {
  const file = lockPathFor(out);
  writeFileSync(file, `${JSON.stringify({ startedAt: new Date(Date.now() - ageMs).toISOString(), ...holder })}\n`);
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
}

describe('the lock file', () => {
  it('is created beside the output with pid, host and start time, and removed on release', () => {
    const out = output();
    const lock = take(out, { command: 'bench blocks' });
    expect(lock.file).toBe(`${out}.lock`);
    const holder = JSON.parse(readFileSync(lock.file, 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), command: 'bench blocks' });
    expect(Date.now() - Date.parse(holder.startedAt)).toBeLessThan(5_000);
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    // Free again.
    take(out).release();
  });

  it('a second writer is refused with exit 9, naming the holder', () => {
    const out = output();
    take(out, { command: 'bench blocks' });
    const error = refusal(() => acquireOutputLock(out));
    expect(error.exitCode).toBe(9);
    const holderText = `pid ${process.pid} on ${hostname()} \\(bench blocks, started \\S+\\)`;
    expect(error.message).toMatch(new RegExp(`^${out}\\.lock is held by ${holderText}`));
    expect(error.hint).toContain(`kill -INT ${process.pid}`);
  });

  it('a folder that cannot be written to is a clear error, not a crash', () => {
    const error = (() => {
      try {
        acquireOutputLock('/proc/nsb-no-such/device.lut.json');
      } catch (e) {
        return e as Error & { exitCode?: number };
      }
    })();
    expect(error?.exitCode).toBe(3);
    expect(error?.message).toMatch(/^cannot create \/proc\/nsb-no-such\/device\.lut\.json\.lock \(E[A-Z]+\)/);
  });
});

describe('stale locks are taken over, with a note', () => {
  it('same host, a pid that no longer runs', () => {
    const out = output();
    const pid = deadPid();
    writeLock(out, { pid, host: hostname(), command: 'bench blocks' });
    const notes: string[] = [];
    take(out, { onNote: (n) => notes.push(n) });
    expect(JSON.parse(readFileSync(lockPathFor(out), 'utf8')).pid).toBe(process.pid);
    const note = new RegExp(`lock of pid ${pid} on ${hostname()} .* taken over: pid ${pid} is no longer running$`);
    expect(notes).toEqual([expect.stringMatching(note)]);
  });

  it('same host, a pid that runs but is another process now (pid reuse)', () => {
    const out = output();
    writeLock(out, { pid: process.pid, host: hostname(), procStart: '1' });
    const notes: string[] = [];
    take(out, { onNote: (n) => notes.push(n) });
    expect(notes).toEqual([expect.stringMatching(/is another process now$/)]);
  });

  it('same host before a restart (another boot id)', () => {
    const out = output();
    writeLock(out, { pid: process.pid, host: hostname(), bootId: 'an-earlier-boot' });
    const notes: string[] = [];
    take(out, { onNote: (n) => notes.push(n) });
    expect(notes).toEqual([expect.stringMatching(/this machine has restarted since$/)]);
  });

  it('another host: refused while it is refreshed, taken over once idle for the limit or with --break-lock', () => {
    const out = output();
    writeLock(out, { pid: 4242, host: 'lab-runner-7' }, 60_000);
    const error = refusal(() => acquireOutputLock(out));
    expect(error.message).toMatch(/is held by pid 4242 on lab-runner-7 \(started /);
    expect(error.hint).toMatch(/--break-lock; a lock idle for 30 min is taken over/);

    const notes: string[] = [];
    take(out, { breakLock: true, onNote: (n) => notes.push(n) }).release();
    expect(notes).toEqual([expect.stringMatching(/pid 4242 on lab-runner-7 .* taken over with --break-lock$/)]);

    writeLock(out, { pid: 4242, host: 'lab-runner-7' }, LOCK_STALE_MS + 60_000);
    notes.length = 0;
    take(out, { onNote: (n) => notes.push(n) });
    expect(notes).toEqual([expect.stringMatching(/taken over: not refreshed for 31 min$/)]);
  });

  it('an unreadable lock: a run that is starting while fresh, a leftover once old', () => {
    const out = output();
    writeFileSync(lockPathFor(out), '');
    expect(refusal(() => acquireOutputLock(out)).message).toMatch(/held by a run that is starting/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPathFor(out), old, old);
    const notes: string[] = [];
    take(out, { onNote: (n) => notes.push(n) });
    expect(notes).toEqual([expect.stringMatching(/an unreadable lock taken over: it is unreadable and 1 min old$/)]);
  });

  it('a live holder on this host is never taken to be stale', () => {
    const out = output();
    writeLock(out, { pid: process.pid, host: hostname() }, LOCK_STALE_MS * 10);
    expect(refusal(() => acquireOutputLock(out)).message).toContain(`pid ${process.pid} on ${hostname()}`);
  });

  it('release leaves alone a lock that another run has taken over since', () => {
    const out = output();
    const lock = take(out);
    writeLock(out, { pid: 4242, host: 'lab-runner-7' });
    lock.release();
    expect(JSON.parse(readFileSync(lockPathFor(out), 'utf8')).host).toBe('lab-runner-7');
  });
});

/** Runs a small program that does `before`, takes the lock on `out`, then does `then` (statements). */
function holder(out: string, then: string, before = '') {
  const program = `import { acquireOutputLock } from ${JSON.stringify(lockModule)};
import { existsSync } from 'node:fs';
${before}
try {
  acquireOutputLock(${JSON.stringify(out)}, { onNote: (n) => console.log('NOTE ' + n) });
  console.log('LOCKED');
} catch (e) {
  console.log('REFUSED ' + e.message);
  process.exit(9);
}
${then}`;
  const dir = mkdtempSync(join(tmpdir(), 'nsb-lock-holder-'));
  const script = join(dir, 'hold.mts');
  writeFileSync(script, program);
  const options = { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  const child = spawn(process.execPath, ['--import', 'tsx', script], options);
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, done, stdout: () => stdout };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('every way out of a process', () => {
  it.each([
    ['process.exit (a second Ctrl-C)', 'process.exit(130);', undefined],
    ['an uncaught error', "setTimeout(() => { throw new Error('boom'); }, 10);", undefined],
    ['SIGTERM handled', "process.on('SIGTERM', () => process.exit(130)); setInterval(() => {}, 1000);", 'SIGTERM'],
  ] as const)('releases the lock: %s', async (_name, then, signal) => {
    const out = output();
    const h = holder(out, then);
    await until(() => h.stdout().includes('LOCKED') || h.child.exitCode !== null, 'the lock');
    if (signal) {
      expect(existsSync(lockPathFor(out))).toBe(true);
      h.child.kill(signal);
    }
    await h.done;
    // Node runs 'exit' listeners on process.exit and uncaught errors. A signal without a handler ends
    // a process outright; the CLI handles SIGINT and SIGTERM (src/cli/main.ts), tested in test/faults/.
    expect(existsSync(lockPathFor(out))).toBe(false);
  });

  it('SIGKILL leaves the lock; the next run takes it over with a note', async () => {
    const out = output();
    const h = holder(out, 'setInterval(() => {}, 1000);');
    await until(() => h.stdout().includes('LOCKED'), 'the lock');
    const pid = h.child.pid!;
    h.child.kill('SIGKILL');
    await h.done;
    expect(JSON.parse(readFileSync(lockPathFor(out), 'utf8')).pid).toBe(pid);
    const notes: string[] = [];
    take(out, { onNote: (n) => notes.push(n) });
    expect(notes).toEqual([expect.stringMatching(new RegExp(`pid ${pid} is no longer running$`))]);
  });

  it('processes racing for one stale lock: exactly one gets it', async () => {
    const out = output();
    writeLock(out, { pid: deadPid(), host: hostname() });
    // All start loading, then try at the same moment (when the go file appears); the winner holds on.
    const go = join(out, '..', 'go');
    const wait = `while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));`;
    const racers = Array.from({ length: 4 }, () => holder(out, 'setTimeout(() => process.exit(0), 1500);', wait));
    await new Promise((r) => setTimeout(r, 2_500));
    writeFileSync(go, '');
    const results = await Promise.all(racers.map((r) => r.done.then(() => r.stdout())));
    expect(results.filter((s) => s.includes('LOCKED'))).toHaveLength(1);
    expect(results.filter((s) => s.includes('REFUSED'))).toHaveLength(3);
    expect(results.filter((s) => s.includes('NOTE')).length).toBeGreaterThanOrEqual(1);
    // The winner released it; nothing set aside is left behind.
    expect(readdirSync(join(out, '..'))).toEqual(['go']);
  }, 30_000);
});
