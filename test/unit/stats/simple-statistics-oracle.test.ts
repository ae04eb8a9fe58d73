// The statistics simple-statistics lacks, and so are our own, checked against what it does have:
// the bootstrap against a naive resample-and-take-medians loop built from its median and quantile,
// the chi-square tail against its table of critical values, the normal quantile and erf against its
// approximations (to their stated accuracy), the median's interval against its binomial
// distribution, U against its rank sum, Theil-Sen against its least-squares line on exact lines.
import {
  binomialDistribution,
  chiSquaredDistributionTable,
  errorFunction,
  geometricMean as ssGeometricMean,
  linearRegression,
  median as ssMedian,
  probit,
  quantile as ssQuantile,
  wilcoxonRankSum,
} from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  erf,
  gaussian,
  geomeanOfRatios,
  mannWhitney,
  medianCiRanks,
  mulberry32,
  normalQuantile,
  ratioOfMedians,
  theilSenSlope,
} from '../../../src/stats/index.js';

function logNormal(n: number, level: number, cv: number, rng: () => number): number[] {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return Array.from({ length: n }, () => level * Math.exp(sigma * gaussian(rng)));
}

/** Medians of `b` resamples with replacement, drawn from `rng` index by index. */
function naiveBootstrapMedians(xs: readonly number[], b: number, rng: () => number): number[] {
  const sorted = [...xs].sort((x, y) => x - y);
  const resample = () => Array.from(sorted, () => sorted[Math.floor(rng() * sorted.length)]!);
  return Array.from({ length: b }, () => ssMedian(resample()));
}

describe('bootstrap against simple-statistics', () => {
  const rng = mulberry32(21);
  const base = logNormal(25, 10, 0.04, rng);
  const cur = logNormal(31, 10.5, 0.04, rng);

  it('ratio of medians: point estimate and percentile interval of a naive bootstrap on the same stream', () => {
    const r = ratioOfMedians(base, cur, { seed: 3, resamples: 1500 });
    expect(r.ratio).toBe(ssMedian(cur) / ssMedian(base));
    const stream = mulberry32(3);
    const b = naiveBootstrapMedians(base, 1500, stream);
    const c = naiveBootstrapMedians(cur, 1500, stream);
    const logs = b.map((m, i) => Math.log(c[i]! / m));
    expect(r.ci95[0]).toBeCloseTo(Math.exp(ssQuantile(logs, 0.025)), 12);
    expect(r.ci95[1]).toBeCloseTo(Math.exp(ssQuantile(logs, 0.975)), 12);
  });

  it('suite geometric mean: the product-based geometric mean of the per-entry median ratios', () => {
    const pairs = [0.95, 1, 1.1].map((k) => ({
      baseline: logNormal(20, 5, 0.03, rng),
      current: logNormal(20, 5 * k, 0.03, rng),
    }));
    const g = geomeanOfRatios(pairs, { seed: 2, resamples: 500 });
    expect(g.geomean).toBeCloseTo(ssGeometricMean(pairs.map((p) => ssMedian(p.current) / ssMedian(p.baseline))), 14);
  });
});

describe('distributions against simple-statistics', () => {
  it('chi-square upper tail: every critical value of its table, to the two decimals it gives', () => {
    for (const [df, row] of Object.entries(chiSquaredDistributionTable)) {
      for (const [p, x] of Object.entries(row) as [string, number][]) {
        // A few entries are rounded up from a third decimal of 5, so allow one unit of the last digit.
        expect(chiSquareSf(Math.max(0, x - 0.01), Number(df)), `df ${df}, p ${p}`).toBeGreaterThanOrEqual(Number(p));
        expect(chiSquareSf(x + 0.01, Number(df)), `df ${df}, p ${p}`).toBeLessThanOrEqual(Number(p));
      }
    }
  });

  it('normal quantile within 0.02 of probit (an approximation of the inverse error function)', () => {
    for (const p of [0.001, 0.01, 0.025, 0.1, 0.3, 0.5, 0.6, 0.9, 0.975, 0.99, 0.999]) {
      expect(Math.abs(normalQuantile(p) - probit(p)), `p ${p}`).toBeLessThan(0.02);
    }
  });

  it('erf within the 1.2e-7 fractional error of errorFunction (Numerical Recipes erfc)', () => {
    for (let x = -5; x <= 5; x += 0.05) expect(Math.abs(erf(x) - errorFunction(x)), `x ${x}`).toBeLessThan(1.5e-7);
  });

  it('median interval: coverage and narrowest ranks from the binomial(n, 1/2) distribution', () => {
    for (let n = 6; n <= 150; n++) {
      const pmf = binomialDistribution(n, 0.5)!;
      const cdf = (r: number) => pmf.slice(0, r + 1).reduce((a, b) => a + b, 0);
      const { lo, hi, coverage } = medianCiRanks(n);
      expect(hi).toBe(n - 1 - lo);
      expect(coverage, `n ${n}`).toBeCloseTo(1 - 2 * cdf(lo), 12);
      expect(coverage).toBeGreaterThanOrEqual(0.95);
      // One rank narrower would no longer reach 95%.
      expect(1 - 2 * cdf(lo + 1), `n ${n}`).toBeLessThan(0.95);
    }
  });
});

describe('rank and slope statistics against simple-statistics', () => {
  it('Mann-Whitney U is the Wilcoxon rank sum of the first sample minus m(m+1)/2, with ties', () => {
    const rng = mulberry32(5);
    for (let t = 0; t < 30; t++) {
      const a = Array.from({ length: 2 + (t % 9) }, () => Math.floor(rng() * 7));
      const b = Array.from({ length: 3 + (t % 6) }, () => Math.floor(rng() * 7));
      expect(mannWhitney(a, b).u).toBe(wilcoxonRankSum(a, b) - (a.length * (a.length + 1)) / 2);
    }
  });

  it('Theil-Sen slope equals the least-squares slope on exact lines, short and block-reduced', () => {
    for (const [n, slope] of [
      [9, 0.25],
      [40, -3],
      [2500, 0.001],
    ] as const) {
      const ys = Array.from({ length: n }, (_, i) => 7 + slope * i);
      const fit = linearRegression(ys.map((y, i) => [i, y]));
      expect(theilSenSlope(ys)).toBeCloseTo(fit.m, 9);
    }
  });
});
