// The folder on the device that the harness owns (the profile's workDir): created on demand, and
// cleaned only inside itself. A workDir that is a system or shared folder is refused before a command
// is sent: by workDirProblem() when a profile is used (connect-device.ts), and here again before
// anything is created or removed. The checks are the same for every transport (adb, SSH, local).
import { posix } from 'node:path';
import { DeviceError } from '../../errors.js';
import type { Transport } from '../types.js';
import { deviceLabel } from './label.js';

/** Folders that are never a harness's own, even if a profile names them as workDir. */
const PROTECTED = new Set([
  '/',
  '/data',
  '/data/local',
  '/data/local/tmp',
  '/data/data',
  '/sdcard',
  '/storage',
  '/storage/emulated',
  '/storage/emulated/0',
  '/system',
  '/vendor',
  '/product',
  '/apex',
  '/odm',
  '/mnt',
  '/dev',
  '/proc',
  '/sys',
  '/tmp',
  '/var',
  '/var/tmp',
  '/home',
  '/root',
  '/usr',
  '/usr/local',
  '/etc',
  '/opt',
  '/bin',
  '/sbin',
  '/lib',
  '/boot',
  '/srv',
  '/run',
  '/media',
  '/Users',
  '/Users/Shared',
  '/Applications',
  '/Library',
  '/System',
  '/Volumes',
  '/private',
  '/private/tmp',
  '/private/var',
]);

/** Folders whose direct children are someone's home: `/home/pi` is not the harness's either. */
const HOMES = new Set(['/home', '/Users']);

/**
 * Folders the harness itself creates inside the work folder (runners/: `models`, `runtime`, `out`,
 * `runner`, `ort-optimized`, `qnn`, `qnn-models`, `devicectl`; the SSH transport: `.shell`). Cleaning
 * removes these and leaves anything else alone,
 * so a workDir pointed at a folder that also holds other files loses none of them. A runner that
 * starts using a new folder adds it here.
 */
export const HARNESS_ENTRIES = [
  'models',
  'runtime',
  'out',
  'runner',
  'ort-optimized',
  'qnn',
  'qnn-models',
  'devicectl',
  // The SSH command shells' output folders (shell-program.ts); a live shell makes its own again.
  '.shell',
] as const;

export interface WorkDirProblem {
  problem: string;
  /** The normalised path the problem is about. */
  path: string;
}

/**
 * Why `workDir` cannot be the harness's folder on a device reached by `kind`, or undefined when it
 * can. adb needs an absolute path (adb shell starts in `/`); over SSH and locally a relative one lies
 * inside the login folder or the package's cache folder, and must not be that folder itself.
 */
export function workDirProblem(workDir: string, kind: Transport['kind']): WorkDirProblem | undefined {
  if (workDir.includes('\0')) return { problem: 'the work folder path contains a NUL byte', path: workDir };
  // Paths reach the device quoted, as written: no shell ever expands '~', so it would be a folder named '~'.
  if (workDir.startsWith('~')) {
    const base = kind === 'local' ? "the package's folder" : 'the login folder (e.g. nanosd-bench)';
    const shown = JSON.stringify(workDir);
    const problem = `'~' is not expanded in a work folder: write ${shown} relative to ${base} or as an absolute path`;
    return { problem, path: workDir };
  }
  if (!workDir.startsWith('/')) {
    if (kind === 'adb')
      return { problem: `work folder paths must be absolute, got ${JSON.stringify(workDir)}`, path: workDir };
    const rel = posix.normalize(workDir).replace(/\/+$/, '');
    const base = kind === 'ssh' ? 'the login folder' : "the package's folder";
    if (rel === '.' || rel === '')
      return { problem: `refusing to use ${base} itself as the work folder`, path: workDir };
    if (rel === '..' || rel.startsWith('../'))
      return { problem: `refusing a work folder outside ${base}: ${JSON.stringify(workDir)}`, path: workDir };
    return undefined;
  }
  const dir = normalised(workDir);
  if (PROTECTED.has(dir))
    return { problem: `refusing to use ${dir} as the work folder: it is not a folder the harness owns`, path: dir };
  if (HOMES.has(posix.dirname(dir)))
    return {
      problem: `refusing to use ${dir} as the work folder: it is a home folder, not a folder the harness owns`,
      path: dir,
    };
  return undefined;
}

/** What to do about a refused workDir. */
export const WORK_DIR_HINT =
  "set workDir to a folder of the harness's own, e.g. /data/local/tmp/nanosd-bench on a phone or nanosd-bench over SSH";

function normalised(path: string): string {
  const normal = posix.normalize(path);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
}

function checkWorkDir(transport: Transport, workDir: string): string {
  const refused = workDirProblem(workDir, transport.kind);
  if (refused) throw new DeviceError(deviceLabel(transport), refused.problem, { hint: WORK_DIR_HINT });
  return normalised(workDir);
}

/** `target`, normalised, when it is the work folder `dir` or lies inside it. */
function insideWorkDir(transport: Transport, dir: string, target: string): string {
  const path = normalised(target);
  if (
    path.includes('\0') ||
    path.startsWith('/') !== dir.startsWith('/') ||
    (path !== dir && !path.startsWith(`${dir}/`))
  ) {
    throw new DeviceError(
      deviceLabel(transport),
      `refusing to remove ${path}: it is not inside the work folder ${dir}`,
    );
  }
  return path;
}

async function run(transport: Transport, argv: string[], what: string): Promise<string> {
  const result = await transport.exec(argv, { timeoutMs: 120_000 });
  if (result.exitCode !== 0) {
    const why =
      (result.stderr || result.stdout).trim().split('\n')[0] ||
      (result.timedOut ? 'timed out' : `exit ${result.exitCode}`);
    throw new DeviceError(deviceLabel(transport), `cannot ${what}: ${why}`);
  }
  return result.stdout;
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
  const path = insideWorkDir(transport, dir, target);
  if (path === dir) {
    await run(transport, ['rm', '-rf', dir], `clean the work folder ${dir}`);
    await run(transport, ['mkdir', '-p', dir], `create the work folder ${dir}`);
  } else {
    await run(transport, ['rm', '-rf', path], `remove ${path}`);
  }
}

export interface CleanResult {
  /** The work folder, normalised. */
  dir: string;
  /** False when the device has no work folder (nothing to clean). */
  exists: boolean;
  /** The harness's entries that were removed (names inside `dir`). */
  removed: string[];
  /** Entries the harness did not create, left in place. */
  kept: string[];
}

/**
 * Removes what the harness put into its work folder on the device (HARNESS_ENTRIES) and nothing else;
 * the folder itself and any other entry stay. One `ls` and one `rm` with every path as its own argument.
 */
export async function cleanHarnessFiles(transport: Transport, workDir: string): Promise<CleanResult> {
  const dir = checkWorkDir(transport, workDir);
  const probe = await transport.exec(['test', '-d', dir], { timeoutMs: 60_000 });
  if (probe.exitCode === 1) return { dir, exists: false, removed: [], kept: [] };
  const listing = await run(transport, ['ls', '-A', dir], `list the work folder ${dir}`);
  const names = listing.split('\n').filter((n) => n !== '');
  const owned = new Set<string>(HARNESS_ENTRIES);
  const removed = names.filter((n) => owned.has(n));
  const kept = names.filter((n) => !owned.has(n));
  if (removed.length > 0)
    await run(transport, ['rm', '-rf', ...removed.map((n) => posix.join(dir, n))], `clean the work folder ${dir}`);
  return { dir, exists: true, removed, kept };
}
