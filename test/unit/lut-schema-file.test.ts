import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LUT_SCHEMA_FILE, lutJsonSchemaText } from '../../scripts/gen-lut-schema.js';

describe('published LUT JSON Schema', () => {
  it('schemas/lut.schema.json is up to date with src/lut/schema.ts (regenerate: npx tsx scripts/gen-lut-schema.ts)', () => {
    expect(readFileSync(LUT_SCHEMA_FILE, 'utf8')).toBe(lutJsonSchemaText());
  });
});
