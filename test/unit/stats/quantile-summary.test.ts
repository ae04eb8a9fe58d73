import { describe, expect, it } from 'vitest';
import type { EntryStats } from '../../../src/lut/schema.js';
import { statsSchema } from '../../../src/lut/schema.js';
import { geometricMean, mean, median, quantile, summarize, type SampleSummary } from '../../../src/stats/index.js';

describe('type-7 quantiles', () => {
  it('interpolates linearly between order statistics (hand-computed, = NumPy default)', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([4, 3, 2, 1], 0.5)).toBe(2.5);
    expect(quantile([0, 1, 2, 3], 0.75)).toBe(2.25);
    // h = (5 - 1) * 0.1 = 0.4 -> 10 + 0.4 * (20 - 10)
    expect(quantile([10, 20, 30, 40, 50], 0.1)).toBeCloseTo(14, 12);
    expect(quantile([10, 20, 30, 40, 50], 0.99)).toBeCloseTo(49.6, 12);
    expect(quantile([7], 0.3)).toBe(7);
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
  });
  it('rejects empty samples and probabilities outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow(/empty/);
    expect(() => quantile([1], 1.5)).toThrow(/outside/);
    expect(() => quantile([1], NaN)).toThrow(/outside/);
  });
  it('median of even and odd samples', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([5, 1, 3, 2])).toBe(2.5);
  });
});

describe('means', () => {
  it('arithmetic and geometric', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(geometricMean([2, 8])).toBeCloseTo(4, 14);
    expect(geometricMean([0.5, 2])).toBeCloseTo(1, 14);
    expect(() => geometricMean([])).toThrow();
    expect(() => geometricMean([1, 0])).toThrow(/positive/);
  });
});

describe('summarize', () => {
  it('gives every field by hand for [1..10, 100]', () => {
    const s = summarize([100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.n).toBe(11);
    expect(s.median).toBe(6);
    expect(s.mean).toBeCloseTo(155 / 11, 12);
    expect(s.min).toBe(1);
    expect(s.max).toBe(100);
    expect(s.p10).toBe(2); // h = 1
    expect(s.p90).toBe(10); // h = 9
    expect(s.p99).toBeCloseTo(91, 10); // h = 9.9: 10 + 0.9 * 90
    // |x - 6| sorted: 0 1 1 2 2 3 3 4 4 5 94 -> 3, scaled
    expect(s.mad).toBeCloseTo(3 * 1.4826, 12);
    expect(s.iqr).toBe(5); // 8.5 - 3.5
    // n = 11: F(1) = 12/2048 <= 0.025 < F(2) = 67/2048 -> [x(2), x(10)], coverage 1 - 24/2048
    expect(s.ci95).toEqual([2, 10]);
    expect(s.rme).toBeCloseTo(4 / 6, 14);
  });
  it('a single sample has a degenerate interval', () => {
    expect(summarize([4.2])).toMatchObject({ n: 1, median: 4.2, ci95: [4.2, 4.2], rme: 0, mad: 0, iqr: 0 });
  });
  it('throws on empty or non-finite samples', () => {
    expect(() => summarize([])).toThrow(/empty/);
    expect(() => summarize([1, NaN])).toThrow(/NaN/);
    expect(() => summarize([1, Infinity])).toThrow(/Infinity/);
  });
  it('is structurally the LUT EntryStats and passes its schema', () => {
    const s: EntryStats = summarize([3, 1, 2, 5, 4, 4, 3, 2]);
    const back: SampleSummary = s;
    expect(statsSchema.parse(back)).toEqual(s);
    expect(Object.keys(s).sort()).toEqual(Object.keys(statsSchema.shape).sort());
  });
  it('gives a median of 0 with spread a relative margin of 1, not Infinity', () => {
    expect(summarize([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]).rme).toBe(1);
    expect(summarize([0, 0, 0]).rme).toBe(0);
  });
});
