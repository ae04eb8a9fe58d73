// exec() over legacy `shell:` with a real exit code, stderr kept apart, timeouts and aborts that kill
// the remote process tree, and a dropped connection reported as a DeviceError instead of a hang.
// The wrapper and its markers are described in shell-wrapper.ts.
import type { DeviceClient } from '@devicefarmer/adbkit';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { DeviceError } from '../../errors.js';
import { buildCommandLine } from '../quote.js';
import type { ExecOptions, ExecResult } from '../types.js';
import { hints, toDeviceError } from './errors.js';
import { parseProcStat, processTree } from './process-tree.js';
import { killArgv, parseWrappedOutput, processListArgv, readPid, wrapCommand } from './shell-wrapper.js';

export interface ShellTarget {
  client: DeviceClient;
  /** Device name for error messages (the profile). */
  device: string;
  serial: string;
}

/** How long each helper shell used to kill a command may take before the phone counts as unresponsive. */
const KILL_TIMEOUT_MS = 5_000;
/** After the kill, how long to wait for the device to close the stream by itself. */
const CLOSE_GRACE_MS = 2_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Runs a plain command line (no wrapper) and returns everything it printed; for the helpers below. */
export async function shellRaw(target: ShellTarget, argv: readonly string[], timeoutMs: number): Promise<string> {
  let socket: Duplex;
  try {
    socket = await target.client.shell(buildCommandLine(argv));
  } catch (error) {
    throw toDeviceError(target.device, target.serial, `run ${argv[0]}`, error);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      const problem = `${target.serial} did not answer \`${argv[0]}\` within ${timeoutMs} ms`;
      reject(new DeviceError(target.device, problem, { hint: hints.lost }));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(toDeviceError(target.device, target.serial, `run ${argv[0]}`, error));
    });
    socket.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.resume();
  });
}

/** Kills the wrapper (PID known, or read from its PID file) and its whole tree; returns the saved stderr. */
async function killRemote(target: ShellTarget, nonce: string, knownPid: number | undefined): Promise<string> {
  const listing = await shellRaw(target, processListArgv(nonce), KILL_TIMEOUT_MS);
  const fromFile = /^pidfile (\d+)/m.exec(listing);
  const pid = knownPid ?? (fromFile ? Number(fromFile[1]) : undefined);
  const pids = pid !== undefined && pid > 1 ? processTree(parseProcStat(listing), pid) : [];
  return shellRaw(target, killArgv(nonce, pids), KILL_TIMEOUT_MS);
}

export async function execWrapped(
  target: ShellTarget,
  argv: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  if (argv.length === 0) throw new Error('exec: empty argv');
  const finish = resultOf(argv, performance.now());
  if (options.signal?.aborted) return finish(null, '', '');
  const nonce = randomBytes(8).toString('hex');
  const shell = await openWrapped(target, argv, options, nonce);
  // Started once the shell is open: the timeout bounds the command, not the adb handshake.
  const stop = stopTrigger(options);
  try {
    const first = await Promise.race([shell.ended, stop.reason]);
    if (first === 'ended') return await completed(target, argv, shell, nonce, finish);
    return await stopped(target, argv, options, shell, nonce, first, finish);
  } finally {
    stop.dispose();
  }
}

type Finish = (
  exitCode: number | null,
  stdout: Buffer | string,
  stderr: Buffer | string,
  timedOut?: boolean,
) => ExecResult;

function resultOf(argv: readonly string[], started: number): Finish {
  return (exitCode, stdout, stderr, timedOut = false) => ({
    argv: [...argv],
    exitCode,
    // adbd reports no signal: a shell on the phone turns a signal death into 128 + its number.
    signal: undefined,
    stdout: stdout.toString(),
    stderr: stderr.toString(),
    durationMs: performance.now() - started,
    timedOut,
  });
}

/** The wrapped command's shell stream, with what it printed so far. */
interface WrappedShell {
  socket: Duplex;
  output(): Buffer;
  /** The wrapper's PID, once it has printed it. */
  pid(): number | undefined;
  /** Settles when the stream ends, closes or fails. */
  ended: Promise<'ended'>;
}

async function openWrapped(
  target: ShellTarget,
  argv: readonly string[],
  options: ExecOptions,
  nonce: string,
): Promise<WrappedShell> {
  const line = wrapCommand(argv, { cwd: options.cwd, env: options.env }, nonce);
  let socket: Duplex;
  try {
    socket = await target.client.shell(line);
  } catch (error) {
    throw toDeviceError(target.device, target.serial, `run \`${argv[0]}\``, error);
  }
  const chunks: Buffer[] = [];
  let pid: number | undefined;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    if (pid === undefined) pid = readPid(Buffer.concat(chunks), nonce);
  });
  const ended = new Promise<'ended'>((resolve) => {
    socket.once('end', () => resolve('ended'));
    socket.once('close', () => resolve('ended'));
    // An error (reset connection) ends the stream as well; the missing exit marker says what happened.
    socket.on('error', () => resolve('ended'));
  });
  return { socket, output: () => Buffer.concat(chunks), pid: () => pid, ended };
}

/** Settles with why the command must be stopped: its timeout ran out or the caller aborted. */
function stopTrigger(options: ExecOptions): { reason: Promise<'timeout' | 'abort'>; dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const reason = new Promise<'timeout' | 'abort'>((resolve) => {
    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    }
    if (options.signal) {
      onAbort = () => resolve('abort');
      // It may have fired while the shell was being opened.
      if (options.signal.aborted) resolve('abort');
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return {
    reason,
    dispose: () => {
      if (timer) clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** The stream ended by itself: the exit marker gives the exit code, its absence a lost connection. */
async function completed(
  target: ShellTarget,
  argv: readonly string[],
  shell: WrappedShell,
  nonce: string,
  finish: Finish,
): Promise<ExecResult> {
  const out = parseWrappedOutput(shell.output(), nonce);
  if (out.exitCode === undefined) {
    // No exit marker: the stream was cut (cable, network, adbd restart). Best effort: stop whatever
    // is left of the command if the phone is back, then report the device.
    await killRemote(target, nonce, out.pid).catch(() => undefined);
    const problem = `lost the connection to ${target.serial} while running \`${argv[0]}\` (no exit status came back)`;
    throw new DeviceError(target.device, problem, { hint: hints.lost });
  }
  return finish(out.exitCode, out.stdout, out.stderr);
}

/** Timeout or abort: kills the remote tree, waits briefly for the stream to close, reports what ran. */
async function stopped(
  target: ShellTarget,
  argv: readonly string[],
  options: ExecOptions,
  shell: WrappedShell,
  nonce: string,
  why: 'timeout' | 'abort',
  finish: Finish,
): Promise<ExecResult> {
  let savedStderr = '';
  try {
    savedStderr = await killRemote(target, nonce, shell.pid());
  } catch (error) {
    shell.socket.destroy();
    // The phone stopped answering altogether.
    if (why === 'timeout') {
      const reason = error instanceof DeviceError ? error.message.replace(/^device [^:]+: /, '') : String(error);
      const problem =
        `\`${argv[0]}\` ran past its ${options.timeoutMs} ms timeout ` +
        `and the phone did not answer the request to stop it (${reason})`;
      throw new DeviceError(target.device, problem, { cause: error, hint: hints.lost });
    }
  }
  await Promise.race([shell.ended, sleep(CLOSE_GRACE_MS)]);
  shell.socket.destroy();
  const out = parseWrappedOutput(shell.output(), nonce);
  // It may have finished on its own while being stopped.
  if (out.exitCode !== undefined) return finish(out.exitCode, out.stdout, out.stderr);
  return finish(null, out.stdout, savedStderr, why === 'timeout');
}
