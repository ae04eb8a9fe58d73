import { describe, expect, it } from 'vitest';
import { kendallTauB, midRanks, pearson, spearman } from '../../src/search/rank.js';
import { mulberry32 } from '../support/synthetic-lut.js';

function naiveTauB(x: number[], y: number[]): number {
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const sx = Math.sign(x[i]! - x[j]!);
      const sy = Math.sign(y[i]! - y[j]!);
      if (sx === 0 && sy === 0) continue;
      if (sx === 0) tx++;
      else if (sy === 0) ty++;
      else if (sx === sy) c++;
      else d++;
    }
  }
  return (c - d) / Math.sqrt((c + d + tx) * (c + d + ty));
}

function naiveRanks(x: number[]): number[] {
  return x.map((v) => {
    const below = x.filter((w) => w < v).length;
    const equal = x.filter((w) => w === v).length;
    return below + (equal + 1) / 2;
  });
}

describe('rank correlation', () => {
  it('Kendall tau-b (Knight, O(n log n)) equals the naive O(n^2) count on random data with ties', () => {
    const rand = mulberry32(7);
    for (let t = 0; t < 40; t++) {
      const n = 2 + Math.floor(rand() * 300);
      const levels = 2 + Math.floor(rand() * 20);
      const x = Array.from({ length: n }, () => Math.floor(rand() * levels));
      const y = x.map((v) => (rand() < 0.5 ? v : Math.floor(rand() * levels)));
      const naive = naiveTauB(x, y);
      const fast = kendallTauB(x, y);
      if (Number.isNaN(naive)) expect(fast).toBeNaN();
      else expect(fast).toBeCloseTo(naive, 12);
    }
  });

  it('Spearman uses mid-ranks for ties', () => {
    const rand = mulberry32(8);
    for (let t = 0; t < 20; t++) {
      const n = 3 + Math.floor(rand() * 100);
      const x = Array.from({ length: n }, () => Math.floor(rand() * 6));
      const y = Array.from({ length: n }, () => Math.floor(rand() * 6));
      expect(Array.from(midRanks(x))).toEqual(naiveRanks(x));
      expect(spearman(x, y)).toBeCloseTo(pearson(naiveRanks(x), naiveRanks(y)), 12);
    }
  });

  it('perfect agreement, reversal and constant input', () => {
    const x = [1, 2, 3, 4, 5];
    expect(kendallTauB(x, x)).toBe(1);
    expect(spearman(x, x)).toBeCloseTo(1, 12);
    expect(kendallTauB(x, [...x].reverse())).toBe(-1);
    expect(kendallTauB(x, [1, 1, 1, 1, 1])).toBeNaN();
  });

  it('handles the whole 32,768-candidate space size', () => {
    const rand = mulberry32(9);
    const x = Float64Array.from({ length: 32_768 }, () => rand());
    const y = x.map((v) => v + rand() * 0.1);
    const tau = kendallTauB(x, y);
    expect(tau).toBeGreaterThan(0.5);
    expect(tau).toBeLessThan(1);
  });
});
