// The LUTs committed under reports/baselines/ are what CI jobs compare against (README, "Regression
// verdicts in CI"): each must read under the current schema, cover its whole catalogue, and carry
// statistics that really are those of its raw samples.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { readLut } from '../../src/lut/io.js';
import { summarize } from '../../src/stats/index.js';
import { asOk } from '../support/lut-entries.js';

const dir = join(process.cwd(), 'reports', 'baselines');
const files = readdirSync(dir).filter((f) => f.endsWith('.lut.json'));

describe('committed baselines', () => {
  it('exist', () => {
    expect(files).toContain('local.lut.json');
  });

  for (const file of files) {
    const lut = readLut(join(dir, file));

    it(`${file}: every block variant and part of its catalogue, all ok`, () => {
      const first = lut.entries[0]!.key;
      const catalog = loadCatalog().resolve(first.latent, first.width);
      expect(lut.catalog.name).toBe(catalog.spec.name);
      expect(lut.catalog.hash).toBe(catalog.hash);
      const blocks = lut.entries.filter((e) => e.key.kind === 'block').map((e) => `${e.key.stage}/${e.key.variant}`);
      const expected = catalog.stages.flatMap((s) => s.variants.map((v) => `${s.name}/${v.name}`));
      expect(blocks.sort()).toEqual(expected.sort());
      expect(lut.entries.filter((e) => e.key.kind === 'part')).toHaveLength(catalog.parts.length);
      expect(lut.entries.filter((e) => e.state !== 'ok').map((e) => e.id)).toEqual([]);
    });

    it(`${file}: stored statistics are those of the raw samples`, () => {
      for (const e of lut.entries) {
        const recomputed = summarize(e.samples);
        for (const [name, value] of Object.entries(recomputed)) {
          const stored = asOk(e).stats[name as keyof typeof recomputed];
          // The same statistics up to rounding: the mean is a compensated sum now, so its last bits may move.
          const pairs = Array.isArray(value) ? value.map((v, i) => [(stored as number[])[i]!, v]) : [[stored, value]];
          for (const [a, b] of pairs as [number, number][]) {
            expect(Math.abs(a - b), `${e.id} ${name}: ${a} vs ${b}`).toBeLessThanOrEqual(
              1e-12 * Math.max(1, Math.abs(b)),
            );
          }
        }
      }
    });
  }
});
