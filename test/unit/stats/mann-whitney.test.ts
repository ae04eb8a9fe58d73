import { describe, expect, it } from 'vitest';
import { exactUDistribution, gaussian, mannWhitney, mannWhitneyMinP, mulberry32 } from '../../../src/stats/index.js';

/** U of a by brute force over all pairs, ties counting one half. */
function bruteU(a: readonly number[], b: readonly number[]): number {
  let u = 0;
  for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
  return u;
}

/** All ways to choose k indices of n. */
function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === k) return void out.push(chosen.slice());
    for (let i = start; i < n; i++) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  return out;
}

/** Exact permutation p-value: relabel the pooled values in every possible way (ties included). */
function permutationP(a: number[], b: number[], alternative: 'greater' | 'less' | 'two-sided'): number {
  const pooled = [...a, ...b];
  const observed = bruteU(a, b);
  let ge = 0;
  let le = 0;
  let total = 0;
  for (const idx of combinations(pooled.length, a.length)) {
    const set = new Set(idx);
    const u = bruteU(
      idx.map((i) => pooled[i]!),
      pooled.filter((_, i) => !set.has(i)),
    );
    if (u >= observed - 1e-9) ge++;
    if (u <= observed + 1e-9) le++;
    total++;
  }
  if (alternative === 'greater') return ge / total;
  if (alternative === 'less') return le / total;
  return Math.min(1, (2 * Math.min(ge, le)) / total);
}

const sample = (n: number, rng: () => number, shift = 0) =>
  Array.from({ length: n }, () => Math.round((gaussian(rng) + shift) * 1e6) / 1e6);

describe('Mann-Whitney U', () => {
  it('U equals the brute-force pair count, with ties', () => {
    const rng = mulberry32(1);
    for (let t = 0; t < 20; t++) {
      const a = Array.from({ length: 3 + (t % 7) }, () => Math.floor(rng() * 6));
      const b = Array.from({ length: 2 + (t % 5) }, () => Math.floor(rng() * 6));
      expect(mannWhitney(a, b).u).toBe(bruteU(a, b));
    }
  });

  it('exact p equals full enumeration for small samples without ties', () => {
    const rng = mulberry32(2);
    for (const [m, n] of [
      [4, 5],
      [3, 7],
      [6, 6],
      [1, 8],
      [5, 2],
    ] as const) {
      for (const shift of [0, 0.8, -1.5]) {
        const a = sample(m, rng, shift);
        const b = sample(n, rng);
        for (const alt of ['greater', 'less', 'two-sided'] as const) {
          const r = mannWhitney(a, b, alt);
          expect(r.method).toBe('exact');
          expect(r.p).toBeCloseTo(permutationP(a, b, alt), 12);
        }
      }
    }
  });

  it("'greater' means the first sample tends to be larger", () => {
    const a = [10, 11, 12, 13, 14, 15];
    const b = [1, 2, 3, 4, 5, 6];
    expect(mannWhitney(a, b, 'greater').p).toBeCloseTo(1 / 924, 14);
    expect(mannWhitney(a, b, 'less').p).toBeCloseTo(1, 14);
    expect(mannWhitney(a, b, 'two-sided').p).toBeCloseTo(2 / 924, 14);
    expect(mannWhitney(a, b).u).toBe(36);
  });

  it('with ties uses the tie-corrected normal approximation (SciPy 1.17 asymptotic values)', () => {
    const c = [1, 2, 2, 3, 3, 3, 4, 5, 6, 6, 7, 8, 8, 9, 10, 11, 12, 12];
    const d = [2, 3, 4, 4, 5, 5, 6, 6, 7, 7, 7, 8, 9, 9, 10, 10];
    const g = mannWhitney(c, d, 'greater');
    expect(g.method).toBe('normal');
    expect(g.u).toBe(136);
    expect(g.p).toBeCloseTo(0.6158189230119677, 12);
    expect(mannWhitney(c, d, 'two-sided').p).toBeCloseTo(0.7949649987528762, 12);
  });

  it('the tie-corrected approximation is close to the exact permutation p (m = n = 8, heavy ties)', () => {
    const rng = mulberry32(3);
    for (let t = 0; t < 3; t++) {
      const a = Array.from({ length: 8 }, () => Math.floor(rng() * 5) + 1);
      const b = Array.from({ length: 8 }, () => Math.floor(rng() * 5));
      for (const alt of ['greater', 'two-sided'] as const) {
        expect(Math.abs(mannWhitney(a, b, alt).p - permutationP(a, b, alt))).toBeLessThan(0.03);
      }
    }
  });

  it('large samples without ties: normal approximation by the textbook formula', () => {
    const rng = mulberry32(4);
    const a = sample(60, rng, 0.3);
    const b = sample(70, rng);
    const r = mannWhitney(a, b, 'greater');
    expect(r.method).toBe('normal');
    const mu = (60 * 70) / 2;
    const sd = Math.sqrt((60 * 70 * 131) / 12);
    const z = (bruteU(a, b) - mu - 0.5) / sd;
    // upper normal tail by Simpson integration of the density
    const steps = 20_000;
    const h = 12 / steps;
    let s = 0;
    for (let i = 0; i <= steps; i++)
      s += (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * Math.exp(-((z + i * h) ** 2) / 2);
    expect(r.p).toBeCloseTo((s * h) / 3 / Math.sqrt(2 * Math.PI), 10);
  });

  it('the exact null distribution sums to 1, is symmetric, and matches the normal shape for 50 x 50', () => {
    const d = exactUDistribution(50, 50);
    expect(d.length).toBe(2501);
    expect(d.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(d[10]).toBeCloseTo(d[2490]!, 20);
    expect(exactUDistribution(3, 4)).toEqual(exactUDistribution(4, 3));
    // P(U = mean) ~ density of N(mn/2, mn(N+1)/12) at its centre
    expect(d[1250]! * Math.sqrt(2 * Math.PI * ((2500 * 101) / 12))).toBeCloseTo(1, 2);
  });

  it('smallest achievable p: 1 / C(m + n, m), doubled two-sided', () => {
    expect(mannWhitneyMinP(3, 3, 'greater')).toBeCloseTo(1 / 20, 14);
    expect(mannWhitneyMinP(3, 3, 'two-sided')).toBeCloseTo(1 / 10, 14);
    expect(mannWhitneyMinP(4, 4, 'greater')).toBeCloseTo(1 / 70, 14); // cannot reach 0.01
    expect(mannWhitneyMinP(5, 5, 'greater')).toBeCloseTo(1 / 252, 14);
    expect(mannWhitneyMinP(1, 1, 'two-sided')).toBe(1);
    expect(mannWhitney([1, 2, 3], [4, 5, 6], 'less').minP).toBeCloseTo(1 / 20, 14);
    expect(mannWhitney([1, 2, 3], [4, 5, 6], 'less').p).toBeCloseTo(1 / 20, 14);
  });

  it('all values equal: p = 1', () => {
    expect(mannWhitney([2, 2, 2], [2, 2], 'two-sided').p).toBe(1);
    expect(() => mannWhitney([], [1])).toThrow();
  });
});
