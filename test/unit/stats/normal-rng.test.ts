import { describe, expect, it } from 'vitest';
import { erf, erfc, gaussian, mulberry32, normalCdf, normalSf, seedFor, shuffled } from '../../../src/stats/index.js';

/** Composite Simpson integral of 2/sqrt(pi) exp(-t^2) over [a, b]: a naive erf reference. */
function simpsonErf(a: number, b: number, steps = 20_000): number {
  const h = (b - a) / steps;
  const f = (t: number) => Math.exp(-t * t);
  let s = f(a) + f(b);
  for (let i = 1; i < steps; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

describe('erf / erfc / normal CDF', () => {
  it('matches published values', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 15);
    expect(erfc(1) / 0.15729920705028513).toBeCloseTo(1, 13);
    expect(erfc(2) / 0.004677734981047266).toBeCloseTo(1, 12);
    expect(erfc(10) / 2.088487583762545e-45).toBeCloseTo(1, 12);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-3) / 0.0013498980316300946).toBeCloseTo(1, 12);
    expect(normalSf(5) / 2.866515718791939e-7).toBeCloseTo(1, 12);
    expect(normalSf(8) / 6.22096057427178e-16).toBeCloseTo(1, 11);
    expect(normalCdf(0)).toBe(0.5);
  });

  it('agrees with numerical integration across the range, including the far tail', () => {
    for (const x of [0.01, 0.3, 0.9, 1.5, 1.99, 2, 2.01, 2.7, 3.5, 4.5, 6]) {
      const tail = simpsonErf(x, x + 12);
      expect(erfc(x) / tail).toBeCloseTo(1, 9);
      expect(erf(x)).toBeCloseTo(simpsonErf(0, x), 12);
    }
  });

  it('is odd / complementary for negative arguments', () => {
    for (const x of [0.2, 1.7, 2.5, 5]) {
      expect(erf(-x)).toBe(-erf(x));
      expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 15);
      expect(normalCdf(-x) + normalCdf(x)).toBeCloseTo(1, 14);
    }
  });
});

describe('seeded randomness', () => {
  it('mulberry32 is deterministic, in [0, 1), and differs between seeds', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.slice(0, 5)).not.toEqual(Array.from({ length: 5 }, () => c()));
  });

  it('mulberry32 is roughly uniform (chi-square over 10 bins, loose bound)', () => {
    const rng = mulberry32(123);
    const bins = new Array<number>(10).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) bins[Math.floor(rng() * 10)]!++;
    const chi2 = bins.reduce((s, o) => s + (o - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(30); // 9 degrees of freedom: P(chi2 > 30) ~ 4e-4
  });

  it('shuffled returns a permutation, leaves the input alone and is seeded', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const s1 = shuffled(xs, mulberry32(1));
    expect(xs).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...s1].sort((a, b) => a - b)).toEqual(xs);
    expect(s1).not.toEqual(xs);
    expect(shuffled(xs, mulberry32(1))).toEqual(s1);
    expect(shuffled(xs, mulberry32(2))).not.toEqual(s1);
  });

  it('shuffled gives the order of the classic Fisher-Yates loop on the same seed (a seed keeps its order)', () => {
    const classic = (xs: number[], rng: () => number) => {
      const out = xs.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };
    for (const n of [0, 1, 2, 7, 39]) {
      const xs = Array.from({ length: n }, (_, i) => i);
      for (const seed of [1, 17, 7919]) expect(shuffled(xs, mulberry32(seed))).toEqual(classic(xs, mulberry32(seed)));
    }
  });

  it('shuffled puts every element in every position about equally often', () => {
    const rng = mulberry32(99);
    const counts = [0, 0, 0, 0];
    for (let t = 0; t < 8000; t++) counts[shuffled([0, 1, 2, 3], rng).indexOf(0)]!++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it('seedFor gives stable, name-dependent seeds', () => {
    expect(seedFor(1, 'block/E1/R-A/l16/w1/fp32')).toBe(seedFor(1, 'block/E1/R-A/l16/w1/fp32'));
    expect(seedFor(1, 'a')).not.toBe(seedFor(1, 'b'));
    expect(seedFor(1, 'a')).not.toBe(seedFor(2, 'a'));
    expect(Number.isInteger(seedFor(5, 'x')) && seedFor(5, 'x') >= 0).toBe(true);
  });

  it('gaussian has mean 0 and sd 1', () => {
    const rng = mulberry32(5);
    const xs = Array.from({ length: 20_000 }, () => gaussian(rng));
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
});
