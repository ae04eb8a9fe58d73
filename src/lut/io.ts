// Reading and writing LUT files. Reading checks the schema and the version and says exactly what is
// wrong (truncated file, newer schema, bad key); writing is atomic.
import { writeFileAtomic, type WriteOptions } from '../atomic-write.js';
import { InvalidFileError } from '../errors.js';
import { parseJsonText, readJsonFile, validateWith } from '../json-file.js';
import { checkLutValues } from './check-values.js';
import { LUT_SCHEMA_ID, LUT_SCHEMA_VERSION, lutSchema, type Lut } from './schema.js';
import { readFileSync } from 'node:fs';

export function readLut(file: string): Lut {
  const data = readJsonFile(file);
  return lutFromJson(data, file);
}

export function parseLut(text: string, file: string): Lut {
  return lutFromJson(parseJsonText(text, file), file);
}

function lutFromJson(data: unknown, file: string): Lut {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidFileError(file, undefined, 'not a LUT (expected a JSON object)');
  }
  const head = data as { schema?: unknown; schemaVersion?: unknown };
  if (head.schema !== LUT_SCHEMA_ID) {
    throw new InvalidFileError(
      file,
      'schema',
      `not a nanosd-bench LUT (expected "${LUT_SCHEMA_ID}", found ${JSON.stringify(head.schema)})`,
    );
  }
  if (typeof head.schemaVersion === 'number' && head.schemaVersion > LUT_SCHEMA_VERSION) {
    throw new InvalidFileError(
      file,
      'schemaVersion',
      `written by a newer nanosd-bench (schema version ${head.schemaVersion}; ` +
        `this one reads up to ${LUT_SCHEMA_VERSION})`,
      { hint: 'upgrade nanosd-bench to read this table' },
    );
  }
  const lut = validateWith(lutSchema, data, file);
  const seen = new Set<string>();
  lut.entries.forEach((e, i) => {
    if (seen.has(e.id)) throw new InvalidFileError(file, `entries[${i}].id`, `duplicate entry '${e.id}'`);
    seen.add(e.id);
    if (e.state === 'ok' && e.samples.length === 0) {
      throw new InvalidFileError(file, `entries[${i}] (${e.id}).samples`, 'an ok entry has no samples');
    }
  });
  checkLutValues(lut, file);
  return lut;
}

export function writeLut(file: string, lut: Lut, options: WriteOptions = {}): void {
  writeFileAtomic(file, `${JSON.stringify(lut, null, 1)}\n`, options);
}

/** True when the file exists and is a readable LUT (for --resume decisions). */
export function lutFileText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
