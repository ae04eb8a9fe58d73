// Regenerates schemas/lut.schema.json from the zod schema in src/lut/schema.ts (the source of truth).
// Run: npx tsx scripts/gen-lut-schema.ts   (a unit test fails when the committed file is stale)
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { writeFileAtomic } from '../src/atomic-write.js';
import { LUT_SCHEMA_ID, LUT_SCHEMA_VERSION, lutSchema } from '../src/lut/schema.js';

export const LUT_SCHEMA_FILE = join(fileURLToPath(new URL('..', import.meta.url)), 'schemas', 'lut.schema.json');

export function lutJsonSchemaText(): string {
  const schema = z.toJSONSchema(lutSchema, { target: 'draft-2020-12' });
  const doc = {
    ...schema,
    title: 'nanosd-bench latency lookup table (LUT)',
    description: `One JSON file per device x runtime (schema "${LUT_SCHEMA_ID}", version ${LUT_SCHEMA_VERSION}). Generated from src/lut/schema.ts by scripts/gen-lut-schema.ts; do not edit by hand.`,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileAtomic(LUT_SCHEMA_FILE, lutJsonSchemaText());
  process.stdout.write(`wrote ${LUT_SCHEMA_FILE}\n`);
}
