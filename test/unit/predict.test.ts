import { describe, expect, it } from 'vitest';
import { candidateAt, parseCandidate } from '../../src/catalog/candidates.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { UsageError } from '../../src/errors.js';
import { entryId } from '../../src/lut/key.js';
import { lutSchema } from '../../src/lut/schema.js';
import { calibration, createPredictor, predictCandidate, predictSpace } from '../../src/predict/index.js';
import { cpuDevice, syntheticEntry, syntheticLut } from '../support/synthetic-lut.js';
import { asOk } from '../support/lut-entries.js';

const catalog = loadCatalog('block-variants/sd15-nanosd.json');
const lut = syntheticLut(catalog, { ...cpuDevice, flags: { 'block/E2/R-R/l16/w1/fp32': ['throttled'] } });
const p = createPredictor(lut, 'cpu.json', catalog);

function entryMedian(id: string): { m: number; lo: number; hi: number } {
  const { stats } = asOk(lut.entries.find((x) => x.id === id));
  return { m: stats.median, lo: stats.ci95[0], hi: stats.ci95[1] };
}

describe('candidate prediction', () => {
  it('the synthetic LUT is a valid LUT', () => {
    expect(lutSchema.safeParse(lut).success).toBe(true);
  });

  for (const code of [
    '0.0.0.0.0.0',
    '3.3.3.7.7.7',
    'E1=R-A-R,E2=R-R,E3=R-R-A,D3=R-A-R-R,D2=R-R-R-A,D1=R-A-R-A-R',
    '3.0.1.7.2.5',
  ]) {
    it(`equals the hand sum of block and part medians for ${code}`, () => {
      const c = parseCandidate(p.catalog, code);
      const ids = [
        ...p.catalog.stages.map((s, i) => `block/${s.name}/${s.variants[c[i]!]!.name}/l16/w1/fp32`),
        'part/conv_in/l16/w1/fp32',
        'part/time_mlp/l16/w1/fp32',
        'part/conv_out/l16/w1/fp32',
      ];
      const parts = ids.map(entryMedian);
      const sum = parts.reduce((s, x) => s + x.m, 0);
      const r = predictCandidate(p, c);
      expect(r.available).toBe(true);
      expect(r.latency!.median).toBeCloseTo(sum, 10);
      const below = Math.sqrt(parts.reduce((s, x) => s + (x.m - x.lo) ** 2, 0));
      const above = Math.sqrt(parts.reduce((s, x) => s + (x.hi - x.m) ** 2, 0));
      expect(r.latency!.interval[0]).toBeCloseTo(sum - below, 10);
      expect(r.latency!.interval[1]).toBeCloseTo(sum + above, 10);
      expect(r.latency!.conservative[0]).toBeCloseTo(
        parts.reduce((s, x) => s + x.lo, 0),
        10,
      );
      expect(r.latency!.conservative[1]).toBeCloseTo(
        parts.reduce((s, x) => s + x.hi, 0),
        10,
      );
      // The conservative interval always contains the quadrature one.
      expect(r.latency!.conservative[0]).toBeLessThanOrEqual(r.latency!.interval[0]);
      expect(r.latency!.conservative[1]).toBeGreaterThanOrEqual(r.latency!.interval[1]);
    });
  }

  it('carries the flags of contributing entries', () => {
    const flagged = predictCandidate(p, parseCandidate(p.catalog, 'E1=R-R,E2=R-R,E3=R-R,D3=R-R-R,D2=R-R-R,D1=R-R-R'));
    expect(flagged.flags).toEqual(['throttled']);
    expect(flagged.flagged).toEqual([{ id: 'block/E2/R-R/l16/w1/fp32', flags: ['throttled'] }]);
    expect(predictCandidate(p, parseCandidate(p.catalog, '0.0.0.0.0.0')).flags).toEqual([]);
  });

  it('is unavailable with the missing and failed keys named', () => {
    const broken = syntheticLut(catalog, {
      ...cpuDevice,
      omit: ['part/time_mlp/l16/w1/fp32'],
      failed: ['block/D1/R-R-R/l16/w1/fp32'],
    });
    const bp = createPredictor(broken, 'broken.json', catalog);
    const r = predictCandidate(bp, parseCandidate(bp.catalog, '0.0.0.0.0.7'));
    expect(r.available).toBe(false);
    expect(r.latency).toBeUndefined();
    expect(r.missing).toEqual([
      'block/D1/R-R-R/l16/w1/fp32 (failed: runner exited with code 1)',
      'part/time_mlp/l16/w1/fp32 (missing)',
    ]);
    const space = predictSpace(bp);
    expect(space.availableCount).toBe(0);
    expect(space.problems).toHaveLength(2);
  });

  it('the whole-space fast path agrees with the per-candidate prediction', () => {
    const space = predictSpace(p);
    expect(space.size).toBe(32_768);
    expect(space.availableCount).toBe(32_768);
    for (let n = 0; n < space.size; n += 97) {
      const r = predictCandidate(p, candidateAt(p.catalog, n));
      expect(space.median[n]).toBeCloseTo(r.latency!.median, 9);
      expect(space.lo[n]).toBeCloseTo(r.latency!.interval[0], 9);
      expect(space.hi[n]).toBeCloseTo(r.latency!.interval[1], 9);
      expect(space.consLo[n]).toBeCloseTo(r.latency!.conservative[0], 9);
      expect(space.consHi[n]).toBeCloseTo(r.latency!.conservative[1], 9);
      expect(space.flags[n] !== 0).toBe(r.flags.length > 0);
    }
  });

  it('asks which configuration to use when a LUT holds several', () => {
    const a = syntheticLut(catalog, { ...cpuDevice, latent: 16 });
    const b = syntheticLut(catalog, { ...cpuDevice, latent: 32 });
    const both = { ...a, entries: [...a.entries, ...b.entries] };
    expect(() => createPredictor(both, 'both.json', catalog)).toThrow(UsageError);
    expect(() => createPredictor(both, 'both.json', catalog)).toThrow(/--latent/);
    expect(createPredictor(both, 'both.json', catalog, { latent: 32 }).config.latent).toBe(32);
    expect(() => createPredictor(both, 'both.json', catalog, { latent: 48 })).toThrow(
      /no block entries at the requested/,
    );
  });
});

describe('calibration against end-to-end candidates', () => {
  it('gives measured / predicted for candidates that have both, and says why others are skipped', () => {
    const codes = ['0.0.0.0.0.0', '3.3.3.7.7.7'];
    const predicted = codes.map((c) => predictCandidate(p, parseCandidate(p.catalog, c)));
    const extra = predicted.map((r, i) =>
      syntheticEntry(
        { kind: 'candidate', arch: r.code, latent: 16, width: 1, precision: 'fp32' },
        r.latency!.median * (i === 0 ? 1.1 : 1.2),
      ),
    );
    extra.push(syntheticEntry({ kind: 'candidate', arch: 'E1=nope', latent: 16, width: 1, precision: 'fp32' }, 10));
    const withCandidates = syntheticLut(catalog, {
      ...cpuDevice,
      flags: { 'block/E2/R-R/l16/w1/fp32': ['throttled'] },
      extra,
    });
    const cal = calibration(createPredictor(withCandidates, 'cal.json', catalog));
    expect(cal.points.map((x) => x.ratio)).toEqual([expect.closeTo(1.1, 9), expect.closeTo(1.2, 9)]);
    expect(cal.summary!.median).toBeCloseTo(1.15, 9);
    expect(cal.summary!.geomean).toBeCloseTo(Math.sqrt(1.1 * 1.2), 9);
    expect(cal.skipped).toHaveLength(1);
    expect(cal.skipped[0]!.reason).toMatch(/stage/);
    expect(entryId(extra[0]!.key)).toBe(extra[0]!.id);
  });
});
