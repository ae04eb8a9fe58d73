// The one place a LUT's header is put together: the schema id and version, the harness that wrote
// it, and its times. Everything else (device, runtime, catalogue, protocol, entries) is the caller's.
import { LUT_SCHEMA_ID, lutSchemaVersionFor, type Lut, type LutEntry } from './schema.js';

export const HARNESS_NAME = 'nanosd-bench';

export interface LutContents {
  /** The version of the harness writing the table (the package version for a measured one). */
  harnessVersion: string;
  device: Lut['device'];
  runtime: Lut['runtime'];
  catalog: Lut['catalog'];
  /** The measurement settings; none for a table that was not measured. */
  protocol?: Lut['protocol'];
  entries: LutEntry[];
  /** When the table was last written: now unless given. */
  updatedAt?: string;
  /** When the table was first written: `updatedAt` for a new table, the old value when one is extended. */
  createdAt?: string;
  runSpread?: Lut['runSpread'];
}

export function createLut(c: LutContents): Lut {
  const updatedAt = c.updatedAt ?? new Date().toISOString();
  return {
    schema: LUT_SCHEMA_ID,
    // The lowest version that describes the entries, so a table of blocks stays readable by older harnesses.
    schemaVersion: lutSchemaVersionFor(c.entries),
    harness: { name: HARNESS_NAME, version: c.harnessVersion },
    createdAt: c.createdAt ?? updatedAt,
    updatedAt,
    device: c.device,
    runtime: c.runtime,
    catalog: c.catalog,
    protocol: c.protocol ?? {},
    ...(c.runSpread ? { runSpread: c.runSpread } : {}),
    entries: c.entries,
  };
}
