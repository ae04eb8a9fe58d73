import { describe, expect, it } from 'vitest';
import {
  gaussian,
  mannKendall,
  mulberry32,
  theilSenSlope,
  trendTest,
  tukeyOutliers,
} from '../../../src/stats/index.js';

describe('Tukey outliers', () => {
  it('labels by hand-computed fences and keeps every sample', () => {
    // sorted: -6 2 3 3 4 4 4 5 5 6 9 20; q1 = 3 (h = 2.75), q3 = 5.25 (h = 8.25), IQR = 2.25
    // mild fences -0.375 / 8.625, severe fences -3.75 / 12
    const xs = [4, 20, 3, 5, -6, 4, 2, 9, 3, 6, 5, 4];
    const r = tukeyOutliers(xs);
    expect(r.fences).toEqual([-3.75, -0.375, 8.625, 12]);
    expect(r).toMatchObject({ lowSevere: 1, lowMild: 0, highMild: 1, highSevere: 1 });
    expect(r.labels).toHaveLength(xs.length);
    expect(r.labels[1]).toBe('high-severe');
    expect(r.labels[4]).toBe('low-severe');
    expect(r.labels[7]).toBe('high-mild');
    expect(r.labels.filter((l) => l === 'ok')).toHaveLength(9);
  });
  it('a value exactly on a fence is not beyond it', () => {
    // [0, 1, 2, 3, 4]: q1 = 1, q3 = 3, IQR = 2 -> high mild fence 6, severe 9
    expect(tukeyOutliers([0, 1, 2, 3, 4, 6]).highMild).toBe(0);
    const r = tukeyOutliers([0, 1, 2, 3, 4]);
    expect(r.labels.every((l) => l === 'ok')).toBe(true);
  });
  it('no spread, no outliers unless a value differs', () => {
    expect(tukeyOutliers([5, 5, 5, 5]).labels).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(() => tukeyOutliers([])).toThrow();
  });
});

/** All permutations of xs (naive). */
function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

function noisy(n: number, seed: number, cv: number, level: (i: number) => number): number[] {
  const rng = mulberry32(seed);
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return Array.from({ length: n }, (_, i) => level(i) * Math.exp(sigma * gaussian(rng)));
}

describe('Mann-Kendall trend', () => {
  it('S counts concordant minus discordant pairs (vs a naive double loop, with ties)', () => {
    expect(mannKendall([1, 2, 3, 4]).s).toBe(6);
    expect(mannKendall([4, 3, 2, 1]).s).toBe(-6);
    expect(mannKendall([1, 3, 2, 2]).s).toBe(1 + 1 + 1 - 1 - 1 + 0);
    const rng = mulberry32(8);
    for (let t = 0; t < 40; t++) {
      const xs = Array.from({ length: 1 + Math.floor(rng() * 60) }, () => Math.floor(rng() * 12));
      let s = 0;
      for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) s += Math.sign(xs[j]! - xs[i]!);
      expect(mannKendall(xs).s).toBe(s);
    }
  });
  it('variance formula equals the exact permutation variance, with and without ties', () => {
    for (const xs of [
      [1, 2, 3, 4, 5],
      [1, 1, 2, 3, 3],
      [2, 2, 2, 5, 7, 7],
    ]) {
      const ss = permutations(xs).map((p) => mannKendall(p).s);
      const exactVar = ss.reduce((a, s) => a + s * s, 0) / ss.length; // mean of S is 0
      expect(mannKendall(xs).variance).toBeCloseTo(exactVar, 10);
    }
  });
  it('Theil-Sen slope ignores a wild point', () => {
    expect(theilSenSlope([1, 3, 5, 7, 100])).toBe(2);
    expect(theilSenSlope([5])).toBe(0);
  });
  it('flat noise does not flag', () => {
    for (const seed of [1, 2, 3]) {
      const r = trendTest(noisy(200, seed, 0.03, () => 10));
      expect(r.rising).toBe(false);
      expect(Math.abs(r.relativeRise)).toBeLessThan(0.02);
    }
  });
  it('a 10% linear rise flags, with the fitted rise close to 10%', () => {
    const r = trendTest(noisy(100, 4, 0.01, (i) => 10 * (1 + (0.1 * i) / 99)));
    expect(r.rising).toBe(true);
    expect(r.p).toBeLessThan(1e-6);
    expect(r.relativeRise).toBeGreaterThan(0.08);
    expect(r.relativeRise).toBeLessThan(0.12);
  });
  it('throttling (the last third 8% slower) flags', () => {
    expect(trendTest(noisy(90, 5, 0.02, (i) => (i >= 60 ? 10.8 : 10))).rising).toBe(true);
  });
  it('a tiny but significant drift on a long sample does not flag', () => {
    const r = trendTest(noisy(3000, 6, 0.01, (i) => 10 * (1 + (0.005 * i) / 2999)));
    expect(r.p).toBeLessThan(0.01);
    expect(r.relativeRise).toBeLessThan(0.02);
    expect(r.rising).toBe(false);
  });
  it('falling latency is not "rising"', () => {
    const r = trendTest(noisy(100, 7, 0.01, (i) => 10 * (1 - (0.1 * i) / 99)));
    expect(r.rising).toBe(false);
    expect(r.p).toBeGreaterThan(0.99);
    expect(r.relativeRise).toBeLessThan(-0.08);
  });
  it('too few samples or no variation: p = 1', () => {
    expect(trendTest([1, 2, 3])).toEqual({ rising: false, p: 1, relativeRise: 0, slope: 0 });
    expect(trendTest([4, 4, 4, 4, 4]).p).toBe(1);
  });
});
