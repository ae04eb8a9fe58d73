// Output files are written to a temporary sibling and renamed into place, so a crash, Ctrl-C or a
// full disk never leaves a half-written LUT or report behind.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    // Node refuses single writes over 2 GiB; write in chunks.
    const chunk = 1 << 30;
    for (let off = 0; off < bytes.length; off += chunk) {
      writeSync(fd, bytes, off, Math.min(chunk, bytes.length - off));
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
}
