// How the uncertainty of a sum of independently measured medians is propagated.
//
// Each LUT entry carries a distribution-free 95% interval [lo, hi] of its median. A candidate's
// predicted latency is the sum of n such medians. Two intervals are reported:
//
//  - `interval` (the default, "quadrature"): the lower and upper half-widths are each combined as the
//    root of the sum of squares, [S - sqrt(sum (m_i - lo_i)^2), S + sqrt(sum (hi_i - m_i)^2)].
//    This is what adding independent errors gives when each half-width is a fixed multiple of a
//    standard error; keeping the two sides apart respects skewed intervals. It assumes the blocks'
//    errors are independent, which a shared cause (thermal state, clock governor) can break.
//  - `conservative`: the sum of the bounds, [sum lo_i, sum hi_i]. It holds whatever the dependence
//    between entries, and is always at least as wide.
//
// Neither accounts for effects that a block-sum cannot see (fusion across block boundaries, cache
// warmth); `calibration()` compares with candidates measured end to end for that, and
// `withModelError` widens an interval by the spread those comparisons show (see below).

import { studentTQuantile } from '../stats/student-t.js';

export interface Estimate {
  median: number;
  /** Lower and upper bound of the 95% interval of the median. */
  lo: number;
  hi: number;
}

export interface SumEstimate {
  median: number;
  interval: [number, number];
  conservative: [number, number];
}

/** Half-widths of an entry's interval, clamped so a malformed interval never widens the other side. */
export function halfWidths(e: Estimate): { below: number; above: number } {
  const below = Number.isFinite(e.lo) ? Math.max(0, e.median - e.lo) : 0;
  const above = Number.isFinite(e.hi) ? Math.max(0, e.hi - e.median) : 0;
  return { below, above };
}

export function combine(parts: readonly Estimate[]): SumEstimate {
  let median = 0;
  let below2 = 0;
  let above2 = 0;
  let below = 0;
  let above = 0;
  for (const p of parts) {
    const h = halfWidths(p);
    median += p.median;
    below2 += h.below * h.below;
    above2 += h.above * h.above;
    below += h.below;
    above += h.above;
  }
  return {
    median,
    interval: [median - Math.sqrt(below2), median + Math.sqrt(above2)],
    conservative: [median - below, median + above],
  };
}

/**
 * The error of the sum-of-entries model itself, as the LUT's end-to-end measurements show it: the
 * ratios measured / predicted of candidates (or pipeline tiles) measured whole. In log space, with
 * mean m and standard deviation s of the n log ratios, a new prediction's ratio lies in
 * m ± t(0.975, n-1) · s · sqrt(1 + 1/n) (the prediction interval of one more observation). With a
 * single ratio r no spread can be estimated; the interval is then taken to reach from 1 to r. The
 * bounds always include ratio 1, so the widened interval contains the unwidened one.
 */
export interface ModelError {
  /** How many measured comparisons it rests on. */
  n: number;
  /** What they are: `candidates`, `pipeline tiles`, or both. */
  source: string;
  /** Ratio bounds measured / predicted (lower <= 1 <= upper). */
  lower: number;
  upper: number;
  /** Observed ratios' range. */
  min: number;
  max: number;
}

export function t975(df: number): number {
  return df < 1 ? Number.POSITIVE_INFINITY : studentTQuantile(0.975, df);
}

export function modelErrorFrom(ratios: readonly number[], source: string): ModelError | undefined {
  const logs = ratios.filter((r) => Number.isFinite(r) && r > 0).map(Math.log);
  const n = logs.length;
  if (n === 0) return undefined;
  const min = Math.exp(Math.min(...logs));
  const max = Math.exp(Math.max(...logs));
  if (n === 1) return { n, source, lower: Math.min(1, min), upper: Math.max(1, max), min, max };
  const m = logs.reduce((a, b) => a + b, 0) / n;
  const s = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  const q = t975(n - 1) * s * Math.sqrt(1 + 1 / n);
  return { n, source, lower: Math.min(1, Math.exp(m - q)), upper: Math.max(1, Math.exp(m + q)), min, max };
}

/**
 * An interval widened by the model's error: the sampling interval's relative half-widths and the
 * model error's are combined in quadrature in log space (independent sources of error). The median
 * stays the sum of entries.
 */
export function withModelError(sum: SumEstimate, error: ModelError | undefined): SumEstimate {
  if (!error || !(sum.median > 0)) return sum;
  const widen = (bound: number, ratio: number, dir: -1 | 1): number => {
    const sampling = bound > 0 ? Math.abs(Math.log(bound / sum.median)) : Number.POSITIVE_INFINITY;
    const model = Math.abs(Math.log(ratio));
    return sum.median * Math.exp(dir * Math.hypot(sampling, model));
  };
  return {
    median: sum.median,
    interval: [widen(sum.interval[0], error.lower, -1), widen(sum.interval[1], error.upper, 1)],
    conservative: [
      sum.median * error.lower - (sum.median - sum.conservative[0]),
      sum.median * error.upper + (sum.conservative[1] - sum.median),
    ],
  };
}

/** `sampling error only (...)` or `includes the model error of 4 measured candidates (0.962-1.065)`. */
export function describeModelError(error: ModelError | undefined, none: string): string {
  if (!error) return `sampling error only (${none})`;
  const min = error.min.toFixed(3);
  const range = error.n === 1 ? `ratio ${min}` : `ratios ${min}-${error.max.toFixed(3)}`;
  const within = `${error.lower.toFixed(3)}-${error.upper.toFixed(3)}`;
  const what = `${error.n} measured ${error.source}`;
  return `includes the model error of ${what} (${range}; measured/predicted within ${within})`;
}
