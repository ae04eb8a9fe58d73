// Broken catalogues for the validation tests: a shipped catalogue with one edit, written to a fresh
// temporary file, and the refusal `loadCatalog` must give for it (an invalid-file error naming the file).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { ExitCode, InvalidFileError } from '../../src/errors.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The catalogue `source` after `edit`, as a new file named `name` in its own temporary folder. */
export function editedCatalog(source: string, edit: (c: Json) => void, name = 'edited.json'): string {
  const c = JSON.parse(readFileSync(source, 'utf8')) as Json;
  edit(c);
  const file = join(mkdtempSync(join(tmpdir(), 'nsb-cat-')), name);
  writeFileSync(file, JSON.stringify(c));
  return file;
}

/** The error reading `file` gives: it fails the test unless it is an invalid-file error naming the file. */
export function catalogFailure(file: string): InvalidFileError {
  try {
    loadCatalog(file);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFileError);
    expect((error as InvalidFileError).exitCode).toBe(ExitCode.invalidFile);
    expect((error as InvalidFileError).message).toContain(file);
    return error as InvalidFileError;
  }
  throw new Error('expected the catalogue to be refused');
}
