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
      reject(new DeviceError(target.device, `${target.serial} did not answer \`${argv[0]}\` within ${timeoutMs} ms`, { hint: hints.lost }));
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

export async function execWrapped(target: ShellTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  if (argv.length === 0) throw new Error('exec: empty argv');
  const started = performance.now();
  const result = (exitCode: number | null, stdout: Buffer | string, stderr: Buffer | string, timedOut = false): ExecResult => ({
    argv: [...argv],
    exitCode,
    // adbd reports no signal: a shell on the phone turns a signal death into 128 + its number.
    signal: undefined,
    stdout: stdout.toString(),
    stderr: stderr.toString(),
    durationMs: performance.now() - started,
    timedOut,
  });
  if (options.signal?.aborted) return result(null, '', '');

  const nonce = randomBytes(8).toString('hex');
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
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<'timeout' | 'abort'>((resolve) => {
    if (options.timeoutMs !== undefined && options.timeoutMs > 0) timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    if (options.signal) {
      onAbort = () => resolve('abort');
      // It may have fired while the shell was being opened.
      if (options.signal.aborted) resolve('abort');
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
  });

  try {
    const first = await Promise.race([ended, stop]);
    if (first === 'ended') {
      const out = parseWrappedOutput(Buffer.concat(chunks), nonce);
      if (out.exitCode === undefined) {
        // No exit marker: the stream was cut (cable, network, adbd restart). Best effort: stop whatever
        // is left of the command if the phone is back, then report the device.
        await killRemote(target, nonce, out.pid).catch(() => undefined);
        throw new DeviceError(target.device, `lost the connection to ${target.serial} while running \`${argv[0]}\` (no exit status came back)`, { hint: hints.lost });
      }
      return result(out.exitCode, out.stdout, out.stderr);
    }

    let savedStderr = '';
    try {
      savedStderr = await killRemote(target, nonce, pid);
    } catch (error) {
      socket.destroy();
      // The phone stopped answering altogether.
      if (first === 'timeout') {
        const why = error instanceof DeviceError ? error.message.replace(/^device [^:]+: /, '') : String(error);
        throw new DeviceError(target.device, `\`${argv[0]}\` ran past its ${options.timeoutMs} ms timeout and the phone did not answer the request to stop it (${why})`, {
          cause: error,
          hint: hints.lost,
        });
      }
    }
    await Promise.race([ended, sleep(CLOSE_GRACE_MS)]);
    socket.destroy();
    const out = parseWrappedOutput(Buffer.concat(chunks), nonce);
    // It may have finished on its own while being stopped.
    if (out.exitCode !== undefined) return result(out.exitCode, out.stdout, out.stderr);
    return result(null, out.stdout, savedStderr, first === 'timeout');
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}
