// Running one command on the device through one of the connection's long-lived shells
// (remote-shell.ts), with its real exit code and its stdout and stderr kept apart and byte-exact
// (never trimmed; stderr output is not a failure).
//
// Killing on timeout or abort (both resolve with exitCode null; `timedOut` tells them apart): the
// shell starts every command in a process group of its own and says the group's id. A channel of its
// own then sends TERM, and KILL after 2 s, to that group (OpenSSH ignores most channel signals, and
// the shell is busy waiting for the command). The shell then reports the end as for any command and
// stays in use; a shell that does not report it is ended and the next command starts another.
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DeviceError } from '../../errors.js';
import { buildCommandLine } from '../quote.js';
import type { ExecOptions, ExecResult } from '../types.js';
import type { SshConnection } from './connection.js';
import type { RunningCommand, ShellExit } from './remote-shell.js';
import { killScript, scriptArgv } from './scripts.js';
import type { ShellLease, ShellPool } from './shell-pool.js';
import type { Ssh2Channel } from './ssh2.js';

/** How long a stop waits for the shell to say which process group to kill. */
const pidWaitMs = 2_000;
/** After the kill, how long to wait for the shell to report the command's end before giving up on it. */
const endGraceMs = 3_000;
/** The kill script takes up to ~2 s (TERM, wait, KILL); past this the connection is not answering. */
const killWaitMs = 8_000;

type Stop = 'timeout' | 'abort';

/** How a command ended: its exit frame, and whether it was stopped (then the frame may be missing). */
type Ending = { exit: ShellExit; stop: Stop | undefined } | { exit: undefined; stop: Stop };

/** The command's exit frame, or why the shell could not give one. */
type Done = { exit: ShellExit } | { gone: unknown };

/** A command as users see it in messages, cut to a readable length. */
export function describeCommand(argv: readonly string[]): string {
  const line = argv.length > 0 ? buildCommandLine(argv) : '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

export async function execOverSsh(
  conn: SshConnection,
  pool: ShellPool,
  argv: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const what = describeCommand(argv);
  const commandLine = buildCommandLine(argv, { cwd: options.cwd, env: options.env });
  // Like the local and adb transports, an abort is not an error: the result says the command was
  // stopped (exitCode null, timedOut false) and the caller, which owns the signal, knows why.
  const lease = options.signal?.aborted ? undefined : await leaseShell(pool, options.signal);
  if (!lease) return stoppedBeforeStart(argv);
  let usable = false;
  try {
    if (options.signal?.aborted) {
      usable = true;
      return stoppedBeforeStart(argv);
    }
    const started = performance.now();
    conn.stats.commands++;
    const ending = await watch(conn, pool, lease.shell.run(commandLine), options, what);
    usable = ending.exit !== undefined;
    return toResult(argv, ending, performance.now() - started);
  } finally {
    lease.release(usable);
  }
}

/** A shell, or undefined when the caller aborted while waiting for one. */
async function leaseShell(pool: ShellPool, signal: AbortSignal | undefined): Promise<ShellLease | undefined> {
  try {
    return await pool.lease(signal);
  } catch (error) {
    if (signal?.aborted) return undefined;
    throw error;
  }
}

function stoppedBeforeStart(argv: readonly string[]): ExecResult {
  return { argv: [...argv], exitCode: null, signal: undefined, stdout: '', stderr: '', durationMs: 0, timedOut: false };
}

/** Waits for the command's end, stopping it on timeout or abort; a lost connection is a DeviceError. */
async function watch(
  conn: SshConnection,
  pool: ShellPool,
  running: RunningCommand,
  options: ExecOptions,
  what: string,
): Promise<Ending> {
  const stop = stopTrigger(options);
  const drop = dropTrigger(conn, what);
  const done: Promise<Done> = running.done.then(
    (exit) => ({ exit }),
    (gone: unknown) => ({ gone }),
  );
  try {
    const first = await Promise.race([done, stop.reason, drop.dropped]);
    if (typeof first === 'string') {
      return await stopCommand(conn, pool, running, first, Promise.race([done, drop.dropped]));
    }
    if ('exit' in first) return { exit: first.exit, stop: undefined };
    throw await shellGoneError(conn, what, first.gone);
  } finally {
    stop.dispose();
    drop.dispose();
  }
}

/** Kills the command's process group and waits a little for the shell to report its end. */
async function stopCommand(
  conn: SshConnection,
  pool: ShellPool,
  running: RunningCommand,
  why: Stop,
  done: Promise<Done>,
): Promise<Ending> {
  const pid = await running.pid(pidWaitMs);
  if (pid !== undefined && conn.connected) await killGroup(conn, pool, pid);
  let grace: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<undefined>((resolve) => (grace = setTimeout(() => resolve(undefined), endGraceMs)));
  try {
    const after = await Promise.race([done, gaveUp]);
    // It may have ended on its own meanwhile; it was still stopped, as far as the caller knows.
    return after && 'exit' in after ? { exit: after.exit, stop: why } : { exit: undefined, stop: why };
  } finally {
    clearTimeout(grace);
  }
}

/** The shell's channel closed under a running command: closed by us, a dropped connection, or a dead shell. */
async function shellGoneError(conn: SshConnection, what: string, cause: unknown): Promise<DeviceError> {
  // The channel closes before the connection reports a drop: let it, then say which it was.
  await new Promise((resolve) => setImmediate(resolve));
  const { target } = conn;
  const why = conn.isClosed
    ? `the connection to ${target} was closed while running ${what}`
    : !conn.connected
      ? `connection to ${target} dropped while running ${what}`
      : `${target} ended ${what} without an exit status (its shell went away)`;
  return new DeviceError(conn.profile, why, { cause });
}

function toResult(argv: readonly string[], ending: Ending, durationMs: number): ExecResult {
  const { exit, stop } = ending;
  return {
    argv: [...argv],
    exitCode: stop !== undefined ? null : exit!.status,
    // A shell reports a signal death as 128 + n; only a stop is known to have been a signal.
    signal: stop !== undefined && exit ? signalName(exit.status) : undefined,
    stdout: exit?.stdout.toString('utf8') ?? '',
    stderr: exit?.stderr.toString('utf8') ?? '',
    durationMs,
    timedOut: stop === 'timeout',
  };
}

function signalName(status: number): string | undefined {
  if (status <= 128) return undefined;
  const found = Object.entries(constants.signals).find(([, number]) => number === status - 128);
  return found?.[0];
}

/** Settles with why the command must be stopped: its timeout ran out or the caller aborted. */
function stopTrigger(options: ExecOptions): { reason: Promise<Stop>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const reason = new Promise<Stop>((resolve) => {
    const { timeoutMs } = options;
    if (timeoutMs !== undefined && timeoutMs > 0) timer = setTimeout(() => resolve('timeout'), timeoutMs);
    if (options.signal) {
      onAbort = () => resolve('abort');
      options.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return {
    reason,
    dispose: () => {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Rejects with a DeviceError naming the command when the connection drops while it runs. */
function dropTrigger(conn: SshConnection, what: string): { dropped: Promise<never>; dispose(): void } {
  let unsubscribe = () => {};
  const dropped = new Promise<never>((_, reject) => {
    unsubscribe = conn.onDrop((error) => {
      const message = `${error.message.replace(/^device [^:]+: /, '')} while running ${what}`;
      reject(new DeviceError(conn.profile, message, { cause: error, hint: error.hint }));
    });
  });
  // Nobody may be listening any more when it fires late; the command's own error says enough.
  dropped.catch(() => {});
  return { dropped, dispose: () => unsubscribe() };
}

/** Runs the kill script for process group `pid` on a channel of its own and waits for it (bounded). */
async function killGroup(conn: SshConnection, pool: ShellPool, pid: number): Promise<void> {
  let giveUp: NodeJS.Timeout | undefined;
  await Promise.race([
    runKill(conn, pool, pid).catch(() => {
      // The connection is going away; the drop trigger reports it.
    }),
    // A connection that went silent cannot even open the kill channel: stop waiting after a while.
    new Promise((resolve) => (giveUp = setTimeout(resolve, killWaitMs))),
  ]);
  clearTimeout(giveUp);
}

async function runKill(conn: SshConnection, pool: ShellPool, pid: number): Promise<void> {
  const free = await pool.kills.acquire();
  try {
    const command = buildCommandLine(scriptArgv(killScript, [String(pid)]));
    const { channel } = await conn.openExec(command, { what: 'the kill of a stopped command' });
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        channel.close();
        resolve();
      }, 5_000);
      drain(channel);
      channel.on('close', () => {
        clearTimeout(t);
        resolve();
      });
      channel.end();
    });
  } finally {
    free();
  }
}

function drain(channel: Ssh2Channel): void {
  channel.on('data', () => {});
  channel.stderr.on('data', () => {});
  channel.on('error', () => {});
}
