// The verdict rule (statistics.md 16.3): a change must be both statistically credible and
// practically large before it fails a build.
//   regressed:    q(slower) <= alpha  and the ratio's 95% interval lies above 1 + threshold
//                 (and, with drift between rounds, the drift-aware q(slower) <= alpha too)
//   improved:     q(faster) <= alpha  and the interval lies below 1 - threshold (mirror)
//   unchanged:    the interval lies inside [1 - threshold, 1 + threshold] (equivalence)
//   inconclusive: anything else (too few samples for the rank test to reach alpha, an interval
//                 wider than the band, a change near the threshold, test and interval disagreeing)
// q are Benjamini-Hochberg adjusted Mann-Whitney p-values over the compared entries. The rank test
// treats every sample as independent and so cannot see drift between rounds; the drift-aware q are
// Benjamini-Hochberg adjusted p-values of a normal test on the log ratio whose standard error
// includes that drift (compare.ts). Both must agree: the rank test guards against skewed samples,
// the drift-aware test against 39 entries each having a 2.5% chance to land outside a 95% interval.
import { mannWhitneyMinP } from '../stats/mann-whitney.js';
import { formatPercent, formatRatio, formatP } from './format.js';
import type { Verdict } from './types.js';

export interface VerdictInput {
  ratio: number;
  ci95: [number, number];
  qSlower: number;
  qFaster: number;
  /** Drift-aware adjusted p-values (absent: no such test, treated as significant). */
  driftQSlower?: number;
  driftQFaster?: number;
  /** Smallest one-sided p the rank test can give for these sample sizes. */
  minP: number;
  nBaseline: number;
  nCurrent: number;
  threshold: number;
  alpha: number;
}

export interface VerdictOutcome {
  verdict: Verdict;
  reasons: string[];
}

const RERUN = 're-run both tables with more samples';

/** Smallest k such that k samples on each side let the one-sided rank test reach alpha. */
export function samplesToReach(alpha: number): number {
  let k = 1;
  while (mannWhitneyMinP(k, k, 'greater') > alpha && k < 10_000) k++;
  return k;
}

export function decideVerdict(v: VerdictInput): VerdictOutcome {
  const [lo, hi] = v.ci95;
  const upper = 1 + v.threshold;
  const lower = 1 - v.threshold;
  const band = `±${formatPercent(v.threshold)}`;
  const interval = `[${formatRatio(lo)}, ${formatRatio(hi)}]`;
  if (v.minP > v.alpha) {
    return {
      verdict: 'inconclusive',
      reasons: [
        `too few samples (n = ${v.nBaseline} vs ${v.nCurrent}): the rank test cannot reach α = ${v.alpha} ` +
          `(smallest possible p ${formatP(v.minP)}); ${RERUN} (at least ${samplesToReach(v.alpha)} per side)`,
      ],
    };
  }
  const slowerRank = v.qSlower <= v.alpha;
  const fasterRank = v.qFaster <= v.alpha;
  const slowerDrift = (v.driftQSlower ?? 0) <= v.alpha;
  const fasterDrift = (v.driftQFaster ?? 0) <= v.alpha;
  if (lo > upper && slowerRank && slowerDrift) return { verdict: 'regressed', reasons: [] };
  if (hi < lower && fasterRank && fasterDrift) return { verdict: 'improved', reasons: [] };
  if (lo >= lower && hi <= upper) return { verdict: 'unchanged', reasons: [] };
  if (lo > upper || hi < lower) {
    const slower = lo > upper;
    if (!(slower ? slowerRank : fasterRank)) {
      const q = slower ? v.qSlower : v.qFaster;
      return {
        verdict: 'inconclusive',
        reasons: [
          `the interval ${interval} is outside the ${band} band but the ` +
            `rank test is not significant (q = ${formatP(q)}); ${RERUN}`,
        ],
      };
    }
    const q = slower ? v.driftQSlower : v.driftQFaster;
    return {
      verdict: 'inconclusive',
      reasons: [
        `the interval ${interval} is outside the ${band} band, but with ` +
          `the drift between rounds counted the change is not significant ` +
          `across the compared entries (drift-aware q = ${formatP(q ?? null)}); ` +
          `more rounds per entry (--rounds N) narrow it`,
      ],
    };
  }
  if (hi - lo > upper - lower) {
    return {
      verdict: 'inconclusive',
      reasons: [
        `too noisy: the 95% interval ${interval} is wider than the ${band} band; ${RERUN} or on a quieter device`,
      ],
    };
  }
  return {
    verdict: 'inconclusive',
    reasons: [
      `the change is close to the threshold: the 95% interval ${interval} ` +
        `crosses the edge of the ${band} band; ${RERUN}`,
    ],
  };
}
