import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, mulberry32 } from '../../../src/stats/index.js';

/** BH by its definition: q_i = min over p_j >= p_i of m p_j / #{k : p_k <= p_j}, capped at 1. */
function naiveBH(p: number[]): number[] {
  const m = p.length;
  return p.map((pi) => {
    let q = 1;
    for (const pj of p) {
      if (pj < pi) continue;
      const rank = p.filter((pk) => pk <= pj).length;
      q = Math.min(q, (m * pj) / rank);
    }
    return q;
  });
}

describe('Benjamini-Hochberg', () => {
  it("matches R's p.adjust(method = 'BH') on a hand example", () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5]);
    [0.025, 0.05, 0.05, 0.025, 0.5].forEach((want, i) => expect(q[i]).toBeCloseTo(want, 14));
  });
  it('matches the definition on random p-values, with ties', () => {
    const rng = mulberry32(1);
    for (let t = 0; t < 50; t++) {
      const m = 1 + Math.floor(rng() * 30);
      const p = Array.from({ length: m }, () => (rng() < 0.2 ? 0.02 : rng() ** 3));
      const got = benjaminiHochberg(p);
      naiveBH(p).forEach((want, i) => expect(got[i]).toBeCloseTo(want, 12));
      got.forEach((q, i) => expect(q).toBeGreaterThanOrEqual(p[i]!));
    }
  });
  it('empty input, and rejects values outside [0, 1]', () => {
    expect(benjaminiHochberg([])).toEqual([]);
    expect(() => benjaminiHochberg([0.2, 1.2])).toThrow(/outside/);
    expect(() => benjaminiHochberg([NaN])).toThrow(/outside/);
  });
});
