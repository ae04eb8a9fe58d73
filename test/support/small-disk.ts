// A real, small file system for full-disk tests: a tmpfs mounted on a folder of the test temp dir
// (root only; CI runs as root), and a filler file that leaves exactly as many bytes free as a case
// asks. tmpfs hands out whole pages, writes part of a buffer when the next page does not fit (a short
// write) and then fails with ENOSPC, as a nearly full disk does.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface SmallDisk {
  /** The mount point. */
  dir: string;
  /** Size of the file system's allocation unit (a page). */
  block: number;
  /** Bytes a new file can still take. */
  free(): number;
  /** Fills the disk so that `bytes` (rounded down to whole blocks) stay free; `fill(Infinity)` empties the filler. */
  leave(bytes: number): void;
  /** Every path on the disk except the filler, relative to `dir`. */
  files(): string[];
  unmount(): void;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Whether a tmpfs can be mounted here: root is not enough in a container without the capability, so
 * one is mounted on a probe folder and taken down again. Suites use it to skip full-disk cases.
 */
export function canMountTmpfs(): boolean {
  if (!isRoot) return false;
  const probe = join(process.env['TMPDIR'] ?? '/tmp', `nsb-mount-probe-${process.pid}`);
  mkdirSync(probe, { recursive: true });
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  spawnSync('rmdir', [probe]);
  return ok;
}

const FILLER = '.filler';

export function mountSmallDisk(dir: string, sizeBytes: number): SmallDisk {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  const block = statfsSync(dir).bsize;
  const filler = join(dir, FILLER);
  const free = () => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    block,
    free,
    leave(bytes) {
      rmSync(filler, { force: true });
      if (bytes === Infinity) return;
      const keep = Math.floor(bytes / block) * block;
      const size = free() - keep;
      if (size < 0) throw new Error(`small disk: only ${free()} bytes free, cannot leave ${keep}`);
      writeFileSync(filler, Buffer.alloc(size));
      if (free() !== keep) throw new Error(`small disk: ${free()} bytes free after filling, wanted ${keep}`);
    },
    files() {
      return readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f !== FILLER)
        .map((f) => relative(dir, join(dir, f)))
        .sort();
    },
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        // Something still holds a file open: detach now, the kernel frees it when they close.
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
