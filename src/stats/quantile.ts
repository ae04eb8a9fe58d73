// Quantiles. Definition used everywhere in the harness: Hyndman & Fan type 7, the default of NumPy
// (`method='linear'`), R (`type = 7`) and simple-statistics. For sorted x[0..n-1] and
// probability p, h = (n - 1) * p and
//     Q(p) = x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
// So Q(0) is the minimum, Q(1) the maximum, and the median of an even-sized sample is the mean of
// the two middle values. Example: Q([1, 2, 3, 4], 0.25) = 1.75.
// simple-statistics 7.12 (pinned in package.json: older releases used another definition) computes
// exactly this, with the same arithmetic; this file adds the checks it leaves out (it returns NaN
// for p = NaN) and takes typed arrays (bootstrap replicates, Theil-Sen slopes) as well as arrays.
import {
  median as ssMedian,
  medianSorted as ssMedianSorted,
  quantile as ssQuantile,
  quantileSorted as ssQuantileSorted,
} from 'simple-statistics';

export function sortedCopy(xs: ArrayLike<number>): number[] {
  return Array.from(xs).sort((a, b) => a - b);
}

/** The values as an array, which is what simple-statistics takes; arrays are passed as they are. */
export function asArray(xs: ArrayLike<number>): readonly number[] {
  return Array.isArray(xs) ? (xs as readonly number[]) : Array.from(xs);
}

function checkQuantile(n: number, p: number): void {
  if (n === 0) throw new Error('quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile probability ${p} is outside [0, 1]`);
}

/** Type-7 quantile of an already sorted (ascending) sample. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  checkQuantile(sorted.length, p);
  return ssQuantileSorted(asArray(sorted), p);
}

/** Type-7 quantile of an unsorted sample (by selection, without sorting all of it). */
export function quantile(xs: ArrayLike<number>, p: number): number {
  checkQuantile(xs.length, p);
  return ssQuantile(asArray(xs), p);
}

export function medianSorted(sorted: ArrayLike<number>): number {
  checkQuantile(sorted.length, 0.5);
  return ssMedianSorted(asArray(sorted));
}

export function median(xs: ArrayLike<number>): number {
  checkQuantile(xs.length, 0.5);
  return ssMedian(asArray(xs));
}
