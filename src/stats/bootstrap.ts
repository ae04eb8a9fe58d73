// Percentile-bootstrap intervals for the change between two samples (criterion.rs does the same
// on the mean; we bootstrap the median, the statistic the harness reports).
//   - ratio of medians current/baseline: resample each side with replacement, take the ratio of
//     the resampled medians, and read the 2.5% and 97.5% type-7 quantiles of those ratios;
//   - suite geometric mean of ratios: the entries are measured independently, so replicate b of the
//     suite is the geometric mean of every entry's replicate b; no extra resampling is needed.
// The interval covers measurement noise only; the set of entries in the suite is taken as fixed.
// Resampling uses a seeded generator (rng.ts), so the same inputs and seed give the same interval.
import { geometricMean } from './mean.js';
import { medianSorted, quantileSorted, sortedCopy } from './quantile.js';
import { mulberry32 } from './rng.js';

export interface BootstrapOptions {
  seed: number;
  /** Number of bootstrap replicates (the report uses 10,000). */
  resamples: number;
  /** Interval level (default 0.95). */
  confidence?: number;
}

export interface RatioEstimate {
  ratio: number;
  ci95: [number, number];
}

/**
 * Medians of `resamples` bootstrap resamples of a sorted sample. A resample's median is always one
 * of the order statistics (or the mean of two), so we draw indices, count how often each is drawn
 * and walk the counts to the middle rank: O(n) per resample instead of a sort.
 */
export function bootstrapMedians(sorted: ArrayLike<number>, resamples: number, rng: () => number): Float64Array {
  const n = sorted.length;
  if (n === 0) throw new Error('bootstrap of an empty sample');
  const out = new Float64Array(resamples);
  const counts = new Int32Array(n);
  const rankLo = Math.floor((n - 1) / 2);
  const rankHi = Math.floor(n / 2);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(rng() * n)]!++;
    let seen = 0;
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < n; i++) {
      seen += counts[i]!;
      if (lo < 0 && seen > rankLo) lo = i;
      if (seen > rankHi) {
        hi = i;
        break;
      }
    }
    out[b] = (sorted[lo]! + sorted[hi]!) / 2;
  }
  return out;
}

/** Bootstrap replicates of log(median(current) / median(baseline)). Medians must be positive. */
export function bootstrapLogRatios(
  baseline: readonly number[],
  current: readonly number[],
  options: BootstrapOptions,
): Float64Array {
  checkOptions(options);
  const rng = mulberry32(options.seed);
  const base = bootstrapMedians(sortedCopy(baseline), options.resamples, rng);
  const cur = bootstrapMedians(sortedCopy(current), options.resamples, rng);
  const out = new Float64Array(options.resamples);
  for (let b = 0; b < out.length; b++) out[b] = Math.log(cur[b]! / base[b]!);
  return out;
}

/** Percentile interval of replicates of a log quantity, back on the ratio scale. */
export function percentileInterval(logReplicates: Float64Array, confidence = 0.95): [number, number] {
  const sorted = Float64Array.from(logReplicates).sort();
  const tail = (1 - confidence) / 2;
  return [Math.exp(quantileSorted(sorted, tail)), Math.exp(quantileSorted(sorted, 1 - tail))];
}

/** median(current) / median(baseline) with a seeded percentile-bootstrap interval. */
export function ratioOfMedians(
  baseline: readonly number[],
  current: readonly number[],
  options: BootstrapOptions,
): RatioEstimate {
  const mb = medianSorted(sortedCopy(baseline));
  const mc = medianSorted(sortedCopy(current));
  if (!(mb > 0 && mc > 0)) throw new Error(`ratio of medians needs positive medians (baseline ${mb}, current ${mc})`);
  const replicates = bootstrapLogRatios(baseline, current, options);
  return { ratio: mc / mb, ci95: percentileInterval(replicates, options.confidence ?? 0.95) };
}

/**
 * Geometric mean of per-entry ratios with an interval, from each entry's log-ratio replicates (all
 * of the same length, from independent streams).
 */
export function geomeanFromReplicates(
  ratios: readonly number[],
  logReplicates: readonly Float64Array[],
  confidence = 0.95,
): { geomean: number; ci95: [number, number] } {
  if (ratios.length === 0 || ratios.length !== logReplicates.length) {
    throw new Error('geometric mean of ratios needs one replicate set per ratio');
  }
  const b = logReplicates[0]!.length;
  const sums = new Float64Array(b);
  for (const reps of logReplicates) {
    if (reps.length !== b) throw new Error('replicate sets differ in length');
    for (let i = 0; i < b; i++) sums[i]! += reps[i]!;
  }
  for (let i = 0; i < b; i++) sums[i]! /= logReplicates.length;
  return { geomean: geometricMean(ratios), ci95: percentileInterval(sums, confidence) };
}

/** Suite geometric mean of current/baseline median ratios; pair i uses the stream seed + i. */
export function geomeanOfRatios(
  pairs: readonly { baseline: readonly number[]; current: readonly number[] }[],
  options: BootstrapOptions,
): { geomean: number; ci95: [number, number] } {
  const ratios = pairs.map((p) => medianSorted(sortedCopy(p.current)) / medianSorted(sortedCopy(p.baseline)));
  const reps = pairs.map((p, i) =>
    bootstrapLogRatios(p.baseline, p.current, { ...options, seed: (options.seed + i) >>> 0 }),
  );
  return geomeanFromReplicates(ratios, reps, options.confidence ?? 0.95);
}

function checkOptions(options: BootstrapOptions): void {
  if (!Number.isInteger(options.resamples) || options.resamples < 1) {
    throw new Error(`bootstrap resamples must be a positive whole number (got ${options.resamples})`);
  }
}
