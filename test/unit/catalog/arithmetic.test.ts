// Catalogue arithmetic against the reference counts (reference/nanosd-paper.md §2.4, §5).
import { describe, expect, it } from 'vitest';
import { candidateCost, parseCandidate, spaceSize, teacherCandidate } from '../../../src/catalog/candidates.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { scaleChannels } from '../../../src/catalog/channels.js';
import type { ResolvedCatalog } from '../../../src/catalog/types.js';

const nano = loadCatalog('block-variants/sd15-nanosd.json');
const full = loadCatalog('block-variants/sd15-full.json');
const unitOf = (cat: ResolvedCatalog, stage: string, unit: string) => {
  const s = cat.stages.find((x) => x.name === stage)!;
  return s.variants[s.teacher]!.units.find((u) => u.name === unit)!;
};
const M = (x: number) => Math.round(x / 1e3) / 1e3; // params in millions, 3 decimals
const G = (x: number) => Math.round(x / 1e7) / 1e2; // MACs in G, 2 decimals

describe('exact parameter counts at width 1', () => {
  it('full SD1.5 U-Net: 859,520,964', () => {
    const r = full.resolve(64, 1);
    expect(candidateCost(r, teacherCandidate(r)).params).toBe(859_520_964);
  });
  it('surgered teacher: 523,217,604', () => {
    const r = nano.resolve(64, 1);
    expect(candidateCost(r, teacherCandidate(r)).params).toBe(523_217_604);
    expect(nano.spec.reference?.['teacher']).toBe(523_217_604);
  });
  it('per unit, as in the §2.4 table', () => {
    const r = nano.resolve(64, 1);
    const table: [string, string, number][] = [
      ['E1', 'R1', 2.255],
      ['E1', 'A1', 2.546],
      ['E1', 'Down', 0.922],
      ['E2', 'R1', 6.558],
      ['E2', 'R2', 8.196],
      ['E2', 'A1', 9.188],
      ['E2', 'Down', 3.687],
      ['E3', 'R1', 24.585],
      ['E3', 'R2', 31.139],
      ['E3', 'A1', 34.761],
      ['D3', 'R1', 49.165],
      ['D3', 'R2', 49.165],
      ['D3', 'R3', 40.972],
      ['D3', 'Up', 14.747],
      ['D2', 'R1', 16.801],
      ['D2', 'R2', 12.704],
      ['D2', 'R3', 10.655],
      ['D2', 'Up', 3.687],
      ['D1', 'R1', 4.407],
      ['D1', 'R2', 3.382],
      ['D1', 'R3', 3.382],
      ['D1', 'A1', 2.546],
    ];
    for (const [stage, unit, millions] of table)
      expect(M(unitOf(r, stage, unit).params), `${stage} ${unit}`).toBe(millions);
    expect(M(r.parts.reduce((a, p) => a + p.params, 0))).toBe(2.075);
  });
  it('H1 minimum (all residual-only) is 290.7 M; teacher-minus-one-attention as listed', () => {
    const r = nano.resolve(64, 1);
    const minimum = r.stages.map((s) => s.variants.length - 1);
    expect(Math.round(candidateCost(r, minimum).params / 1e5) / 10).toBe(290.7);
    const e1 = r.stages[0]!;
    expect(M(e1.variants.find((v) => v.name === 'R-A-R')!.params)).toBeCloseTo(7.98, 2);
    const d3 = r.stages[3]!;
    expect(Math.round(d3.variants.find((v) => v.name === 'R-A-R-A-R')!.params / 1e5) / 10).toBe(223.6);
  });
});

describe('MACs', () => {
  it('at latent 64: 378.0 G for the teacher, 401.6 G for SD1.5, and the §2.4 per-unit values', () => {
    const r = nano.resolve(64, 1);
    expect(Math.round(candidateCost(r, teacherCandidate(r)).macs / 1e8) / 10).toBe(378.0);
    const f = full.resolve(64, 1);
    expect(Math.round(candidateCost(f, teacherCandidate(f)).macs / 1e8) / 10).toBe(401.6);
    expect(G(unitOf(r, 'E1', 'R1').macs)).toBe(7.55);
    expect(G(unitOf(r, 'E1', 'A1').macs)).toBe(19.37);
    expect(G(unitOf(r, 'D3', 'Up').macs)).toBe(15.1);
    expect(G(unitOf(r, 'D1', 'R1').macs)).toBe(16.36);
    expect(G(r.stages[5]!.variants[0]!.macs)).toBeCloseTo(98.78, 2);
  });
  it('at latent 16: teacher total 21.3 G, H1 minimum 11.75 G', () => {
    const r = nano.resolve(16, 1);
    expect(Math.round(candidateCost(r, teacherCandidate(r)).macs / 1e8) / 10).toBe(21.3);
    expect(
      Math.round(
        candidateCost(
          r,
          r.stages.map((s) => s.variants.length - 1),
        ).macs / 1e7,
      ) / 100,
    ).toBe(11.75);
  });
});

describe('width multiplier', () => {
  it('scales channels to multiples of 32, never below 32; fixed channels stay', () => {
    expect(scaleChannels(320, 0.5, 32)).toBe(160);
    expect(scaleChannels(320, 0.3, 32)).toBe(96);
    expect(scaleChannels(320, 0.01, 32)).toBe(32);
    expect(scaleChannels(1280, 1.5, 32)).toBe(1920);
    expect(scaleChannels({ fixed: 4 }, 0.5, 32)).toBe(4);
  });
  it('gives smaller models with the same topology', () => {
    const half = nano.resolve(16, 0.5);
    const one = nano.resolve(16, 1);
    const t = (c: ResolvedCatalog) => candidateCost(c, teacherCandidate(c)).params;
    expect(t(half)).toBeLessThan(t(one) / 3);
    expect(half.tensors.get('s8')!.shape).toEqual([1, 640, 4, 4]);
    expect(half.tensors.get('latent')!.shape).toEqual([1, 4, 16, 16]);
  });
});

describe('the search space', () => {
  it('has 36 variants, 6 of them teachers, and 4*4*4*8*8*8 = 32,768 candidates', () => {
    const r = nano.resolve(16, 1);
    expect(r.stages.map((s) => s.variants.length)).toEqual([4, 4, 4, 8, 8, 8]);
    expect(r.stages.flatMap((s) => s.variants).filter((v) => v.isTeacher)).toHaveLength(6);
    expect(spaceSize(r)).toBe(32_768);
  });
  it('reads candidate codes by names and by indices', () => {
    const r = nano.resolve(16, 1);
    const byName = parseCandidate(r, 'E1=R-A-R-A,E2=R-R,E3=R-A-R,D3=R-A-R-A-R-A,D2=R-R-R,D1=R-A-R-R-A');
    expect(byName).toEqual([0, 3, 1, 0, 7, 2]);
    expect(parseCandidate(r, '0.3.1.0.7.2')).toEqual(byName);
    expect(() => parseCandidate(r, '0.3.1.0.8.2')).toThrow(/D2 has variants 0..7/);
    expect(() => parseCandidate(r, 'E1=R-A-R-A')).toThrow(/does not choose a variant for E2/);
    expect(() => parseCandidate(r, 'E1=R-A-X-A,E2=R-R,E3=R-A-R,D3=R-A-R-A-R-A,D2=R-R-R,D1=R-A-R-R-A')).toThrow(
      /unknown variant of stage E1 'R-A-X-A'; known: R-A-R-A, R-A-R, R-R-A, R-R/,
    );
  });
});
