// Reading JSON data files with errors that name the file and the key, for every schema-checked file
// (catalogues, profiles, manifests, LUTs, quality files).
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { InvalidFileError } from './errors.js';

/** A data file's text; a missing or unreadable file is an InvalidFileError naming it. */
export function readDataFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidFileError(
      file,
      undefined,
      code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(error)})`,
    );
  }
}

export function readJsonFile(file: string): unknown {
  return parseJsonText(readDataFile(file), file);
}

export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const truncated = text.trim().length === 0 ? 'the file is empty' : `not valid JSON (${(error as Error).message})`;
    throw new InvalidFileError(file, undefined, truncated);
  }
}

/** Validates `data` against `schema`; the first problem is reported with a readable key path. */
export function validateWith<T extends z.ZodType>(schema: T, data: unknown, file: string): z.output<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new InvalidFileError(file, formatPath(data, issue.path), issue.message);
}

export function loadJsonFile<T extends z.ZodType>(schema: T, file: string): z.output<T> {
  return validateWith(schema, readJsonFile(file), file);
}

/** `['stages', 2, 'variants', 0, 'units']` -> `stages.E3.variants.R-A-R.units` where elements have names. */
export function formatPath(data: unknown, path: readonly PropertyKey[]): string {
  let node: unknown = data;
  let out = '';
  for (const part of path) {
    const next = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined;
    if (typeof part === 'number') {
      const label = next !== null && typeof next === 'object' ? (next as { name?: unknown }).name : undefined;
      out += typeof label === 'string' ? `.${label}` : `[${part}]`;
    } else {
      out += out.length === 0 ? String(part) : `.${String(part)}`;
    }
    node = next;
  }
  return out.length === 0 ? '(top level)' : out;
}
