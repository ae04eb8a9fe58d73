// Checks of an --out path before any work is done, so a path that cannot be written fails in one
// line at once instead of after a long run, and never reaches a recursive mkdir on a file system that
// refuses folders with ENOENT (/proc, /sys): node's mkdirSync({recursive}) retries such a path
// forever at full CPU. The check creates nothing it leaves behind.
import { accessSync, constants, mkdirSync, rmdirSync, statSync, type Stats } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** `dir` is, or can become, a folder this process can write in. `given` is the flag's value, for the message. */
export function checkOutputFolder(dir: string, flag = '--out', given = dir): void {
  const target = resolve(dir);
  const bad = (problem: string) =>
    new UsageError(`${flag} ${given}: ${problem}`, { hint: `choose a writable folder with ${flag}` });
  let missing: string | undefined;
  let at = target;
  let stats = statOf(at);
  while (stats === undefined && dirname(at) !== at) {
    missing = at;
    at = dirname(at);
    stats = statOf(at);
  }
  if (stats === undefined) throw bad('no part of the path exists');
  if (!stats.isDirectory()) throw bad(`${at} is a file, not a folder`);
  try {
    accessSync(at, constants.W_OK);
  } catch {
    throw bad(`${at} is not writable`);
  }
  if (missing === undefined) return;
  // Try to create the first missing folder for real (then remove it): some file systems (procfs)
  // pass the access check and still refuse every new entry.
  try {
    mkdirSync(missing);
  } catch (error) {
    throw bad(`cannot create ${missing} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  rmdirSync(missing);
}

/**
 * `file` can be written: not an existing folder, and its folder is writable or can be created.
 * `suggested` is a file name to offer inside a folder given by mistake.
 */
export function checkOutputFile(file: string, suggested: string, flag = '--out'): void {
  const stats = statOf(file);
  if (stats?.isDirectory()) {
    throw new UsageError(`${flag} ${file}: is a folder; give the file to write, e.g. ${join(file, suggested)}`);
  }
  checkOutputFolder(dirname(resolve(file)), flag, file);
}

/**
 * Where measured LUTs go: one device writes one LUT, so `flag` names that file, and the name must end
 * in .json (the run would otherwise have to guess what was meant); several devices write one each, so
 * `flag` is their folder. `writable: false` checks only the name (a table that is only read).
 */
export function checkLutOutput(path: string, devices: number, flag = '--out', writable = true): void {
  if (devices > 1) {
    if (writable) checkOutputFolder(path, flag);
    return;
  }
  if (!path.endsWith('.json')) {
    throw new UsageError(`${flag} ${path}: with one device ${flag} is the LUT file; give a name ending in .json`, {
      hint: 'a folder is for several devices (--device a,b)',
    });
  }
  if (writable) checkOutputFile(path, 'device.lut.json', flag);
}

/**
 * The format is chosen by `--format`, never guessed from the file name; but a name that promises
 * another known format (`--out front.csv` holding JSON) would mislead whatever opens it, so it is refused.
 */
export function checkOutputName(file: string, format: string, formats: readonly string[]): void {
  const ext = extname(file).slice(1).toLowerCase();
  if (ext === format || !formats.includes(ext)) return;
  throw new UsageError(`--out ${file}: the name says .${ext} but --format is ${format}`, {
    hint: `add --format ${ext}, or name the file .${format}`,
  });
}
