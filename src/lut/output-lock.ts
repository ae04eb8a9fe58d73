// One writer per output. A measuring run holds `<lut>.lock` from before it reads the journal until it
// has written the LUT (or stopped): without it, a second run on the same table would measure at the
// same time and the last to finish would win, or `--restart` would delete the other run's journal.
//
// The lock file is created with O_CREAT|O_EXCL (exactly one process can create it) and holds the
// holder's pid, host and start time. A lock whose holder is gone is taken over, with a note:
//   - same host: the pid no longer runs, or it is another process now (its start time differs), or
//     the machine has restarted since (another boot id);
//   - another host (a folder shared over the network): its holder has not refreshed the lock for
//     LOCK_STALE_MS (a live holder touches it every HEARTBEAT_MS), or the user says it is gone with
//     `--break-lock`.
// Otherwise the run stops with LockedError (exit 9) naming the holder. The lock is released on every
// way out: normally, on an error, on Ctrl-C/SIGTERM (the run unwinds), and on process.exit (a second
// Ctrl-C); only a SIGKILL or a power cut leaves it, and the next run takes it over as above.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { asDiskFull, writeAll } from '../atomic-write.js';
import { errorMessage, LockedError, UsageError } from '../errors.js';

/** A lock from another host that has not been refreshed for this long is taken to be abandoned. */
export const LOCK_STALE_MS = 30 * 60_000;
/** How often a holder refreshes its lock's modification time. */
export const HEARTBEAT_MS = 60_000;
/** An unreadable lock (created, not yet written) younger than this belongs to a run that is starting. */
const UNREADABLE_GRACE_MS = 10_000;

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** What holds it, e.g. `bench blocks`. */
  command?: string;
  /** Linux: the kernel's boot id and the process's start time (clock ticks since boot), to tell pid reuse. */
  bootId?: string;
  procStart?: string;
}

export interface OutputLock {
  file: string;
  /**
   * Removes the lock (a second call does nothing). Never throws, as it runs on every way out; a lock
   * file that could not be removed is returned as a line for the caller to report (the next run
   * takes such a lock over once its holder is gone).
   */
  release(): string | undefined;
}

export interface LockOptions {
  command?: string;
  /** Take over a lock even when its holder cannot be shown to be gone (another host). */
  breakLock?: boolean;
  /** Told when a stale lock is taken over (and why). */
  onNote?: (text: string) => void;
}

export function lockPathFor(output: string): string {
  return `${output}.lock`;
}

const held = new Map<string, { text: string; timer: NodeJS.Timeout }>();
let exitHookInstalled = false;

/** Takes the lock on `output` or throws LockedError naming its live holder. */
export function acquireOutputLock(output: string, options: LockOptions = {}): OutputLock {
  const file = lockPathFor(output);
  const me = currentHolder(options.command);
  const text = `${JSON.stringify(me)}\n`;
  // A few turns: a stale lock removed here may be re-created by another run at the same moment.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, text)) return register(file, text);
    const found = readLock(file);
    if (found === undefined) continue; // Removed in the meantime: try again.
    const verdict = judge(found.holder, found.mtimeMs);
    if (verdict.live && !options.breakLock) {
      throw new LockedError(file, describeHolder(found.holder), verdict.hint ? { hint: verdict.hint } : undefined);
    }
    const why = verdict.live ? 'taken over with --break-lock' : `taken over: ${verdict.reason}`;
    const whose = found.holder ? `the lock of ${describeHolder(found.holder)}` : 'an unreadable lock';
    if (setAside(file, found.text)) options.onNote?.(`${file}: ${whose} ${why}`);
  }
  throw new LockedError(file, 'another run that keeps re-creating it');
}

/** Releases every lock this process holds (process exit). */
export function releaseAllOutputLocks(): void {
  // At exit there is no one left to tell: a lock left behind is taken over by the next run.
  for (const file of [...held.keys()]) release(file);
}

function tryCreate(file: string, text: string): boolean {
  let fd: number;
  try {
    makeFolders(dirname(file));
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw cannotWrite(error, file);
  }
  let written = false;
  try {
    writeAll(fd, text);
    fsyncSync(fd);
    written = true;
  } catch (error) {
    throw cannotWrite(error, file);
  } finally {
    closeSync(fd);
    // A lock without its holder would look like a run that is starting: leave none.
    if (!written) rmSync(file, { force: true });
  }
  return true;
}

/**
 * mkdir -p one level at a time: Node's recursive mkdir spins forever under /proc (ENOENT for a folder
 * whose parent exists), where a plain mkdir fails at once.
 */
function makeFolders(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeFolders(parent);
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function cannotWrite(error: unknown, file: string): unknown {
  const full = asDiskFull(error, file);
  if (full !== error) return full;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  return new UsageError(`cannot create ${file} (${code}): the output's folder must be writable`, {
    hint: 'give --out a file in a folder you can write to',
  });
}

function register(file: string, text: string): OutputLock {
  const timer = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // Removed by someone with --break-lock: release() then leaves their lock alone.
    }
  }, HEARTBEAT_MS);
  timer.unref();
  held.set(file, { text, timer });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', releaseAllOutputLocks);
  }
  return { file, release: () => release(file) };
}

function release(file: string): string | undefined {
  const mine = held.get(file);
  if (!mine) return undefined;
  clearInterval(mine.timer);
  held.delete(file);
  // Only our own lock: after a --break-lock elsewhere, the file may now be another run's.
  try {
    if (readFileSync(file, 'utf8') === mine.text) rmSync(file, { force: true });
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return `cannot remove the lock ${file} (${code ?? errorMessage(error)})`;
  }
}

interface FoundLock {
  text: string;
  holder: LockHolder | undefined;
  mtimeMs: number;
}

/** The lock's text and holder (undefined while it cannot be parsed); undefined when there is no lock. */
function readLock(file: string): FoundLock | undefined {
  try {
    const mtimeMs = statSync(file).mtimeMs;
    const text = readFileSync(file, 'utf8');
    return { text, holder: parseHolder(text), mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string' || typeof v.startedAt !== 'string') return undefined;
    return v as LockHolder;
  } catch {
    return undefined;
  }
}

interface Verdict {
  live: boolean;
  /** Why the holder is taken to be gone. */
  reason: string;
  hint?: string;
}

function judge(holder: LockHolder | undefined, mtimeMs: number): Verdict {
  const age = Date.now() - mtimeMs;
  if (!holder) {
    if (age < UNREADABLE_GRACE_MS) return { live: true, reason: '' };
    return { live: false, reason: `it is unreadable and ${minutes(age)} old` };
  }
  const me = currentHolder();
  if (holder.host !== me.host) {
    // Its pid means nothing here: only the heartbeat tells whether it still runs.
    if (age >= LOCK_STALE_MS) return { live: false, reason: `not refreshed for ${minutes(age)}` };
    const limit = minutes(LOCK_STALE_MS);
    const hint = `if that run is gone (its machine off), add --break-lock; a lock idle for ${limit} is taken over`;
    return { live: true, reason: '', hint };
  }
  if (holder.bootId && me.bootId && holder.bootId !== me.bootId) {
    return { live: false, reason: 'this machine has restarted since' };
  }
  if (!pidRuns(holder.pid)) return { live: false, reason: `pid ${holder.pid} is no longer running` };
  const start = processStart(holder.pid);
  if (holder.procStart && start && holder.procStart !== start) {
    return { live: false, reason: `pid ${holder.pid} is another process now` };
  }
  return { live: true, reason: '', hint: `to stop it: kill -INT ${holder.pid}; then --resume completes its table` };
}

/**
 * Moves a stale lock out of the way, unless another run replaced it since it was judged (then that
 * run's lock is put back). True when the stale lock was removed.
 */
function setAside(file: string, judged: string): boolean {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== judged) {
    try {
      linkSync(aside, file);
    } catch {
      // A third run holds it by now; theirs stays.
    }
  }
  rmSync(aside, { force: true });
  return moved === judged;
}

function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces). */
function processStart(pid: number | 'self'): string | undefined {
  const stat = readOptional(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function currentHolder(command?: string): LockHolder {
  const bootId = readOptional('/proc/sys/kernel/random/boot_id')?.trim();
  const procStart = processStart('self');
  return {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...(command ? { command } : {}),
    ...(bootId ? { bootId } : {}),
    ...(procStart ? { procStart } : {}),
  };
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'a run that is starting (its lock file is not written yet)';
  const what = holder.command ? `${holder.command}, ` : '';
  return `pid ${holder.pid} on ${holder.host} (${what}started ${holder.startedAt})`;
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? `${Math.round(ms / 1000)} s` : `${m} min`;
}
