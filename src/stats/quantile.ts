// Quantiles. Definition used everywhere in the harness: Hyndman & Fan type 7, the default of NumPy
// (`method='linear'`), R (`type = 7`) and simple-statistics >= 7.8.9. For sorted x[0..n-1] and
// probability p, h = (n - 1) * p and
//     Q(p) = x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
// So Q(0) is the minimum, Q(1) the maximum, and the median of an even-sized sample is the mean of
// the two middle values. Example: Q([1, 2, 3, 4], 0.25) = 1.75.

export function sortedCopy(xs: ArrayLike<number>): number[] {
  return Array.from(xs).sort((a, b) => a - b);
}

/** Type-7 quantile of an already sorted (ascending) sample. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile probability ${p} is outside [0, 1]`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  if (lo + 1 >= n) return a;
  const frac = h - lo;
  return frac === 0 ? a : a + frac * (sorted[lo + 1]! - a);
}

/** Type-7 quantile of an unsorted sample. */
export function quantile(xs: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedCopy(xs), p);
}

export function medianSorted(sorted: ArrayLike<number>): number {
  return quantileSorted(sorted, 0.5);
}

export function median(xs: ArrayLike<number>): number {
  return medianSorted(sortedCopy(xs));
}
