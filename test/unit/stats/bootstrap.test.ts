import { describe, expect, it } from 'vitest';
import {
  bootstrapMedians,
  gaussian,
  geometricMean,
  geomeanOfRatios,
  median,
  mulberry32,
  ratioOfMedians,
} from '../../../src/stats/index.js';

function logNormal(n: number, level: number, cv: number, rng: () => number): number[] {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return Array.from({ length: n }, () => level * Math.exp(sigma * gaussian(rng)));
}

describe('bootstrap medians', () => {
  it('equal a naive resample-and-sort bootstrap on the same random stream', () => {
    for (const n of [1, 2, 7, 30, 31]) {
      const sorted = logNormal(n, 5, 0.1, mulberry32(n)).sort((a, b) => a - b);
      const fast = bootstrapMedians(sorted, 300, mulberry32(77));
      const rng = mulberry32(77);
      for (let b = 0; b < 300; b++) {
        const resample = Array.from({ length: n }, () => sorted[Math.floor(rng() * n)]!);
        expect(fast[b]).toBeCloseTo(median(resample), 12);
      }
    }
  });
});

describe('ratio of medians', () => {
  const rng = mulberry32(3);
  const base = logNormal(30, 10, 0.03, rng);
  const cur = logNormal(30, 11, 0.03, rng);

  it('is the ratio of the sample medians, with a reproducible interval around it', () => {
    const a = ratioOfMedians(base, cur, { seed: 1, resamples: 2000 });
    expect(a.ratio).toBeCloseTo(median(cur) / median(base), 14);
    expect(a.ci95[0]).toBeLessThan(a.ratio);
    expect(a.ci95[1]).toBeGreaterThan(a.ratio);
    expect(ratioOfMedians(base, cur, { seed: 1, resamples: 2000 })).toEqual(a);
    expect(ratioOfMedians(base, cur, { seed: 2, resamples: 2000 }).ci95).not.toEqual(a.ci95);
  });

  it('covers the true ratio in most repeated experiments (3% CV, n = 30, +10%)', () => {
    const r = mulberry32(11);
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const ci = ratioOfMedians(logNormal(30, 10, 0.03, r), logNormal(30, 11, 0.03, r), {
        seed: t,
        resamples: 500,
      }).ci95;
      if (ci[0] <= 1.1 && 1.1 <= ci[1]) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
  });

  it('identical samples give ratio 1 and an interval containing 1', () => {
    const r = ratioOfMedians(base, base, { seed: 4, resamples: 1000 });
    expect(r.ratio).toBe(1);
    expect(r.ci95[0]).toBeLessThanOrEqual(1);
    expect(r.ci95[1]).toBeGreaterThanOrEqual(1);
  });

  it('rejects non-positive medians and bad resample counts', () => {
    expect(() => ratioOfMedians([0, 0, 0], [1, 1, 1], { seed: 1, resamples: 10 })).toThrow(/positive/);
    expect(() => ratioOfMedians([1], [1], { seed: 1, resamples: 0 })).toThrow(/resamples/);
  });
});

describe('suite geometric mean of ratios', () => {
  it('is the geometric mean of the per-entry ratios, with an interval', () => {
    const rng = mulberry32(9);
    const pairs = [1, 1.05, 1.2, 0.9].map((shift) => ({
      baseline: logNormal(30, 5, 0.03, rng),
      current: logNormal(30, 5 * shift, 0.03, rng),
    }));
    const g = geomeanOfRatios(pairs, { seed: 5, resamples: 1000 });
    const ratios = pairs.map((p) => median(p.current) / median(p.baseline));
    expect(g.geomean).toBeCloseTo(geometricMean(ratios), 14);
    expect(g.ci95[0]).toBeLessThan(g.geomean);
    expect(g.ci95[1]).toBeGreaterThan(g.geomean);
    // Averaging independent entries narrows the interval relative to a single entry's.
    const single = ratioOfMedians(pairs[0]!.baseline, pairs[0]!.current, { seed: 5, resamples: 1000 }).ci95;
    expect(g.ci95[1] - g.ci95[0]).toBeLessThan(single[1] - single[0]);
  });
  it("with one pair equals that pair's ratio and interval", () => {
    const rng = mulberry32(10);
    const p = { baseline: logNormal(20, 5, 0.05, rng), current: logNormal(20, 6, 0.05, rng) };
    const g = geomeanOfRatios([p], { seed: 8, resamples: 800 });
    const r = ratioOfMedians(p.baseline, p.current, { seed: 8, resamples: 800 });
    expect(g.geomean).toBeCloseTo(r.ratio, 14);
    expect(g.ci95[0]).toBeCloseTo(r.ci95[0], 12);
    expect(g.ci95[1]).toBeCloseTo(r.ci95[1], 12);
  });
});
