// Between-round statistics. A round is one visit of an entry: one process, one stretch of time.
// Samples of one round share the machine's state of that moment (clock speed, neighbours, memory
// layout); rounds minutes apart do not. A bootstrap of the median treats every sample as independent
// and so sees only the noise within rounds; when the machine drifts, rounds disagree by more than
// that, and an interval blind to it calls the drift a change (statistics.md 16.1-16.2: record the
// per-round medians, flag "between-round spread > within-round"). Here:
//   - roundEstimate: a round's log median and its sampling variance, from the round's own
//     order-statistic interval scaled by the normal quantile of the coverage that interval has;
//   - roundHeterogeneity: Cochran's Q over one entry's rounds (chi-square, R - 1 df): do the rounds
//     disagree by more than their own noise explains?
//   - pooledRoundVariance: the between-round variance component tau^2 of one table, pooled over its
//     entries by the method of moments (one machine, one drift; 39 entries estimate it far better
//     than one entry's two or three rounds can);
//   - effectiveRounds: Kish's effective number of rounds behind a median of unequal rounds.
// All on the log scale, so tau is a relative spread (0.03 ~ rounds typically 3% apart). Sums, means
// and sums of squared deviations are simple-statistics'.
import { sum, sumNthPowerDeviations, weightedMean } from 'simple-statistics';
import { chiSquareSf, normalQuantile } from './chi-square.js';
import { medianCiRanks } from './median-ci.js';
import { medianSorted, sortedCopy } from './quantile.js';

/** A round needs this many samples before its own median's noise can be estimated. */
export const MIN_ROUND_SAMPLES = 5;

export interface RoundEstimate {
  n: number;
  median: number;
  logMedian: number;
  /** Sampling variance of logMedian from the noise within the round. */
  logVar: number;
}

/** Samples grouped by round, in round order; one group when the rounds are not recorded. */
export function groupByRound(samples: readonly number[], sampleRounds?: readonly number[]): number[][] {
  if (!sampleRounds || sampleRounds.length !== samples.length) return samples.length > 0 ? [[...samples]] : [];
  const groups = new Map<number, number[]>();
  samples.forEach((x, i) => {
    const r = sampleRounds[i]!;
    const g = groups.get(r);
    if (g) g.push(x);
    else groups.set(r, [x]);
  });
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

/** null when the round is too small or its median is not positive (timer too coarse). */
export function roundEstimate(samples: readonly number[]): RoundEstimate | null {
  if (samples.length < MIN_ROUND_SAMPLES) return null;
  const sorted = sortedCopy(samples);
  const median = medianSorted(sorted);
  const { lo, hi, coverage } = medianCiRanks(sorted.length);
  const low = sorted[lo]!;
  const high = sorted[hi]!;
  if (!(median > 0 && low > 0)) return null;
  const z = normalQuantile((1 + coverage) / 2);
  const sd = Math.log(high / low) / (2 * z);
  return { n: samples.length, median, logMedian: Math.log(median), logVar: sd * sd };
}

/** The estimates of an entry's rounds that are large enough to have one. */
export function roundEstimates(samples: readonly number[], sampleRounds?: readonly number[]): RoundEstimate[] {
  return groupByRound(samples, sampleRounds)
    .map(roundEstimate)
    .filter((r): r is RoundEstimate => r !== null);
}

export interface RoundHeterogeneity {
  rounds: number;
  /** Cochran's Q: sum of squared, variance-weighted deviations of the round log medians. */
  q: number;
  df: number;
  /** P(chi-square(df) > Q): small when the rounds disagree beyond their own noise. */
  p: number;
  /** Largest round median over the smallest, minus 1. */
  spread: number;
}

/** Variances this small (a quantised timer repeating one value) are floored so Q stays finite. */
const MIN_LOG_VAR = 1e-12;

export function roundHeterogeneity(rounds: readonly RoundEstimate[]): RoundHeterogeneity | null {
  if (rounds.length < 2) return null;
  const w = rounds.map((r) => 1 / Math.max(r.logVar, MIN_LOG_VAR));
  const centre = weightedMean(
    rounds.map((r) => r.logMedian),
    w,
  );
  const q = sum(rounds.map((r, i) => w[i]! * (r.logMedian - centre) ** 2));
  const df = rounds.length - 1;
  const medians = rounds.map((r) => r.median);
  return {
    rounds: rounds.length,
    q,
    df,
    p: chiSquareSf(q, df),
    spread: Math.max(...medians) / Math.min(...medians) - 1,
  };
}

export interface PooledRoundVariance {
  /** Between-round variance component of log medians (0 when the rounds agree within their noise). */
  tau2: number;
  /** sqrt(tau2): the typical relative distance of a round's median from its entry's. */
  tau: number;
  /** Degrees of freedom behind the estimate: sum over entries of (rounds - 1). */
  df: number;
  /** Entries with at least two estimable rounds. */
  entries: number;
}

/**
 * Method of moments over entries e with R_e >= 2 rounds of log medians l_er (variance tau^2 + v_er):
 * E[sum_r (l_er - mean_e)^2] = (R_e - 1) tau^2 + (1 - 1/R_e) sum_r v_er, summed over entries and
 * solved for tau^2 (floored at 0). null when no entry has two estimable rounds.
 */
export function pooledRoundVariance(perEntry: readonly (readonly RoundEstimate[])[]): PooledRoundVariance | null {
  let ss = 0;
  let within = 0;
  let df = 0;
  let entries = 0;
  for (const rounds of perEntry) {
    const r = rounds.length;
    if (r < 2) continue;
    ss += sumNthPowerDeviations(
      rounds.map((x) => x.logMedian),
      2,
    );
    within += (1 - 1 / r) * sum(rounds.map((x) => x.logVar));
    df += r - 1;
    entries++;
  }
  if (df === 0) return null;
  const tau2 = Math.max(0, (ss - within) / df);
  return { tau2, tau: Math.sqrt(tau2), df, entries };
}

/** Kish's effective number of rounds for rounds of these sizes: (sum n)^2 / sum n^2. */
export function effectiveRounds(sizes: readonly number[]): number {
  const total = sum(sizes);
  const squares = sum(sizes.map((n) => n * n));
  return squares === 0 ? 0 : (total * total) / squares;
}
