// Regenerates the published JSON Schemas in schemas/ from the zod schemas in src/ (the source of
// truth): the LUT, catalogues, device profiles and model manifests. Editors use them through the
// "$schema" key of each file.
// Run: npx tsx scripts/gen-schemas.ts   (a unit test fails when a committed file is stale)
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { writeFileAtomic } from '../src/atomic-write.js';
import { catalogSchema } from '../src/catalog/schema.js';
import { profileSchema } from '../src/devices/schema.js';
import { LUT_SCHEMA_ID, LUT_SCHEMA_VERSION, lutSchema } from '../src/lut/schema.js';
import { manifestSchema } from '../src/onnx/manifest.js';

export const SCHEMAS_DIR = join(fileURLToPath(new URL('..', import.meta.url)), 'schemas');

const published = {
  'lut.schema.json': {
    schema: lutSchema,
    title: 'nanosd-bench latency lookup table (LUT)',
    description:
      `One JSON file per device x runtime (schema "${LUT_SCHEMA_ID}", ` +
      `version ${LUT_SCHEMA_VERSION}). Generated from src/lut/schema.ts.`,
  },
  'catalog.schema.json': {
    schema: catalogSchema,
    title: 'nanosd-bench block-variant catalogue',
    description:
      'Stages, units, tensors and variants of one U-Net family ' +
      '(block-variants/*.json). Generated from src/catalog/schema.ts.',
  },
  'device-profile.schema.json': {
    schema: profileSchema,
    title: 'nanosd-bench device profile',
    description:
      'How to reach a device, its runner and measurement settings ' +
      '(device-profiles/*.json). Generated from src/devices/schema.ts.',
  },
  'models-manifest.schema.json': {
    schema: manifestSchema,
    title: 'nanosd-bench model manifest',
    description:
      'Your own ONNX (or .tflite) files per stage variant and part, ' +
      'for `bench blocks --models`. Generated from src/onnx/manifest.ts.',
  },
} as const;

export function schemaTexts(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, p] of Object.entries(published)) {
    // Input form: fields with defaults are optional in the files people write.
    const schema = z.toJSONSchema(p.schema, { target: 'draft-2020-12', io: 'input' });
    out[file] = `${JSON.stringify(
      {
        ...schema,
        title: p.title,
        description: `${p.description} Do not edit by hand: run npx tsx scripts/gen-schemas.ts.`,
      },
      null,
      2,
    )}\n`;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, text] of Object.entries(schemaTexts())) {
    writeFileAtomic(join(SCHEMAS_DIR, file), text);
    process.stdout.write(`wrote schemas/${file}\n`);
  }
}
