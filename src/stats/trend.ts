// Drift within a sample: does latency rise with the iteration index (thermal throttling, a
// background job starting, memory filling up)? Two parts, both needed to flag:
//   - significance: the Mann-Kendall test, S = sum over i<j of sign(x[j] - x[i]), with the
//     tie-corrected variance and a continuity correction; one-sided p for "rising";
//   - practical size: the Theil-Sen slope (median of pairwise slopes, robust to outliers) times the
//     length of the sample, relative to the median. On long samples a drift of 0.1% is
//     "significant" but harmless; only a rise of at least `minRelativeRise` (default 2%) flags.
import { normalSf } from './normal.js';
import { median, quantileSorted } from './quantile.js';

export interface TrendOptions {
  /** Significance level of the one-sided Mann-Kendall test (default 0.01). */
  alpha?: number;
  /** Smallest fitted rise over the whole sample, as a fraction of the median (default 0.02). */
  minRelativeRise?: number;
}

export interface TrendResult {
  rising: boolean;
  /** One-sided Mann-Kendall p-value for "latency rises with the index". */
  p: number;
  /** Theil-Sen slope x (n - 1) / median: the fitted rise across the sample (negative = falling). */
  relativeRise: number;
  /** Theil-Sen slope in sample units per iteration. */
  slope: number;
}

/** Below this many samples the test says nothing (p = 1). */
export const TREND_MIN_SAMPLES = 4;

/** A round of a LUT entry is tested for a trend from this many samples on (fewer say too little). */
export const TREND_ROUND_SAMPLES = 8;
/** Theil-Sen on more points than this runs on medians of consecutive blocks (memory is O(points^2)). */
const MAX_SLOPE_POINTS = 1000;

/**
 * Mann-Kendall S and its tie-corrected variance, in O(n log n): the index has no ties, so with
 * P = n(n-1)/2 pairs, T pairs of equal values and I inversions (i < j, x[i] > x[j]),
 * S = (P - T - I) - I. Inversions are counted by merge sort.
 */
export function mannKendall(samples: readonly number[]): { s: number; variance: number } {
  const n = samples.length;
  const counts = new Map<number, number>();
  for (const x of samples) counts.set(x, (counts.get(x) ?? 0) + 1);
  let tiedPairs = 0;
  let tieTerm = 0;
  for (const t of counts.values()) {
    tiedPairs += (t * (t - 1)) / 2;
    tieTerm += t * (t - 1) * (2 * t + 5);
  }
  const inversions = countInversions(Float64Array.from(samples));
  const s = (n * (n - 1)) / 2 - tiedPairs - 2 * inversions;
  return { s, variance: (n * (n - 1) * (2 * n + 5) - tieTerm) / 18 };
}

/** Pairs i < j with a[i] > a[j] (equal values are not inversions); sorts `a` in place. */
function countInversions(a: Float64Array): number {
  const buf = new Float64Array(a.length);
  let inversions = 0;
  for (let width = 1; width < a.length; width *= 2) {
    for (let lo = 0; lo < a.length - width; lo += 2 * width) {
      const mid = lo + width;
      const hi = Math.min(lo + 2 * width, a.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (a[i]! <= a[j]!) buf[k++] = a[i++]!;
        else {
          inversions += mid - i;
          buf[k++] = a[j++]!;
        }
      }
      while (i < mid) buf[k++] = a[i++]!;
      while (j < hi) buf[k++] = a[j++]!;
      a.set(buf.subarray(lo, hi), lo);
    }
  }
  return inversions;
}

/** Theil-Sen slope of the samples against their index. */
export function theilSenSlope(samples: readonly number[]): number {
  let xs: number[] = [];
  let ys: number[] = [];
  if (samples.length <= MAX_SLOPE_POINTS) {
    xs = samples.map((_, i) => i);
    ys = samples.slice();
  } else {
    const block = Math.ceil(samples.length / MAX_SLOPE_POINTS);
    for (let start = 0; start < samples.length; start += block) {
      const part = samples.slice(start, start + block);
      xs.push(start + (part.length - 1) / 2);
      ys.push(median(part));
    }
  }
  const m = xs.length;
  if (m < 2) return 0;
  const slopes = new Float64Array((m * (m - 1)) / 2);
  let k = 0;
  for (let i = 0; i < m - 1; i++) {
    for (let j = i + 1; j < m; j++) slopes[k++] = (ys[j]! - ys[i]!) / (xs[j]! - xs[i]!);
  }
  slopes.sort();
  return quantileSorted(slopes, 0.5);
}

export function trendTest(samples: readonly number[], options: TrendOptions = {}): TrendResult {
  const alpha = options.alpha ?? 0.01;
  const minRise = options.minRelativeRise ?? 0.02;
  const n = samples.length;
  if (n < TREND_MIN_SAMPLES) return { rising: false, p: 1, relativeRise: 0, slope: 0 };
  const { s, variance } = mannKendall(samples);
  let p = 1;
  if (variance > 0) {
    const z = s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
    p = normalSf(z);
  }
  const slope = theilSenSlope(samples);
  const med = median(samples);
  const relativeRise = med === 0 ? 0 : (slope * (n - 1)) / Math.abs(med);
  return { rising: p < alpha && relativeRise >= minRise, p, relativeRise, slope };
}
