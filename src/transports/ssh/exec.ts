// Running one command over the kept connection, with its real exit code and its stdout and stderr
// kept apart and byte-exact (never trimmed; stderr output is not a failure).
//
// Killing on timeout or abort (both resolve with exitCode null; `timedOut` tells them apart): OpenSSH ignores most channel signals, so the command runs as
// `exec sh -c '<print $$ to stderr>; eval "<cmd>"'`. sshd starts each session in its own session
// and process group, and `exec` keeps the pid, so the printed pid is the group id of everything the
// command started. A second channel then sends TERM, and KILL after 2 s, to that group.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DeviceError } from '../../errors.js';
import { buildCommandLine } from '../quote.js';
import type { ExecOptions, ExecResult } from '../types.js';
import type { SshConnection } from './connection.js';
import { killScript, scriptArgv } from './scripts.js';
import type { Ssh2Channel } from './ssh2.js';

/** `$1` is the pid marker, `$2` the command line built by buildCommandLine. */
const wrapperScript = `printf '%s%s\\n' "$1" "$$" >&2; eval "$2"`;

/** How long to wait for a killed command's channel to close before giving up on it. */
const closeGraceMs = 3_000;
/** The kill script takes up to ~2 s (TERM, wait, KILL); past this the connection is not answering. */
const killWaitMs = 8_000;

/** A command as users see it in messages, cut to a readable length. */
export function describeCommand(argv: readonly string[]): string {
  const line = argv.length > 0 ? buildCommandLine(argv) : '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** ssh2 names the signal of an exit-signal message as the protocol does (`KILL`); Node says `SIGKILL`. */
function signalName(signal: string | undefined): string | undefined {
  if (!signal) return undefined;
  return signal.startsWith('SIG') ? signal : `SIG${signal}`;
}

function signalExitCode(signal: string | undefined): number | null {
  const name = signalName(signal);
  if (name === undefined) return null;
  const number = (constants.signals as Record<string, number | undefined>)[name];
  return number === undefined ? null : 128 + number;
}

/** Finds and removes the pid marker line from the start of stderr (shell start-up files may print first). */
function splitMarker(stderr: Buffer, marker: string): { pid: string | undefined; rest: Buffer } {
  const text = stderr.toString('latin1');
  const at = text.indexOf(marker);
  if (at < 0) return { pid: undefined, rest: stderr };
  const end = text.indexOf('\n', at);
  if (end < 0) return { pid: undefined, rest: stderr };
  const pid = text.slice(at + marker.length, end);
  return { pid: /^\d+$/.test(pid) ? pid : undefined, rest: Buffer.concat([stderr.subarray(0, at), stderr.subarray(end + 1)]) };
}

export async function execOverSsh(conn: SshConnection, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const what = describeCommand(argv);
  const { signal, timeoutMs } = options;
  // Like the local and adb transports, an abort is not an error: the result says the command was
  // stopped (exitCode null, timedOut false) and the caller, which owns the signal, knows why.
  const stopped = (): ExecResult => ({ argv: [...argv], exitCode: null, signal: undefined, stdout: '', stderr: '', durationMs: 0, timedOut: false });
  if (signal?.aborted) return stopped();
  const marker = `__nsb_pid_${randomBytes(8).toString('hex')}:`;
  const inner = buildCommandLine(argv, { cwd: options.cwd, env: options.env });
  const remote = buildCommandLine(['exec', 'sh', '-c', wrapperScript, 'sh', marker, inner]);

  const started = performance.now();
  let opened: Awaited<ReturnType<SshConnection['openExec']>>;
  try {
    opened = await conn.openExec(remote, { signal, what });
  } catch (error) {
    if (signal?.aborted) return stopped();
    throw error;
  }
  const { channel, release } = opened;

  return new Promise<ExecResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let pid: string | undefined;
    let pidWaiters: ((pid: string | undefined) => void)[] = [];
    let exit: { code: number | null; signal: string | undefined } | undefined;
    let timedOut = false;
    let aborted = false;
    let killing: Promise<void> | undefined;
    let settled = false;

    const finish = (outcome: { error: Error } | { killed: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      unsubscribeDrop();
      release();
      if ('error' in outcome) {
        channel.destroy();
        reject(outcome.error);
        return;
      }
      const { rest } = splitMarker(Buffer.concat(stderr), marker);
      let exitCode: number | null = null;
      if (!outcome.killed && exit) exitCode = exit.code ?? signalExitCode(exit.signal);
      resolve({
        argv: [...argv],
        exitCode,
        signal: signalName(exit?.signal),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: rest.toString('utf8'),
        durationMs: performance.now() - started,
        timedOut,
      });
    };

    const waitForPid = (ms: number) =>
      new Promise<string | undefined>((resolvePid) => {
        if (pid !== undefined) return resolvePid(pid);
        const t = setTimeout(() => resolvePid(undefined), ms);
        pidWaiters.push((p) => {
          clearTimeout(t);
          resolvePid(p);
        });
      });

    /** The outcome once the channel closed (or a killed command's channel never did). */
    function settle() {
      if (aborted || timedOut) {
        finish({ killed: true });
      } else if (exit) {
        finish({ killed: false });
      } else if (conn.isClosed) {
        finish({ error: new DeviceError(conn.profile, `the connection to ${conn.target} was closed while running ${what}`) });
      } else if (!conn.connected) {
        finish({ error: new DeviceError(conn.profile, `connection to ${conn.target} dropped while running ${what}`) });
      } else {
        finish({ error: new DeviceError(conn.profile, `${conn.target} ended ${what} without an exit status`) });
      }
    }

    const kill = () => {
      killing ??= (async () => {
        const target = await waitForPid(2_000);
        if (target !== undefined && conn.connected) {
          // A connection that went silent cannot even open the kill channel: stop waiting after a while.
          let giveUp: NodeJS.Timeout | undefined;
          await Promise.race([
            runKill(conn, target).catch(() => {
              // The connection is going away; the drop listener reports it.
            }),
            new Promise((r) => (giveUp = setTimeout(r, killWaitMs))),
          ]);
          clearTimeout(giveUp);
        }
        // Give the channel a moment to report the exit, then stop waiting for it.
        await new Promise((r) => setTimeout(r, 50));
        const deadline = setTimeout(settle, closeGraceMs);
        // The grace timer must not keep the process alive after the channel is gone.
        deadline.unref();
        channel.once('close', () => clearTimeout(deadline));
        channel.close();
      })();
    };

    const onAbort = () => {
      aborted = true;
      kill();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs !== undefined && timeoutMs > 0 ? setTimeout(() => ((timedOut = true), kill()), timeoutMs) : undefined;
    const unsubscribeDrop = conn.onDrop((error) =>
      finish({ error: new DeviceError(conn.profile, `${error.message.replace(/^device [^:]+: /, '')} while running ${what}`, { cause: error, hint: error.hint }) }),
    );

    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      if (pid === undefined) {
        pid = splitMarker(Buffer.concat(stderr), marker).pid;
        if (pid !== undefined) {
          for (const w of pidWaiters) w(pid);
          pidWaiters = [];
        }
      }
    });
    channel.on('error', () => {});
    channel.on('exit', (code: number | null, sig?: string) => {
      exit = { code: code ?? null, signal: sig };
    });
    channel.on('close', settle);
    channel.end();
  });
}

/** Runs the kill script for process group `pid` on a reserved channel and waits for it. */
async function runKill(conn: SshConnection, pid: string): Promise<void> {
  const { channel, release } = await conn.openExec(buildCommandLine(scriptArgv(killScript, [pid])), { reserved: true });
  try {
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
    release();
  }
}

function drain(channel: Ssh2Channel): void {
  channel.on('data', () => {});
  channel.stderr.on('data', () => {});
  channel.on('error', () => {});
}
