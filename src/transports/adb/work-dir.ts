// The folder on the device that the harness owns (the profile's workDir): created on demand, and
// cleaned only inside itself. Removing anything outside it, or a workDir that is a system folder, is
// refused before a command is sent.
import { posix } from 'node:path';
import { DeviceError } from '../../errors.js';
import type { Transport } from '../types.js';
import { deviceLabel } from './label.js';

/** Folders that are never a harness's own, even if a profile names them as workDir. */
const PROTECTED = new Set(['/', '/data', '/data/local', '/data/local/tmp', '/sdcard', '/storage', '/storage/emulated', '/storage/emulated/0', '/system', '/vendor', '/tmp', '/home', '/root', '/usr', '/var', '/etc']);

function normalise(transport: Transport, path: string): string {
  if (!path.startsWith('/') || path.includes('\0')) {
    throw new DeviceError(deviceLabel(transport), `work folder paths must be absolute, got ${JSON.stringify(path)}`);
  }
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

function checkWorkDir(transport: Transport, workDir: string): string {
  const dir = normalise(transport, workDir);
  if (PROTECTED.has(dir)) {
    throw new DeviceError(deviceLabel(transport), `refusing to use ${dir} as the work folder: it is not a folder the harness owns`, {
      hint: 'set workDir in the profile to a folder of its own, e.g. /data/local/tmp/nanosd-bench',
    });
  }
  return dir;
}

async function run(transport: Transport, argv: string[], what: string): Promise<void> {
  const result = await transport.exec(argv, { timeoutMs: 120_000 });
  if (result.exitCode !== 0) {
    const why = (result.stderr || result.stdout).trim().split('\n')[0] || (result.timedOut ? 'timed out' : `exit ${result.exitCode}`);
    throw new DeviceError(deviceLabel(transport), `cannot ${what}: ${why}`);
  }
}

/** Creates the work folder (and its parents) and returns its normalised path. */
export async function ensureWorkDir(transport: Transport, workDir: string): Promise<string> {
  const dir = checkWorkDir(transport, workDir);
  await run(transport, ['mkdir', '-p', dir], `create the work folder ${dir}`);
  return dir;
}

/**
 * Removes `target` (default: everything inside the work folder, which itself is kept). `target` must be
 * the work folder or lie inside it.
 */
export async function cleanWorkDir(transport: Transport, workDir: string, target: string = workDir): Promise<void> {
  const dir = checkWorkDir(transport, workDir);
  const path = normalise(transport, target);
  if (path !== dir && !path.startsWith(`${dir}/`)) {
    throw new DeviceError(deviceLabel(transport), `refusing to remove ${path}: it is not inside the work folder ${dir}`);
  }
  if (path === dir) {
    await run(transport, ['rm', '-rf', dir], `clean the work folder ${dir}`);
    await run(transport, ['mkdir', '-p', dir], `create the work folder ${dir}`);
  } else {
    await run(transport, ['rm', '-rf', path], `remove ${path}`);
  }
}
