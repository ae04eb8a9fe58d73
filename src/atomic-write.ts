// The one way the harness writes files on the host. Every write is complete or fails cleanly:
//   - writeSync may write fewer bytes than asked (a nearly full disk or quota): the loop goes on until
//     every byte is down, and a write that makes no progress counts as a full disk;
//   - an output goes to a temporary sibling, is fsynced, renamed into place, then its folder is fsynced
//     (so the rename itself survives a power cut): a crash, Ctrl-C or a full disk never leaves a
//     half-written LUT, report or model under the real name, and the previous file stays as it was;
//   - an append (the journal) lands whole or the file is cut back to its previous length;
//   - ENOSPC or EDQUOT anywhere becomes a DiskFullError (exit 8) naming the file, and the temporary
//     file is removed first.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DiskFullError } from './errors.js';

export interface WriteOptions {
  /** What the user can do when the disk is full (the default says to free space and run again). */
  diskFullHint?: string;
}

const DEFAULT_HINT = 'free some space and run the command again';
/** Node refuses single writes over 2 GiB. */
const MAX_CHUNK = 1 << 30;

/** True for a full disk or an exhausted quota. */
export function isDiskFull(error: unknown): boolean {
  if (error instanceof DiskFullError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** `error` as a DiskFullError naming `file` when the disk is full; any other error unchanged. */
export function asDiskFull(error: unknown, file: string, hint?: string): unknown {
  if (error instanceof DiskFullError || !isDiskFull(error)) return error;
  return new DiskFullError(file, { cause: error, hint: hint ?? DEFAULT_HINT });
}

/** Writes every byte of `data` at the descriptor's position, however many calls that takes. */
export function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < bytes.length) {
    const written = writeSync(fd, bytes, offset, Math.min(MAX_CHUNK, bytes.length - offset));
    if (!(written > 0)) throw Object.assign(new Error('write made no progress'), { code: 'ENOSPC' });
    offset += written;
  }
}

/** Makes a rename or a new file in `dir` durable (file systems that cannot fsync a folder are left be). */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!['EINVAL', 'EISDIR', 'EBADF', 'EPERM', 'EACCES'].includes(code)) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function makeFolder(file: string, hint: string | undefined): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw asDiskFull(error, file, hint);
  }
}

function tempPathFor(file: string): string {
  // A hidden sibling on the same file system, so the rename is atomic; the name stays under NAME_MAX.
  return join(dirname(file), `.${basename(file).slice(0, 200)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** A file written in pieces (e.g. generated weights) that appears under its name only when complete. */
export class AtomicFile {
  readonly temp: string;
  private fd: number | undefined;

  private constructor(
    readonly file: string,
    private readonly hint: string | undefined,
  ) {
    this.temp = tempPathFor(file);
  }

  static create(file: string, options: WriteOptions = {}): AtomicFile {
    makeFolder(file, options.diskFullHint);
    const out = new AtomicFile(file, options.diskFullHint);
    out.guard(() => (out.fd = openSync(out.temp, 'wx')));
    return out;
  }

  write(data: string | Uint8Array): void {
    this.guard(() => writeAll(this.openFd(), data));
  }

  /** Flushes and closes the temporary file; after this only `install` or `abort` remain. */
  finish(): void {
    this.guard(() => {
      const fd = this.openFd();
      fsyncSync(fd);
      this.fd = undefined;
      closeSync(fd);
    });
  }

  /** Renames the finished file into place (replacing any previous one) and makes that durable. */
  install(): void {
    if (this.fd !== undefined) throw new Error(`${this.file}: install before finish`);
    this.guard(() => {
      renameSync(this.temp, this.file);
      syncFolder(dirname(this.file));
    });
  }

  commit(): void {
    this.finish();
    this.install();
  }

  /** Drops the temporary file; the previous file under the real name is untouched. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // The descriptor is gone either way; the temporary file is removed below.
      }
      this.fd = undefined;
    }
    rmSync(this.temp, { force: true });
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`${this.file}: write after finish`);
    return this.fd;
  }

  private guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.abort();
      throw asDiskFull(error, this.file, this.hint);
    }
  }
}

/** Writes `file` whole or not at all: on any failure the previous content stays and no temporary file is left. */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  const out = AtomicFile.create(file, options);
  out.write(data);
  out.commit();
}

/**
 * Writes a set of files that belong together (the reports of one comparison): every file is written and
 * flushed before any is renamed into place, so a full disk leaves the previous set as it was.
 */
export function writeFilesAtomic(
  files: readonly { file: string; data: string | Uint8Array }[],
  options: WriteOptions = {},
): void {
  const pending: AtomicFile[] = [];
  try {
    for (const f of files) {
      const out = AtomicFile.create(f.file, options);
      pending.push(out);
      out.write(f.data);
      out.finish();
    }
  } catch (error) {
    for (const out of pending) out.abort();
    throw error;
  }
  for (const out of pending) out.install();
}

/** Copies `src` to `dst` whole or not at all (the previous `dst` stays on failure). */
export function copyFileAtomic(src: string, dst: string, options: WriteOptions = {}): void {
  const out = AtomicFile.create(dst, options);
  out.finish();
  try {
    copyFileSync(src, out.temp);
    const fd = openSync(out.temp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    out.abort();
    throw asDiskFull(error, dst, options.diskFullHint);
  }
  out.install();
}

/**
 * Appends `data` to `file` (created if missing) and flushes it. If any part of it cannot be written,
 * the file is cut back to its previous length, so it never ends in a torn record.
 */
export function appendWhole(file: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  makeFolder(file, options.diskFullHint);
  let fd: number | undefined;
  let before: number | undefined;
  try {
    fd = openSync(file, 'a');
    before = fstatSync(fd).size;
    writeAll(fd, data);
    fdatasyncSync(fd);
  } catch (error) {
    if (fd !== undefined && before !== undefined) cutBack(fd, before);
    throw asDiskFull(error, file, options.diskFullHint);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Cuts `file` to `length` bytes (dropping a torn record at its end). Shrinking needs no free space. */
export function truncateFile(file: string, length: number): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function cutBack(fd: number, length: number): void {
  try {
    ftruncateSync(fd, length);
    fdatasyncSync(fd);
  } catch {
    // Shrinking frees space and does not fail on a full disk; a reader still drops a torn last line.
  }
}
