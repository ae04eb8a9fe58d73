// SHA-256 of the local files being pushed. Models are large and pushed again on every run, so a
// digest is remembered for as long as the file keeps its size and modification time.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InvalidFileError } from '../../errors.js';

export interface LocalFile {
  path: string;
  size: number;
  /** Permission bits, copied to the device so pushed tools stay executable. */
  mode: number;
  sha256: string;
}

const cache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

export async function describeLocalFile(path: string): Promise<LocalFile> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidFileError(path, undefined, `cannot read the file to copy (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`);
  }
  if (!info.isFile()) throw new InvalidFileError(path, undefined, 'only regular files can be copied to a device');
  const known = cache.get(path);
  if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) {
    return { path, size: info.size, mode: info.mode & 0o777, sha256: known.sha256 };
  }
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', resolve)
      .on('error', reject);
  });
  const sha256 = hash.digest('hex');
  cache.set(path, { size: info.size, mtimeMs: info.mtimeMs, sha256 });
  return { path, size: info.size, mode: info.mode & 0o777, sha256 };
}
