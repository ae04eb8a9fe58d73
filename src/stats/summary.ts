// The summary stored with every LUT entry. Field for field the same shape as `EntryStats` in
// src/lut/schema.ts (this module may not import it: it is bundled into the device runner, which
// carries no schema library), and a type test keeps the two assignable. MAD and IQR are
// simple-statistics' (type-7 quantiles, as here).
import { interquartileRange, medianAbsoluteDeviation } from 'simple-statistics';
import { mean } from './mean.js';
import { medianCiSorted, relativeMarginSorted } from './median-ci.js';
import { medianSorted, quantileSorted, sortedCopy } from './quantile.js';

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
  return {
    n: sorted.length,
    median: medianSorted(sorted),
    mean: mean(sorted),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p10: quantileSorted(sorted, 0.1),
    p90: quantileSorted(sorted, 0.9),
    p99: quantileSorted(sorted, 0.99),
    mad: MAD_SCALE * medianAbsoluteDeviation(sorted),
    iqr: interquartileRange(sorted),
    ci95: medianCiSorted(sorted, 0.95),
    rme: relativeMarginSorted(sorted, 0.95),
  };
}
