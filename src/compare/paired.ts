// The verdict of `bench compare`: a baseline side and a current side measured in one session, round
// by round, the two visits of an entry back to back (src/measure/interleave.ts). Whatever the machine
// does between rounds (clock, neighbours, heat) hits both visits of a round alike, so the unit of
// evidence is the round's pair: d_r = log(current round median / baseline round median). Drift
// common to both sides cancels in d_r; what is left (noise within each visit, drift between the two
// visits of one round) shows in the spread of the d_r, so the interval needs no model of the drift:
//   ratio    exp(mean d_r)                     (geometric mean of the paired round ratios)
//   interval exp(mean d_r ± t(0.975, R-1) · sd(d_r) / sqrt(R))   (Student t over R paired rounds)
//   test     one-sided paired t test of mean d_r against 0, each way; Benjamini-Hochberg across
//            the compared entries, per direction
//   rule     as two tables: regressed when q(slower) <= alpha and the interval lies above
//            1 + threshold; improved the mirror; unchanged inside the band; else inconclusive.
// Round medians make each d_r robust to single slow samples; a round hit by a hiccup on one side
// only widens the interval (it cannot make a verdict). `throttled` and `cpu-fallback` on either side
// still make a verdict inconclusive: they are biases of unknown size that need not hit both sides.
// Pure: no file access.
import type { Lut, LutEntry } from '../lut/schema.js';
import { benjaminiHochbergBothWays } from '../stats/multiple.js';
import { medianSorted, sortedCopy } from '../stats/quantile.js';
import { studentTQuantile, studentTSf } from '../stats/student-t.js';
import { findMismatches, tableInfo } from './compatibility.js';
import { RegressionInputError } from './errors.js';
import { formatInterval, formatP, formatPercent } from './format.js';
import { resolveOptions } from './options.js';
import { regressionExitCode } from './quality.js';
import { emptyRow, failedSide, oneSided, sideSummary } from './rows.js';
import type { EntryComparison, PairedEntryStats, RegressionOptions, RegressionResult, Verdict } from './types.js';

export const pairedDefaults = {
  /**
   * Smallest change that counts. Lower than two tables' 5%: pairing cancels the drift that forces
   * that margin, so a 5% change of one entry can be found (README: verdict quality).
   */
  threshold: 0.02,
  /** A t-interval over fewer pairs is too wide to decide anything (t(0.975, 1) = 12.7). */
  minRounds: 3,
} as const;

/** Flags whose bias need not hit both sides of a pair alike: a verdict on them is inconclusive. */
const BIASING_FLAGS = ['throttled', 'cpu-fallback'] as const;

/**
 * The key two sides share for one entry: the catalogue item and shape, not the precision (two sides
 * may differ by precision, and their entry ids then differ in it).
 */
export function pairKey(e: Pick<LutEntry, 'key'>): string {
  const k = e.key;
  return [k.kind, k.stage ?? '', k.variant ?? '', k.arch ?? '', `l${k.latent}`, `w${k.width}`].join('/');
}

/** Samples grouped by their round number (rounds without a label are round 0). */
export function roundsOf(entry: Pick<LutEntry, 'samples' | 'sampleRounds'>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  entry.samples.forEach((x, i) => {
    const r = entry.sampleRounds?.[i] ?? 0;
    const g = out.get(r);
    if (g) g.push(x);
    else out.set(r, [x]);
  });
  return out;
}

/** log(current / baseline) of the round medians, for the rounds both sides measured, in round order. */
export function pairedLogRatios(base: LutEntry, cur: LutEntry): number[] {
  const b = roundsOf(base);
  const c = roundsOf(cur);
  const rounds = [...b.keys()].filter((r) => c.has(r)).sort((x, y) => x - y);
  const out: number[] = [];
  for (const r of rounds) {
    const mb = medianSorted(sortedCopy(b.get(r)!));
    const mc = medianSorted(sortedCopy(c.get(r)!));
    if (mb > 0 && mc > 0) out.push(Math.log(mc / mb));
  }
  return out;
}

export interface PairedTest {
  stats: PairedEntryStats;
  ratio: number;
  ci95: [number, number];
  pSlower: number;
  pFaster: number;
  pTwoSided: number;
}

/** The t-interval and one-sided t tests of the mean of the paired log ratios (R >= 2). */
export function pairedTest(logRatios: readonly number[]): PairedTest {
  const r = logRatios.length;
  if (r < 2) throw new Error(`a paired test needs two rounds or more (got ${r})`);
  const mean = logRatios.reduce((a, x) => a + x, 0) / r;
  const spread = Math.sqrt(logRatios.reduce((a, x) => a + (x - mean) ** 2, 0) / (r - 1));
  // Identical ratios leave only rounding in the spread: call it none.
  const sd = spread <= 1e-12 * Math.max(1, Math.abs(mean)) ? 0 : spread;
  const df = r - 1;
  const se = sd / Math.sqrt(r);
  // Every pair agreeing exactly (a quantised timer) leaves no spread: the mean is then exact.
  const t = se > 0 ? mean / se : mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
  const half = se > 0 ? studentTQuantile(0.975, df) * se : 0;
  const pSlower = studentTSf(t, df);
  const pFaster = studentTSf(-t, df);
  return {
    stats: { rounds: r, logRatios: [...logRatios], sd, df, t: Number.isFinite(t) ? t : null },
    ratio: Math.exp(mean),
    ci95: [Math.exp(mean - half), Math.exp(mean + half)],
    pSlower,
    pFaster,
    pTwoSided: Math.min(1, 2 * Math.min(pSlower, pFaster)),
  };
}

export interface PairedVerdictInput {
  ratio: number;
  ci95: [number, number];
  qSlower: number;
  qFaster: number;
  rounds: number;
  threshold: number;
  alpha: number;
}

const MORE_ROUNDS = 'more rounds (--rounds N) narrow it';

export function decidePairedVerdict(v: PairedVerdictInput): { verdict: Verdict; reasons: string[] } {
  const [lo, hi] = v.ci95;
  const upper = 1 + v.threshold;
  const lower = 1 - v.threshold;
  const band = `±${formatPercent(v.threshold)}`;
  const interval = formatInterval(v.ci95);
  if (lo > upper && v.qSlower <= v.alpha) return { verdict: 'regressed', reasons: [] };
  if (hi < lower && v.qFaster <= v.alpha) return { verdict: 'improved', reasons: [] };
  if (lo >= lower && hi <= upper) return { verdict: 'unchanged', reasons: [] };
  if (lo > upper || hi < lower) {
    const q = lo > upper ? v.qSlower : v.qFaster;
    return {
      verdict: 'inconclusive',
      reasons: [
        `the interval ${interval} is outside the ${band} band but the paired t test is not significant across the ` +
          `compared entries (q = ${formatP(q)}); ${MORE_ROUNDS}`,
      ],
    };
  }
  if (hi / lo > upper / lower) {
    return {
      verdict: 'inconclusive',
      reasons: [
        `the ${v.rounds} paired rounds disagree: the 95% interval ${interval} is wider than the ${band} band; ` +
          `${MORE_ROUNDS}, or measure on a quieter device`,
      ],
    };
  }
  return {
    verdict: 'inconclusive',
    reasons: [
      `the change is close to the threshold: the 95% interval ${interval} crosses the edge of the ${band} band; ` +
        MORE_ROUNDS,
    ],
  };
}

/** Why an entry has no paired test (a failed side, too few rounds on both sides), or undefined. */
function untestable(base: LutEntry, cur: LutEntry, rounds: number): string | undefined {
  const failed = failedSide(base, cur);
  if (failed) return `${failed.state} on the ${failed.name} side${failed.why}; fix it and run the comparison again`;
  if (rounds < pairedDefaults.minRounds) {
    return (
      `only ${rounds} ${rounds === 1 ? 'round was' : 'rounds were'} measured on both sides: ` +
      `a paired interval needs at ` +
      `least ${pairedDefaults.minRounds} (--rounds N)`
    );
  }
  return undefined;
}

interface Tested {
  row: EntryComparison;
  logRatios: number[];
}

function measurePair(base: LutEntry, cur: LutEntry, seed: number): Tested {
  const row = emptyRow(base, cur, seed, { baseline: sideSummary(base, null), current: sideSummary(cur, null) });
  const logRatios = pairedLogRatios(base, cur);
  const why = untestable(base, cur, logRatios.length);
  if (why) {
    row.reasons.push(why);
    if (logRatios.length > 0) row.paired = { rounds: logRatios.length, logRatios, sd: null, df: 0, t: null };
    return { row, logRatios: [] };
  }
  const test = pairedTest(logRatios);
  Object.assign(row, {
    ratio: test.ratio,
    ci95: test.ci95,
    ci95Sampling: test.ci95,
    pSlower: test.pSlower,
    pFaster: test.pFaster,
    pTwoSided: test.pTwoSided,
    paired: test.stats,
  });
  return { row, logRatios };
}

function decide(row: EntryComparison, threshold: number, alpha: number): void {
  const outcome = decidePairedVerdict({
    ratio: row.ratio!,
    ci95: row.ci95!,
    qSlower: row.qSlower!,
    qFaster: row.qFaster!,
    rounds: row.paired!.rounds,
    threshold,
    alpha,
  });
  row.statisticalVerdict = outcome.verdict;
  row.verdict = outcome.verdict;
  row.reasons.push(...outcome.reasons);
  const biased = (['baseline', 'current'] as const).flatMap((name) =>
    BIASING_FLAGS.filter((f) => row[name].flags.includes(f)).map((f) => `${name} flagged ${f}`),
  );
  if (biased.length > 0) {
    row.verdict = 'inconclusive';
    row.reasons.push(
      `${biased.join(', ')}: a bias of unknown size that need not hit both sides alike; the numbers alone say ` +
        `${outcome.verdict}`,
    );
  }
}

/**
 * Suite geometric mean of the entries' paired ratios. Its interval comes from the rounds, not the
 * entries: round r of every entry was measured in the same sweep, so the suite's log ratio of round r
 * (the mean over entries) is one paired observation, and the t-interval over rounds keeps whatever the
 * entries of one sweep share.
 */
function suiteGeomean(
  tested: Tested[],
  bases: Map<string, LutEntry>,
  curs: Map<string, LutEntry>,
): RegressionResult['geomean'] {
  if (tested.length === 0) return null;
  const value = Math.exp(tested.reduce((a, t) => a + Math.log(t.row.ratio!), 0) / tested.length);
  const perRound = new Map<number, number[]>();
  for (const t of tested) {
    const b = roundsOf(bases.get(t.row.id)!);
    const c = roundsOf(curs.get(t.row.id)!);
    for (const [r, samples] of b) {
      const other = c.get(r);
      if (!other) continue;
      const d = Math.log(medianSorted(sortedCopy(other)) / medianSorted(sortedCopy(samples)));
      if (!Number.isFinite(d)) continue;
      const list = perRound.get(r) ?? [];
      list.push(d);
      perRound.set(r, list);
    }
  }
  const means = [...perRound.values()].map((ds) => ds.reduce((a, x) => a + x, 0) / ds.length);
  if (means.length < 2) return { value, ci95: [value, value], ci95Sampling: [value, value], entries: tested.length };
  const m = means.reduce((a, x) => a + x, 0) / means.length;
  const sd = Math.sqrt(means.reduce((a, x) => a + (x - m) ** 2, 0) / (means.length - 1));
  const half = (studentTQuantile(0.975, means.length - 1) * sd) / Math.sqrt(means.length);
  const ci95: [number, number] = [value * Math.exp(-half), value * Math.exp(half)];
  return { value, ci95, ci95Sampling: ci95, entries: tested.length };
}

/**
 * `bench compare`'s verdict from the two sides' tables, measured interleaved in one session. Entries
 * are paired by catalogue item and shape (pairKey), rounds by their round number.
 */
export function comparePaired(baseline: Lut, current: Lut, options: RegressionOptions = {}): RegressionResult {
  const opts = resolveOptions({ ...options, threshold: options.threshold ?? pairedDefaults.threshold });
  const labels: [string, string] = [options.baselineLabel ?? 'baseline', options.currentLabel ?? 'current'];
  const curByKey = new Map(current.entries.map((e) => [pairKey(e), e] as const));
  const baseKeys = new Set(baseline.entries.map(pairKey));
  const pairs = baseline.entries
    .filter((b) => curByKey.has(pairKey(b)))
    .map((b) => [b, curByKey.get(pairKey(b))!] as const);
  if (pairs.length === 0) {
    throw new RegressionInputError(`nothing to compare: no entry of ${labels[1]} has a counterpart in ${labels[0]}`);
  }
  const all = pairs.map(([b, c]) => measurePair(b, c, opts.seed));
  const tested = all.filter((t) => t.row.ratio !== null);
  const q = benjaminiHochbergBothWays(tested.map((t) => ({ pSlower: t.row.pSlower!, pFaster: t.row.pFaster! })));
  tested.forEach((t, i) => {
    Object.assign(t.row, q[i]);
    decide(t.row, opts.threshold, opts.alpha);
  });
  const entries = all.map((t) => t.row);
  const count = (v: Verdict) => entries.filter((e) => e.verdict === v).length;
  const onlyInBaseline = baseline.entries.filter((e) => !curByKey.has(pairKey(e))).map(oneSided);
  const onlyInCurrent = current.entries.filter((e) => !baseKeys.has(pairKey(e))).map(oneSided);
  const counts = {
    compared: entries.length,
    regressed: count('regressed'),
    improved: count('improved'),
    unchanged: count('unchanged'),
    inconclusive: count('inconclusive'),
    onlyInBaseline: onlyInBaseline.length,
    onlyInCurrent: onlyInCurrent.length,
  };
  const bases = new Map(pairs.map(([b]) => [b.id, b] as const));
  const curs = new Map(pairs.map(([b, c]) => [b.id, c] as const));
  return {
    mode: 'paired',
    options: opts,
    baseline: tableInfo(baseline, labels[0]),
    current: tableInfo(current, labels[1]),
    mismatches: findMismatches(baseline, current),
    entries,
    onlyInBaseline,
    onlyInCurrent,
    counts,
    geomean: suiteGeomean(tested, bases, curs),
    exitCode: regressionExitCode(counts),
    notes: [],
  };
}
