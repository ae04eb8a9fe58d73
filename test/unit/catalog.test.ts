import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { candidateCost, teacherCandidate, spaceSize } from '../../src/catalog/candidates.js';

describe('catalogue arithmetic', () => {
  it('the surgered teacher has exactly 523,217,604 parameters', () => {
    const r = loadCatalog('block-variants/sd15-nanosd.json').resolve(64, 1);
    expect(candidateCost(r, teacherCandidate(r)).params).toBe(523_217_604);
    expect(spaceSize(r)).toBe(32_768);
  });
  it('the full SD1.5 U-Net has exactly 859,520,964 parameters', () => {
    const r = loadCatalog('block-variants/sd15-full.json').resolve(64, 1);
    expect(candidateCost(r, teacherCandidate(r)).params).toBe(859_520_964);
  });
});
