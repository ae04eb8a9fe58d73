// Paths that come from data (a manifest's `file`, an ONNX file's external-data `location`, a catalogue
// or profile string that becomes a file name) name a file inside one folder the data may use, and
// nothing else: a model bundle must not make the harness read a host file outside the bundle, nor
// write beside the device's work folder. This module decides on the text alone, so the same rule holds
// on the host and on a device; symbolic links are the file system's business (src/contained-file.ts
// on the host, the transports' push on a device).
import { posix } from 'node:path';
import { UnsafePathError } from './errors.js';

/** Where a data path was read, for the refusal: the file, the field in it, and the folder it must stay in. */
export interface DataPathSource {
  file: string;
  field: string;
  /** The allowed folder in words, e.g. "the manifest's folder /models". */
  folder: string;
}

/** Why `path` cannot name a file inside its folder, or undefined when it can. `folder` is for the wording. */
export function dataPathProblem(path: string, folder: string): string | undefined {
  if (path === '') return 'is empty';
  // NUL ends a path in every system call; other control characters break the line-based device scripts.
  if (/[\x00-\x1f\x7f]/.test(path)) return 'contains a control character';
  // A separator on Windows and inside ONNX files written there, a plain character on POSIX: ambiguous.
  if (path.includes('\\')) return 'contains a backslash (write paths with forward slashes)';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return `is absolute; it must be relative to ${folder}`;
  const normal = posix.normalize(path);
  if (normal === '..' || normal.startsWith('../')) return `resolves outside ${folder}`;
  if (normal === '.' || normal === './' || normal.endsWith('/')) return 'names a folder, not a file';
  return undefined;
}

/** `path` normalised (`./a/../b.bin` -> `b.bin`), or UnsafePathError when it does not stay inside its folder. */
export function containedDataPath(path: string, source: DataPathSource): string {
  const problem = dataPathProblem(path, source.folder);
  if (problem !== undefined) throw new UnsafePathError(source.file, source.field, shown(path), source.folder, problem);
  return posix.normalize(path);
}

/** `root` joined with a data path checked by containedDataPath (POSIX separators: device paths). */
export function joinDataPath(root: string, path: string, source: DataPathSource): string {
  return posix.join(root, containedDataPath(path, source));
}

/**
 * Whether `path` is `root` or lies below it, on the text alone (both normalised; both absolute or
 * both relative). For remote paths the harness built itself.
 */
export function isInsideFolder(root: string, path: string): boolean {
  const r = trimSlash(posix.normalize(root));
  const p = trimSlash(posix.normalize(path));
  if (r.startsWith('/') !== p.startsWith('/') || p.includes('\0')) return false;
  return p === r || p.startsWith(r === '/' ? '/' : `${r}/`);
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** A path as a message may print it: control characters escaped, so a hostile name cannot forge output. */
export function shown(path: string): string {
  return /[\x00-\x1f\x7f]/.test(path) ? JSON.stringify(path).slice(1, -1) : path;
}
