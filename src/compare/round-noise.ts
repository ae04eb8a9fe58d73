// Between-round noise in the verdict. The bootstrap interval of a ratio of medians resamples single
// samples, so it knows only the noise within a round (one process, one stretch of time). Rounds
// minutes apart also differ because the machine itself drifts (clock, neighbours, memory layout of a
// new process); two tables measured at different times differ by that drift too, and an interval
// blind to it turns the drift into "regressed". So each table's between-round variance component
// tau^2 is estimated from its own rounds (pooled over its entries, src/stats/rounds.ts), each side
// of a ratio gets tau^2 / (effective rounds behind its median), and the log interval is widened:
//   half-width' = sqrt(half-width^2 + z^2 (tau_b^2 / R_b + tau_c^2 / R_c))     (each side of it)
// An entry whose own rounds disagree more than the table's typical entry (sub-millisecond parts do:
// scheduling and timer effects weigh more there) uses its own, larger estimate: the pooled value is
// a floor, never a cap. A table whose entries have one round each has no estimate; its side adds
// nothing and the report says so. The suite geometric mean is widened by the mean of the entries'
// drift variances: drift is shared by the entries measured at the same time, so it does not average out over the suite.
import type { Lut, LutEntry } from '../lut/schema.js';
import { normalSf } from '../stats/normal.js';
import {
  effectiveRounds,
  groupByRound,
  pooledRoundVariance,
  roundEstimate,
  roundEstimates,
  type RoundEstimate,
} from '../stats/rounds.js';
import type { EntryComparison, RoundNoise } from './types.js';

const Z95 = 1.959963984540054;

export function tableRoundNoise(lut: Lut): RoundNoise | null {
  const ok = lut.entries.filter((e) => e.state === 'ok');
  const pooled = pooledRoundVariance(ok.map((e) => roundEstimates(e.samples, e.sampleRounds)));
  return pooled ? { tau: pooled.tau, df: pooled.df, entries: pooled.entries } : null;
}

/** Variance of the log median of this entry due to between-round drift (0 when unknown). */
export function driftVariance(entry: LutEntry, noise: RoundNoise | null): number {
  if (!noise) return 0;
  const groups = groupByRound(entry.samples, entry.sampleRounds);
  const estimates = groups.map(roundEstimate).filter((r): r is RoundEstimate => r !== null);
  const tau2 = Math.max(noise.tau * noise.tau, pooledRoundVariance([estimates])?.tau2 ?? 0);
  const rounds = effectiveRounds(groups.map((g) => g.length));
  return rounds > 0 ? tau2 / rounds : 0;
}

/** The interval around `value`, each side widened in log space by `logVar` (a variance). */
export function widenInterval(value: number, ci: [number, number], logVar: number): [number, number] {
  if (logVar <= 0) return ci;
  const centre = Math.log(value);
  const extra = Z95 * Z95 * logVar;
  const below = Math.sqrt((centre - Math.log(ci[0])) ** 2 + extra);
  const above = Math.sqrt((Math.log(ci[1]) - centre) ** 2 + extra);
  return [Math.exp(centre - below), Math.exp(centre + above)];
}

/**
 * One-sided normal tests of log(ratio) against 0 with the standard error read off the widened 95%
 * interval (its lower half for "slower", its upper half for "faster"), so drift counts in them.
 */
export function driftAwareTest(ratio: number, ci: [number, number]): NonNullable<EntryComparison['driftTest']> {
  const centre = Math.log(ratio);
  const seBelow = (centre - Math.log(ci[0])) / Z95;
  const seAbove = (Math.log(ci[1]) - centre) / Z95;
  const p = (z: number) => (Number.isFinite(z) ? normalSf(z) : z > 0 ? 0 : 1);
  return {
    pSlower: seBelow > 0 ? p(centre / seBelow) : centre > 0 ? 0 : 1,
    pFaster: seAbove > 0 ? p(-centre / seAbove) : centre < 0 ? 0 : 1,
    qSlower: null,
    qFaster: null,
  };
}
