// The summary stored with every LUT entry. Field for field the same shape as `EntryStats` in
// src/lut/schema.ts (this module may not import it: it also runs on devices with nothing but
// plain JavaScript), and a type test keeps the two assignable.
import { mean } from './mean.js';
import { medianCiSorted, relativeMarginSorted } from './median-ci.js';
import { quantileSorted, sortedCopy } from './quantile.js';

/** Scale that makes the median absolute deviation a consistent estimate of sigma for normal data. */
export const MAD_SCALE = 1.4826;

export interface SampleSummary {
  n: number;
  /** Quantiles are type 7 (see quantile.ts). */
  median: number;
  mean: number;
  min: number;
  max: number;
  p10: number;
  p90: number;
  /** Rests on the few largest samples: below n = 100 it interpolates between the top two. */
  p99: number;
  /** Median absolute deviation from the median, multiplied by 1.4826. */
  mad: number;
  /** Interquartile range p75 - p25. */
  iqr: number;
  /** Distribution-free 95% confidence interval of the median (median-ci.ts). */
  ci95: [number, number];
  /** Relative margin: CI half-width / median. */
  rme: number;
}

export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) throw new Error('cannot summarize an empty sample');
  for (const x of samples) {
    if (!Number.isFinite(x)) throw new Error(`cannot summarize a sample containing ${x}`);
  }
  const sorted = sortedCopy(samples);
  const med = quantileSorted(sorted, 0.5);
  const deviations = sortedCopy(sorted.map((x) => Math.abs(x - med)));
  return {
    n: sorted.length,
    median: med,
    mean: mean(sorted),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p10: quantileSorted(sorted, 0.1),
    p90: quantileSorted(sorted, 0.9),
    p99: quantileSorted(sorted, 0.99),
    mad: MAD_SCALE * quantileSorted(deviations, 0.5),
    iqr: quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25),
    ci95: medianCiSorted(sorted, 0.95),
    rme: relativeMarginSorted(sorted, 0.95),
  };
}
