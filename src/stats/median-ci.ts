// Distribution-free confidence interval of the median from order statistics (the method of asv's
// `quantile_ci`, and of textbook sign-test intervals). For a continuous distribution the number of
// samples below the true median is Binomial(n, 1/2), so for sorted x(1) <= ... <= x(n)
//     P(x(r+1) <= median <= x(n-r)) = 1 - 2 * F(r),   F = CDF of Binomial(n, 1/2).
// We take the largest r with F(r) <= (1 - confidence) / 2 (the narrowest symmetric interval that still
// reaches it). Example: n = 10, 95% -> [x(2), x(9)] with coverage 97.9%.
//
// Small n: the widest interval [min, max] has coverage 1 - 2^(1-n), below 95% for n <= 5 (and 0 for
// n = 1). No order-statistic interval reaches the confidence there; we return [min, max] anyway and
// the relative margin shows how wide that is. Callers that need the real guarantee (the measurement
// protocol, regression verdicts) enforce a minimum sample count; `medianCiRanks` reports the
// coverage actually achieved.
import { sortedCopy, quantileSorted } from './quantile.js';

export interface MedianCiRanks {
  /** 0-based index of the lower bound in the sorted sample. */
  lo: number;
  /** 0-based index of the upper bound in the sorted sample. */
  hi: number;
  /** Coverage probability of [x(lo), x(hi)] for a continuous distribution. */
  coverage: number;
}

export function medianCiRanks(n: number, confidence = 0.95): MedianCiRanks {
  if (!Number.isInteger(n) || n < 1) throw new Error(`median interval needs at least one sample (n = ${n})`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`confidence ${confidence} is outside (0, 1)`);
  const tail = (1 - confidence) / 2;
  // Walk the binomial CDF up from 0 in log space (2^-n underflows for n > 1074; terms that
  // underflow are far below any tail probability of interest).
  let logPmf = -n * Math.LN2;
  let cdf = 0;
  let r = -1;
  let cdfAtR = 0;
  for (let k = 0; k < n; k++) {
    cdf += Math.exp(logPmf);
    if (cdf > tail) break;
    r = k;
    cdfAtR = cdf;
    logPmf += Math.log(n - k) - Math.log(k + 1);
  }
  if (r < 0) return { lo: 0, hi: n - 1, coverage: Math.max(0, 1 - 2 * Math.pow(0.5, n)) };
  return { lo: r, hi: n - 1 - r, coverage: 1 - 2 * cdfAtR };
}

/** Confidence interval of the median of a sorted sample (see the top of this file). */
export function medianCiSorted(sorted: ArrayLike<number>, confidence = 0.95): [number, number] {
  const { lo, hi } = medianCiRanks(sorted.length, confidence);
  return [sorted[lo]!, sorted[hi]!];
}

export function medianCi(samples: readonly number[], confidence = 0.95): [number, number] {
  return medianCiSorted(sortedCopy(samples), confidence);
}

/**
 * Relative margin of a sorted sample: half the width of the median's confidence interval divided by
 * the median. A median of 0 (timer too coarse for the work) with a non-zero interval has no
 * meaningful relative margin; it is reported as 1 (100%), above any sampling target, so such an
 * entry is never taken as precise.
 */
export function relativeMarginSorted(sorted: ArrayLike<number>, confidence = 0.95): number {
  const [lo, hi] = medianCiSorted(sorted, confidence);
  const half = (hi - lo) / 2;
  const med = Math.abs(quantileSorted(sorted, 0.5));
  if (half === 0) return 0;
  return med === 0 ? 1 : half / med;
}

export function relativeMargin(samples: readonly number[], confidence = 0.95): number {
  return relativeMarginSorted(sortedCopy(samples), confidence);
}

/** Below 6 samples the median's 95% interval is [min, max] and covers less than 95%: never "precise". */
export const MIN_PRECISE_SAMPLES = 6;

/**
 * Whether a sample's median is known to within `target` (a relative margin): at least
 * MIN_PRECISE_SAMPLES samples and a relative margin at most the target. A target of 0 is never met.
 */
export function reachedTargetMargin(samples: readonly number[], target: number, confidence = 0.95): boolean {
  return target > 0 && samples.length >= MIN_PRECISE_SAMPLES && relativeMargin(samples, confidence) <= target;
}
