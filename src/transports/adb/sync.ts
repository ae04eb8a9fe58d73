// push/pull through adb's sync service. A push first asks the device for the sha256 of the file
// already there (toybox `sha256sum`, Android 8+) and sends nothing when it matches, so a model or a
// runtime library is transferred once per device. The same exec creates the parent folders.
import type { DeviceClient } from '@devicefarmer/adbkit';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { asDiskFull, isDiskFull } from '../../atomic-write.js';
import { DeviceError } from '../../errors.js';
import { sha256File } from '../../hashing.js';
import { checkInsideWorkDir, insideFunction, linkedOutError } from '../confine.js';
import type { ExecOptions, ExecResult, PushResult } from '../types.js';
import { hints, toDeviceError } from './errors.js';

export interface SyncTarget {
  client: DeviceClient;
  device: string;
  serial: string;
  /** The work folder: pushes and pulls outside it (also through a symbolic link) are refused. */
  workDir?: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

/** Creates the parent folder, then prints `<sha256>  <path>` when the file exists. */
const PROBE_SCRIPT = 'mkdir -p "$1" || exit 1; if [ -f "$2" ]; then sha256sum "$2" || true; fi';

/**
 * The same with the work folder as $3: first checks that no folder on the way to $1 is a link out of
 * it (exit 3, the real path on stdout), so nothing is created or written elsewhere.
 */
const CONFINED_PROBE_SCRIPT = `${insideFunction}
p=$(inside "$3" "$1"); c=$?
if [ "$c" = 1 ]; then printf 'outside\t%s\n' "$p"; exit 3; fi
if [ "$c" != 0 ]; then printf '%s\n' "$p" >&2; exit 1; fi
${PROBE_SCRIPT}`;

/** Hashing a large model on a phone takes a while; this bounds the probe, not the transfer. */
const PROBE_TIMEOUT_MS = 120_000;

function checkRemotePath(target: SyncTarget, remote: string): void {
  if (!remote.startsWith('/') || remote.endsWith('/') || remote.includes('\0')) {
    throw new DeviceError(target.device, `remote path must be an absolute file path, got ${JSON.stringify(remote)}`);
  }
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export async function pushFile(
  target: SyncTarget,
  local: string,
  remote: string,
  signal?: AbortSignal,
): Promise<PushResult> {
  checkRemotePath(target, remote);
  checkInsideWorkDir(target.device, target.workDir, remote, 'write');
  signal?.throwIfAborted();
  const started = performance.now();
  const info = await stat(local);
  if (!info.isFile()) throw new DeviceError(target.device, `cannot push ${local}: not a file`);
  const folder = posix.dirname(remote);
  const argv =
    target.workDir === undefined
      ? ['sh', '-c', PROBE_SCRIPT, 'sh', folder, remote]
      : ['sh', '-c', CONFINED_PROBE_SCRIPT, 'sh', folder, remote, target.workDir];
  const probing = target.exec(argv, { timeoutMs: PROBE_TIMEOUT_MS, signal });
  const [sha, probe] = await Promise.all([sha256File(local), probing]);
  signal?.throwIfAborted();
  const outside = probe.exitCode === 3 ? /^outside\t(.*)$/m.exec(probe.stdout)?.[1] : undefined;
  if (outside !== undefined) throw linkedOutError(target.device, target.workDir!, remote, outside);
  if (probe.exitCode !== 0) {
    const why =
      (probe.stderr || probe.stdout).trim().split('\n')[0] || (probe.timedOut ? 'timed out' : `exit ${probe.exitCode}`);
    throw new DeviceError(target.device, `cannot create ${posix.dirname(remote)} on ${target.serial}: ${why}`);
  }
  const remoteSha = /^([0-9a-f]{64})\s/m.exec(probe.stdout)?.[1];
  if (remoteSha === sha) return { skipped: true, bytes: info.size, durationMs: performance.now() - started };

  let transfer: Awaited<ReturnType<DeviceClient['push']>>;
  try {
    // Keep the permission bits, so pushed tools stay executable.
    transfer = await target.client.push(local, remote, info.mode & 0o777);
  } catch (error) {
    throw toDeviceError(target.device, target.serial, `push ${basename(local)}`, error);
  }
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      transfer.cancel();
      reject(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    transfer.once('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    transfer.once('error', (error: unknown) => {
      signal?.removeEventListener('abort', onAbort);
      reject(toDeviceError(target.device, target.serial, `push ${basename(local)} to ${remote}`, error));
    });
  });
  return { skipped: false, bytes: info.size, durationMs: performance.now() - started };
}

/**
 * Copies a device file to `local` (written to a temporary sibling first, then renamed). The file is
 * stat'ed first: adbkit ends a pull stream cleanly before it reports the device's FAIL, so a missing
 * file would otherwise come back as an empty one; the size also catches a transfer cut short.
 */
export async function pullFile(target: SyncTarget, remote: string, local: string, signal?: AbortSignal): Promise<void> {
  checkRemotePath(target, remote);
  checkInsideWorkDir(target.device, target.workDir, remote, 'read');
  signal?.throwIfAborted();
  let size: bigint;
  try {
    const st = await target.client.stat(remote);
    if (!st.isFile())
      throw new DeviceError(target.device, `cannot pull ${remote} from ${target.serial}: not a regular file`);
    size = st.sizeBig;
  } catch (error) {
    if (error instanceof DeviceError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DeviceError(target.device, `cannot pull ${remote} from ${target.serial}: no such file`);
    }
    throw toDeviceError(target.device, target.serial, `stat ${remote}`, error);
  }
  await mkdir(dirname(local), { recursive: true });
  const temp = join(dirname(local), `.${basename(local)}.${process.pid}.pull`);
  let transfer: Awaited<ReturnType<DeviceClient['pull']>>;
  try {
    transfer = await target.client.pull(remote);
  } catch (error) {
    throw toDeviceError(target.device, target.serial, `pull ${remote}`, error);
  }
  const onAbort = () => transfer.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await pipeline(transfer, createWriteStream(temp));
    signal?.throwIfAborted();
    const got = BigInt((await stat(temp)).size);
    // Sync v1 STAT reports the size in 32 bits.
    if ((got & 0xffffffffn) !== (size & 0xffffffffn))
      throw new DeviceError(
        target.device,
        `pull of ${remote} from ${target.serial} stopped after ${got} of ${size} bytes`,
        { hint: hints.lost },
      );
    await rename(temp, local);
  } catch (error) {
    await rm(temp, { force: true });
    if (signal?.aborted) throw abortError(signal);
    // The host's disk, not the phone: exit 8 naming the local file.
    if (isDiskFull(error)) throw asDiskFull(error, local);
    throw toDeviceError(target.device, target.serial, `pull ${remote}`, error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
