// Between-round statistics: the chi-square tail against closed forms, round estimates against
// hand-computed values, and the pooled drift estimate against data drawn with a known drift.
import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  effectiveRounds,
  gammaQ,
  gaussian,
  groupByRound,
  lnGamma,
  mulberry32,
  normalQuantile,
  pooledRoundVariance,
  roundEstimate,
  roundEstimates,
  roundHeterogeneity,
  type RoundEstimate,
} from '../../../src/stats/index.js';

const est = (median: number, logSd: number, n = 20): RoundEstimate => ({
  n,
  median,
  logMedian: Math.log(median),
  logVar: logSd * logSd,
});

describe('chi-square upper tail and its helpers', () => {
  it('lnGamma matches known values', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5723649429247004, 12); // ln sqrt(pi)
    expect(lnGamma(10.3)).toBeCloseTo(13.48203678613836, 10);
  });
  it('matches the closed forms for 1, 2 and 4 degrees of freedom', () => {
    expect(chiSquareSf(3.2, 1)).toBeCloseTo(0.07363827012030266, 12); // erfc(sqrt(x/2))
    expect(chiSquareSf(7.3, 2)).toBeCloseTo(Math.exp(-7.3 / 2), 14);
    expect(chiSquareSf(5, 4)).toBeCloseTo(Math.exp(-2.5) * (1 + 2.5), 12);
    expect(chiSquareSf(80, 2)).toBeCloseTo(Math.exp(-40), 25); // far tail, continued fraction
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(gammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 14);
  });
  it('normal quantile inverts the CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.9599639845400536, 9);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 9);
    expect(() => normalQuantile(1)).toThrow();
  });
});

describe('rounds of one entry', () => {
  it('groups samples by their round, in round order, and falls back to one group', () => {
    expect(groupByRound([1, 2, 3, 4], [1, 0, 1, 0])).toEqual([
      [2, 4],
      [1, 3],
    ]);
    expect(groupByRound([1, 2, 3])).toEqual([[1, 2, 3]]);
    expect(groupByRound([1, 2, 3], [0, 1])).toEqual([[1, 2, 3]]); // lengths disagree: not trusted
    expect(groupByRound([])).toEqual([]);
  });
  it('estimates a round median and its variance from the order-statistic interval', () => {
    // n = 10: the interval is [x(2), x(9)] with coverage 1 - 22/1024; its z is 2.2993622974.
    const r = roundEstimate([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])!;
    expect(r.median).toBe(5.5);
    expect(r.logMedian).toBeCloseTo(Math.log(5.5), 14);
    const sd = Math.log(9 / 2) / (2 * 2.2993622974032286);
    expect(r.logVar).toBeCloseTo(sd * sd, 10);
    expect(roundEstimate([1, 2, 3, 4])).toBeNull(); // too small to say anything about its noise
    expect(roundEstimate([0, 0, 0, 1, 2])).toBeNull(); // a zero median: timer too coarse
    expect(roundEstimates([5, 5, 5, 5, 5, 6, 1, 2], [0, 0, 0, 0, 0, 0, 1, 1])).toHaveLength(1);
  });
  it("Cochran's Q: rounds that agree within their noise pass, a shifted round does not", () => {
    // Two rounds: Q = (l1 - l2)^2 / (v1 + v2).
    const same = roundHeterogeneity([est(10, 0.01), est(10.1, 0.01)])!;
    expect(same.q).toBeCloseTo(Math.log(1.01) ** 2 / 0.0002, 10);
    expect(same.df).toBe(1);
    expect(same.p).toBeGreaterThan(0.4);
    expect(same.spread).toBeCloseTo(0.01, 12);
    const shifted = roundHeterogeneity([est(10, 0.005), est(10.05, 0.005), est(11, 0.005)])!;
    expect(shifted.df).toBe(2);
    expect(shifted.p).toBeLessThan(1e-10);
    expect(shifted.spread).toBeCloseTo(0.1, 12);
    expect(roundHeterogeneity([est(10, 0.01)])).toBeNull();
  });
  it("Kish's effective number of rounds", () => {
    expect(effectiveRounds([10, 10])).toBe(2);
    expect(effectiveRounds([30, 10])).toBeCloseTo(1.6, 12);
    expect(effectiveRounds([7])).toBe(1);
    expect(effectiveRounds([])).toBe(0);
  });
});

describe('pooled between-round variance', () => {
  it('is the method-of-moments solution on a hand-computed case', () => {
    // Entry 1: log medians ln 10, ln 11; entry 2: three rounds. Within variances known.
    const e1 = [est(10, 0.01), est(11, 0.01)];
    const e2 = [est(20, 0.02), est(20, 0.02), est(22, 0.02)];
    const ss1 = (Math.log(11 / 10) / 2) ** 2 * 2;
    const m2 = (2 * Math.log(20) + Math.log(22)) / 3;
    const ss2 = 2 * (Math.log(20) - m2) ** 2 + (Math.log(22) - m2) ** 2;
    const within = 0.5 * 2 * 0.0001 + (2 / 3) * 3 * 0.0004;
    const p = pooledRoundVariance([e1, e2, [est(5, 0.01)]])!;
    expect(p.df).toBe(3);
    expect(p.entries).toBe(2);
    expect(p.tau2).toBeCloseTo((ss1 + ss2 - within) / 3, 14);
    expect(p.tau).toBeCloseTo(Math.sqrt(p.tau2), 14);
    expect(pooledRoundVariance([[est(5, 0.01)]])).toBeNull();
    expect(pooledRoundVariance([[est(10, 0.1), est(10.01, 0.1)]])!.tau2).toBe(0); // floored
  });

  // 39 entries, 2 rounds of 25 samples (3% noise within a round), drift tau between rounds.
  function table(tau: number, seed: number): RoundEstimate[][] {
    const rng = mulberry32(seed);
    return Array.from({ length: 39 }, (_, e) => {
      const median = 1 + e;
      return [0, 1].map(() => {
        const shift = Math.exp(tau * gaussian(rng));
        return roundEstimate(Array.from({ length: 25 }, () => median * shift * Math.exp(0.03 * gaussian(rng))))!;
      });
    });
  }
  it('recovers a known drift and finds none where there is none', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const drift = seeds.map((s) => pooledRoundVariance(table(0.05, s))!.tau);
    const mean = drift.reduce((a, b) => a + b, 0) / drift.length;
    expect(mean).toBeGreaterThan(0.04);
    expect(mean).toBeLessThan(0.06);
    // Without drift the rounds still differ by their own noise (~0.8% here); that part is subtracted.
    const none = seeds.map((s) => pooledRoundVariance(table(0, s))!.tau);
    expect(none.reduce((a, b) => a + b, 0) / none.length).toBeLessThan(0.004);
  });
});
