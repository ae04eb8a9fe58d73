// What a push needs to know of a local file: size, permission bits and SHA-256 (from the hashing
// service, which remembers the digests of files that have not changed).
import { stat } from 'node:fs/promises';
import { InvalidFileError } from '../../errors.js';
import { sha256File } from '../../hashing.js';

export interface LocalFile {
  path: string;
  size: number;
  /** Permission bits, copied to the device so pushed tools stay executable. */
  mode: number;
  sha256: string;
}

export async function describeLocalFile(path: string): Promise<LocalFile> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidFileError(
      path,
      undefined,
      `cannot read the file to copy (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`,
    );
  }
  if (!info.isFile()) throw new InvalidFileError(path, undefined, 'only regular files can be copied to a device');
  return { path, size: info.size, mode: info.mode & 0o777, sha256: await sha256File(path) };
}
