// Means. The arithmetic mean is reported next to the median; the geometric mean is the right average
// of ratios (a 2x slowdown and a 2x speed-up average to 1, not 1.25).

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) throw new Error('mean of an empty sample');
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  return sum / xs.length;
}

/** exp(mean(log x)); every value must be positive. */
export function geometricMean(xs: ArrayLike<number>): number {
  if (xs.length === 0) throw new Error('geometric mean of an empty list');
  let sum = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!(x > 0) || !Number.isFinite(x)) throw new Error(`geometric mean needs positive finite values (got ${x})`);
    sum += Math.log(x);
  }
  return Math.exp(sum / xs.length);
}
