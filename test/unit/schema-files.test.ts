import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR, schemaTexts } from '../../scripts/gen-schemas.js';

describe('published JSON Schemas', () => {
  for (const [file, text] of Object.entries(schemaTexts())) {
    it(`schemas/${file} is up to date with its zod schema (regenerate: npx tsx scripts/gen-schemas.ts)`, () => {
      expect(readFileSync(join(SCHEMAS_DIR, file), 'utf8')).toBe(text);
    });
  }
});
