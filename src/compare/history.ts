// Baseline history: several tables of one configuration measured at different times (`--baseline A
// --baseline B --baseline C`). Between them lies exactly what a drifting machine does between runs, so
// they give the run-to-run spread of a whole table's level that the suite shift is judged against
// (shift.ts), and together they make a better baseline than any one of them.
//   level of table k:  a_k = mean over common entries e of (log median_ke - mean_j log median_je)
//   spread:            sigma^2 = sum_k a_k^2 / (K - 1)      (K - 1 degrees of freedom)
// sigma includes each table's own sampling noise of its level, as the current table's level has it.
// Pure: no file access.
import type { Lut, LutEntry, OkEntry } from '../lut/schema.js';
import { medianSorted, sortedCopy } from '../stats/quantile.js';
import { summarize } from '../stats/summary.js';
import { checkComparable } from './compatibility.js';
import { RegressionInputError } from './errors.js';
import type { RunSpread } from './types.js';

/** Rounds of table k are renumbered from k * ROUND_STRIDE, so the rounds of different runs stay apart. */
const ROUND_STRIDE = 1000;

function okMedians(lut: Lut): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of lut.entries) {
    if (e.state !== 'ok' || e.samples.length === 0) continue;
    const m = medianSorted(sortedCopy(e.samples));
    if (m > 0) out.set(e.id, Math.log(m));
  }
  return out;
}

/** The run-to-run spread of the tables' levels over the entries they all measured; null if none. */
export function learnRunSpread(tables: readonly Lut[]): RunSpread | null {
  if (tables.length < 2) return null;
  const medians = tables.map(okMedians);
  const common = [...medians[0]!.keys()].filter((id) => medians.every((m) => m.has(id)));
  if (common.length === 0) return null;
  const k = tables.length;
  const levels = medians.map((m) => {
    const deviations = common.map((id) => m.get(id)! - medians.reduce((a, mm) => a + mm.get(id)!, 0) / k);
    return deviations.reduce((a, d) => a + d, 0) / common.length;
  });
  const sd = Math.sqrt(levels.reduce((a, x) => a + x * x, 0) / (k - 1));
  return { sd, runs: k, df: k - 1, source: 'history' };
}

function poolEntry(entries: LutEntry[]): LutEntry {
  const ok = entries.filter((e): e is OkEntry => e.state === 'ok' && e.samples.length > 0);
  if (ok.length === 0) return entries[0]!;
  const samples = ok.flatMap((e) => e.samples);
  const sampleRounds = ok.flatMap((e, k) => e.samples.map((_, i) => k * ROUND_STRIDE + (e.sampleRounds?.[i] ?? 0)));
  const flags = [...new Set(ok.flatMap((e) => e.flags))];
  // An ok entry carries the statistics of its samples: those of the pooled ones (outliers are not redone).
  const { outliers: _outliers, ...first } = ok[0]!;
  const rounds = ok.reduce((a, e) => a + e.rounds, 0);
  return { ...first, samples, sampleRounds, rounds, stats: summarize(samples), flags };
}

/**
 * One baseline from the history: each entry's samples of every table (their rounds kept apart), the
 * spread learnt from them recorded in `runSpread`. Tables of another device or runtime are refused.
 */
export function poolHistory(tables: readonly Lut[], labels: readonly string[], learntAt?: string): Lut {
  if (tables.length === 0) throw new RegressionInputError('no baseline table given');
  tables.forEach((t, k) => {
    if (k > 0) checkComparable(tables[0]!, t, false, [labels[0] ?? 'baseline 1', labels[k] ?? `baseline ${k + 1}`]);
  });
  if (tables.length === 1) return tables[0]!;
  const spread = learnRunSpread(tables);
  if (!spread) {
    throw new RegressionInputError(`the baseline tables (${labels.join(', ')}) have no measured entry in common`, {
      hint: 'give several tables of the same configuration as --baseline',
    });
  }
  const byId = new Map<string, LutEntry[]>();
  for (const t of tables) for (const e of t.entries) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
  const newest = [...tables].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]!;
  return {
    ...tables[0]!,
    updatedAt: newest.updatedAt,
    runSpread: { sd: spread.sd, runs: spread.runs!, ...(learntAt ? { learntAt } : {}) },
    entries: [...byId.values()].map(poolEntry),
  };
}
