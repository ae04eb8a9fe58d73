// Means. The arithmetic mean is reported next to the median; the geometric mean is the right average
// of ratios (a 2x slowdown and a 2x speed-up average to 1, not 1.25). Both from simple-statistics
// (`mean` sums with a compensated sum; `logAverage` is exp(mean(log x))); this file adds the checks:
// logAverage accepts 0 (giving 0) and does not reject Infinity or NaN, and a ratio can be none of them.
import { logAverage, mean as ssMean } from 'simple-statistics';
import { asArray } from './quantile.js';

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) throw new Error('mean of an empty sample');
  return ssMean(asArray(xs));
}

/** exp(mean(log x)); every value must be positive. */
export function geometricMean(xs: ArrayLike<number>): number {
  if (xs.length === 0) throw new Error('geometric mean of an empty list');
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!(x > 0) || !Number.isFinite(x)) throw new Error(`geometric mean needs positive finite values (got ${x})`);
  }
  return logAverage(asArray(xs));
}
