// The host side of the data-path rule (src/data-path.ts): a path that stays inside its folder on
// paper can still leave it through a symbolic link, in the path itself or in a folder on the way.
// Links that stay inside the folder are followed; one that leads out is refused. Hard links are
// fine to read: they are the same file under another name, and reading is all that happens here.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { containedDataPath, type DataPathSource } from './data-path.js';
import { InvalidFileError, UnsafePathError } from './errors.js';

export interface ContainedFile {
  /** The path as the data gave it, normalised (forward slashes, relative to the folder). */
  relative: string;
  /** Where it is on this host: the folder joined with `relative`. */
  path: string;
}

/**
 * The file `path` (from data) names inside `root`, or undefined when there is no such file. Throws
 * UnsafePathError when the text leaves the folder or a symbolic link leads out of it, and
 * InvalidFileError when it names something that is not a regular file (a folder, a device).
 */
export function containedFile(root: string, path: string, source: DataPathSource): ContainedFile | undefined {
  const rel = containedDataPath(path, source);
  const full = join(root, rel);
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    return undefined;
  }
  const realRoot = realpathSync(root);
  const inside = relative(realRoot, real);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    const why = `leads through a symbolic link to ${real}, outside ${source.folder}`;
    throw new UnsafePathError(source.file, source.field, rel, source.folder, why);
  }
  if (!statSync(real).isFile()) throw new InvalidFileError(source.file, source.field, `${rel} is not a regular file`);
  return { relative: rel, path: full };
}
