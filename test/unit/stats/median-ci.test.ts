import { describe, expect, it } from 'vitest';
import { medianCi, medianCiRanks, relativeMargin } from '../../../src/stats/index.js';

/** Exact binomial(n, 1/2) CDF with BigInt counts: a naive reference. */
function binomHalfCdf(n: number, r: number): number {
  let c = 1n;
  let sum = 0n;
  for (let k = 0; k <= r; k++) {
    sum += c;
    c = (c * BigInt(n - k)) / BigInt(k + 1);
  }
  return Number((sum * 10n ** 18n) / 2n ** BigInt(n)) / 1e18;
}

/** Naive search: the narrowest symmetric [x(j), x(n+1-j)] whose coverage 1 - 2 F(j-1) >= conf. */
function naiveRanks(n: number, conf: number): { lo: number; hi: number } {
  let best = { lo: 0, hi: n - 1 };
  for (let j = 1; 2 * j <= n + 1; j++) {
    if (1 - 2 * binomHalfCdf(n, j - 1) >= conf - 1e-12) best = { lo: j - 1, hi: n - j };
  }
  return best;
}

describe('order-statistic CI of the median', () => {
  it('textbook values: n = 10 -> [x(2), x(9)], n = 20 -> [x(6), x(15)]', () => {
    expect(medianCiRanks(10)).toMatchObject({ lo: 1, hi: 8 });
    expect(medianCiRanks(10).coverage).toBeCloseTo(1 - 2 * (11 / 1024), 12);
    expect(medianCiRanks(20)).toMatchObject({ lo: 5, hi: 14 });
  });

  it('matches a brute-force search for n = 6..120 at 95% and 99%', () => {
    for (let n = 6; n <= 120; n++) {
      for (const conf of [0.95, 0.99]) {
        const got = medianCiRanks(n, conf);
        expect({ n, conf, lo: got.lo, hi: got.hi }).toEqual({ n, conf, ...naiveRanks(n, conf) });
        const reachable = 1 - 2 * 0.5 ** n >= conf;
        if (reachable) expect(got.coverage).toBeGreaterThanOrEqual(conf - 1e-12);
        else expect({ lo: got.lo, hi: got.hi }).toEqual({ lo: 0, hi: n - 1 });
      }
    }
  });

  it('small n: no interval reaches 95%, so [min, max] with its real coverage', () => {
    for (let n = 1; n <= 5; n++) {
      const r = medianCiRanks(n);
      expect(r).toMatchObject({ lo: 0, hi: n - 1 });
      expect(r.coverage).toBeCloseTo(1 - 2 * 0.5 ** n, 12);
      expect(r.coverage).toBeLessThan(0.95);
    }
    expect(medianCiRanks(6).coverage).toBeGreaterThan(0.95);
    expect(medianCi([3, 1, 2])).toEqual([1, 3]);
  });

  it('works for large n without underflow', () => {
    const r = medianCiRanks(10_001);
    // normal approximation: n/2 -/+ 1.96 sqrt(n)/2 ~ 5000 -/+ 98
    expect(Math.abs(r.lo - (5000 - 98))).toBeLessThanOrEqual(2);
    expect(r.lo + r.hi).toBe(10_000);
  });

  it('relative margin is half-width over median', () => {
    const xs = [10, 11, 9, 10.5, 9.5, 10.2, 9.8, 10.1, 9.9, 10];
    const [lo, hi] = medianCi(xs);
    expect([lo, hi]).toEqual([9.5, 10.5]);
    expect(relativeMargin(xs)).toBeCloseTo(0.5 / 10, 12);
  });

  it('rejects bad input', () => {
    expect(() => medianCi([])).toThrow();
    expect(() => medianCiRanks(10, 1)).toThrow();
  });
});
