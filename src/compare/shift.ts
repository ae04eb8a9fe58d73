// The whole-suite shift of two tables. A machine that drifts (a shared CI runner, a VM whose speed
// wanders over minutes) makes a whole run faster or slower than another: every entry moves together,
// and per-entry intervals, which see only the noise inside each run, call that a change. So the
// report separates two questions:
//   1. the suite: the geometric mean g of the ratios of the entries that moved together (those whose
//      interval holds the median ratio), judged against the machine's run-to-run spread
//      sigma (sd of a whole run's log level). sigma is learnt from baseline history (several tables
//      of one configuration: learnRunSpread) or read from the baseline file (runSpread). Then
//        se^2 = var_sampling(log g) + sigma^2 (1 + 1/K)      K: runs behind the baseline's level
//      with Student t(K - 1) quantiles (a prediction interval for one more run). Without either, the
//      spread is unknown and the report says so; only a shift beyond a stand-in of three times the
//      larger drift between rounds (tau, normal quantiles, two runs) can still be called: on the
//      development machine whole runs were seen within about one tau of each other.
//   2. each entry: its ratio divided by g, with g's sampling error added in log space and a one-sided
//      normal test on that relative log ratio (Benjamini-Hochberg across entries): an entry that moved
//      against the rest of the suite gets its own verdict.
// Separation applies only when the shift is shared: at least MIN_SUITE_ENTRIES entries with a ratio,
// and most of their intervals hold the median ratio. Tables whose entries moved each their own way keep the verdicts
// against the baseline alone, as do tables whose suite shift is real (beyond the spread) or inside the
// band: then every entry's own comparison already says what changed.
import type { Lut } from '../lut/schema.js';
import { normalSf } from '../stats/normal.js';
import { median } from '../stats/quantile.js';
import { benjaminiHochbergBothWays } from '../stats/multiple.js';
import { studentTQuantile, studentTSf } from '../stats/student-t.js';
import { formatChange, formatInterval, formatPercent } from './format.js';
import { downgradeReasons } from './quality.js';
import { driftAwareTest, widenInterval } from './round-noise.js';
import type {
  EntryComparison,
  RegressionOptions,
  RoundNoise,
  RunSpread,
  SuiteShift,
  TableInfo,
  Verdict,
} from './types.js';
import { decideVerdict, type VerdictInput } from './verdict.js';

/** Fewer entries cannot tell a shift of the whole suite from their own changes. */
export const MIN_SUITE_ENTRIES = 5;
/** Without a known spread, a whole run is taken to wander up to this many taus (1 sd)... */
export const STAND_IN_TAUS = 3;
/**
 * ...and at least this much: tau comes from the rounds of one run, which share much of their drift,
 * so it can be near 0 by chance; whole runs on the development VM were seen up to 8% apart.
 */
export const STAND_IN_FLOOR = 0.1;
const Z95 = 1.959963984540054;

const logHalf = (ratio: number, ci: [number, number]) => Math.max(Math.log(ratio / ci[0]), Math.log(ci[1] / ratio));

/** The spread recorded in a baseline table, if any. */
export function recordedSpread(lut: Lut): RunSpread | null {
  const s = lut.runSpread;
  return s ? { sd: s.sd, runs: s.runs, df: s.runs - 1, source: 'baseline-file' } : null;
}

/** The stand-in when no spread is known: three times the larger tau of the two tables. */
export function standInSpread(noise: (RoundNoise | null)[]): RunSpread | null {
  const taus = noise.filter((n): n is RoundNoise => n !== null).map((n) => n.tau);
  if (taus.length === 0) return null;
  return { sd: Math.max(STAND_IN_FLOOR, STAND_IN_TAUS * Math.max(...taus)), runs: null, df: null, source: 'stand-in' };
}

export interface SuiteInput {
  /** Compared entries with a ratio, other than one measurement copied into both tables. */
  rows: EntryComparison[];
  spread: RunSpread | null;
  threshold: number;
  alpha: number;
}

/** Variance a whole run's level adds to a log ratio: sigma^2 (1 + 1/K), K runs behind the baseline. */
function runVariance(spread: RunSpread): number {
  // Runs behind the baseline's level: K for learnt history; the stand-in and a lone table count 1.
  return spread.sd * spread.sd * (1 + 1 / (spread.runs ?? 1));
}

/** The two-sided 95% quantile for a spread learnt with df degrees of freedom (normal when known). */
function quantile95(spread: RunSpread): number {
  return spread.df === null ? Z95 : studentTQuantile(0.975, spread.df);
}

function suiteInterval(logG: number, samplingVar: number, spread: RunSpread | null) {
  if (!spread) return { ci95: null, p: null };
  const se = Math.sqrt(samplingVar + runVariance(spread));
  const df = spread.df;
  const q = quantile95(spread);
  const sf = (z: number) => (df === null ? normalSf(z) : studentTSf(z, df));
  const ci95: [number, number] = [Math.exp(logG - q * se), Math.exp(logG + q * se)];
  return { ci95, p: se > 0 ? { slower: sf(logG / se), faster: sf(-logG / se) } : null };
}

/**
 * The suite's verdict decides for every entry at once, and a machine moves either way: its test is
 * two-sided at alpha (alpha / 2 a side), so a false call of the whole suite stays under alpha / 2.
 */
function suiteVerdict(ci: [number, number] | null, p: SuiteShift['p'], threshold: number, alpha: number): Verdict {
  if (!ci) return 'inconclusive';
  if (ci[0] > 1 + threshold && p && p.slower <= alpha / 2) return 'regressed';
  if (ci[1] < 1 - threshold && p && p.faster <= alpha / 2) return 'improved';
  if (ci[0] >= 1 - threshold && ci[1] <= 1 + threshold) return 'unchanged';
  return 'inconclusive';
}

function describeSpread(s: RunSpread): string {
  const pct = `±${(s.sd * 100).toFixed(1)}%`;
  if (s.source === 'history')
    return `this machine's run-to-run spread is ${pct} (learnt from ${s.runs} baseline tables)`;
  if (s.source === 'baseline-file')
    return `this machine's run-to-run spread is ${pct} (recorded in the baseline, ${s.runs} runs)`;
  return (
    `this machine's run-to-run spread is unknown; use \`bench compare\` or give baseline history ` +
    `(several --baseline tables); a stand-in of ${pct} per run ` +
    `(${STAND_IN_TAUS}× the drift between rounds, at least ` +
    `${STAND_IN_FLOOR * 100}%) lets only a very large shift count`
  );
}

function summary(g: number, verdict: Verdict, separated: boolean, spread: RunSpread | null, shared: string): string {
  const pct = `${(Math.abs(g - 1) * 100).toFixed(1)}%`;
  const move = g >= 1 ? `${pct} slower` : `${pct} faster`;
  if (!separated) return `the whole suite is ${move}; ${shared}, so each entry is judged on its own`;
  const spreadText = spread
    ? describeSpread(spread)
    : "this machine's run-to-run spread is unknown; use `bench compare` or give baseline history " +
      '(several --baseline tables)';
  const meaning: Record<Verdict, string> = {
    regressed: 'beyond what the machine does between runs: a regression of the whole suite',
    improved: 'beyond what the machine does between runs: an improvement of the whole suite',
    unchanged: 'within the threshold',
    inconclusive: 'the machine itself could have done that, so entries are judged against the rest of the suite',
  };
  return `the whole suite is ${move} (${meaning[verdict]}); ${spreadText}`;
}

export function judgeSuiteShift(input: SuiteInput): SuiteShift | null {
  const all = input.rows.filter((r) => r.ratio !== null && r.ci95 !== null && r.ratio > 0);
  if (all.length === 0) return null;
  // The entries that moved together: those whose interval holds the median ratio. A few entries that
  // changed on their own then do not drag the suite's shift towards them.
  const med = median(all.map((r) => r.ratio!));
  const together = all.filter((r) => r.ci95![0] <= med && med <= r.ci95![1]);
  const sharedBy = together.length;
  const separated = all.length >= MIN_SUITE_ENTRIES && 2 * sharedBy > all.length;
  const rows = separated ? together : all;
  const logG = rows.reduce((a, r) => a + Math.log(r.ratio!), 0) / rows.length;
  const g = Math.exp(logG);
  const samplingVar =
    rows.reduce((a, r) => a + (logHalf(r.ratio!, r.ci95Sampling ?? r.ci95!) / Z95) ** 2, 0) / rows.length ** 2;
  const { ci95, p } = suiteInterval(logG, samplingVar, input.spread);
  let verdict = suiteVerdict(ci95, p, input.threshold, input.alpha);
  // Unknown spread: a shift whose sampling interval lies inside the band is no practical change
  // whatever the machine does; anything else cannot be called.
  if (!input.spread) {
    const h = Z95 * Math.sqrt(samplingVar);
    const inside = Math.exp(logG - h) >= 1 - input.threshold && Math.exp(logG + h) <= 1 + input.threshold;
    verdict = inside ? 'unchanged' : 'inconclusive';
  }
  const shared =
    all.length < MIN_SUITE_ENTRIES
      ? `${all.length} ${all.length === 1 ? 'entry is' : 'entries are'} too few ` +
        'to tell a shift of the suite from their own changes'
      : `only ${sharedBy} of ${all.length} entries moved together`;
  return {
    ratio: g,
    sharedBy,
    entries: all.length,
    separated,
    spread: input.spread,
    ci95,
    p,
    verdict,
    summary: summary(g, verdict, separated, input.spread, shared),
  };
}

/** Whether entries are judged against the suite: a shared shift the machine could have made. */
export function judgesRelative(suite: SuiteShift | null | undefined): boolean {
  return suite !== null && suite !== undefined && suite.separated && suite.verdict === 'inconclusive';
}

/**
 * Every tested entry's ratio divided by the suite shift, its test and verdict (row.relative); when the
 * suite's shift could be the machine's own, that relative verdict becomes the entry's verdict.
 */
export function judgeAgainstSuite(rows: EntryComparison[], suite: SuiteShift, threshold: number, alpha: number): void {
  const tested = rows.filter((r) => r.ratio !== null && r.ci95 !== null && r.ratio > 0 && r.minP !== null);
  const gVar =
    tested.reduce((a, r) => a + (logHalf(r.ratio!, r.ci95Sampling ?? r.ci95!) / Z95) ** 2, 0) / tested.length ** 2;
  const rel = tested.map((r) => {
    const ratio = r.ratio! / suite.ratio;
    const below = Math.sqrt(Math.log(r.ratio! / r.ci95![0]) ** 2 + Z95 * Z95 * gVar);
    const above = Math.sqrt(Math.log(r.ci95![1] / r.ratio!) ** 2 + Z95 * Z95 * gVar);
    const ci95: [number, number] = [ratio * Math.exp(-below), ratio * Math.exp(above)];
    const z = Math.log(ratio);
    const pSlower = below > 0 ? normalSf(z / (below / Z95)) : z > 0 ? 0 : 1;
    const pFaster = above > 0 ? normalSf(-z / (above / Z95)) : z < 0 ? 0 : 1;
    return { ratio, ci95, pSlower, pFaster };
  });
  const q = benjaminiHochbergBothWays(rel);
  const replace = judgesRelative(suite);
  tested.forEach((row, i) => {
    const x = rel[i]!;
    const drift = { driftQSlower: q[i]!.qSlower, driftQFaster: q[i]!.qFaster };
    const outcome = rowVerdict(
      row,
      { ratio: x.ratio, ci95: x.ci95, qSlower: 0, qFaster: 0, ...drift },
      threshold,
      alpha,
    );
    const downgrade = downgradeReasons(row.baseline, row.current, outcome.verdict, threshold, x.ci95);
    const verdict = downgrade.length > 0 ? 'inconclusive' : outcome.verdict;
    row.relative = { ...x, ...q[i]!, verdict };
    if (!replace) return;
    const lead =
      `judged against the rest of the suite (the whole suite moved ${formatChange(suite.ratio)}, which this machine ` +
      `could do between runs): ${formatChange(x.ratio)} relative to it, 95% interval ${formatInterval(x.ci95)}`;
    const alone = `against the baseline alone: ${row.verdict}`;
    row.reasons = [lead, ...outcome.reasons, ...downgrade, alone, ...row.reasons];
    row.statisticalVerdict = outcome.verdict;
    row.verdict = verdict;
  });
}

/** The verdict rule for a tested row (its rank test's smallest p and sample sizes) on these numbers. */
function rowVerdict(
  row: EntryComparison,
  test: Pick<VerdictInput, 'ratio' | 'ci95' | 'qSlower' | 'qFaster' | 'driftQSlower' | 'driftQFaster'>,
  threshold: number,
  alpha: number,
) {
  return decideVerdict({
    ...test,
    minP: row.minP!,
    nBaseline: row.baseline.n,
    nCurrent: row.current.n,
    threshold,
    alpha,
  });
}

/**
 * The suite shift of a two-table comparison (rows: the entries compared, one measurement copied into
 * both tables left out), and each entry judged against it when the shift is shared.
 */
export function suiteShift(
  rows: EntryComparison[],
  options: RegressionOptions,
  baseline: Lut,
  info: [TableInfo, TableInfo],
) {
  const spread = options.runSpread ?? recordedSpread(baseline) ?? standInSpread(info.map((t) => t.roundNoise));
  const threshold = options.threshold ?? 0.05;
  const alpha = options.alpha ?? 0.01;
  const suite = judgeSuiteShift({ rows, spread, threshold, alpha });
  if (suite?.separated) judgeAgainstSuite(rows, suite, threshold, alpha);
  if (suite?.separated && spread && (suite.verdict === 'regressed' || suite.verdict === 'improved')) {
    judgeWithRunSpread(rows, spread, threshold, alpha);
  }
  return suite;
}

/** A shared shift beyond the spread fails like a regression; one the machine could have made warns. */
export function suiteExitCode(code: 0 | 1 | 2, suite: SuiteShift | null): 0 | 1 | 2 {
  if (!suite?.separated) return code;
  if (suite.verdict === 'regressed') return 1;
  return suite.verdict === 'inconclusive' && code === 0 ? 2 : code;
}

/**
 * A shift of the whole suite beyond the run-to-run spread is real, so each entry is judged against the
 * baseline itself, but with that spread counted: a run as a whole can still be off by sigma, so each
 * interval is widened by sigma^2 (1 + 1/K) (at the t quantile of a learnt spread) and the drift-aware
 * test recomputed on it; an entry then keeps a regressed or improved verdict only if it clears that.
 */
function judgeWithRunSpread(rows: EntryComparison[], spread: RunSpread, threshold: number, alpha: number): void {
  const tested = rows.filter((r) => r.ratio !== null && r.ci95 !== null && r.ratio > 0 && r.minP !== null);
  const q = quantile95(spread);
  const extra = runVariance(spread) * (q / Z95) ** 2;
  const widened = tested.map((r) => widenInterval(r.ratio!, r.ci95!, extra));
  const tests = tested.map((r, i) => driftAwareTest(r.ratio!, widened[i]!));
  const driftQ = benjaminiHochbergBothWays(tests);
  tested.forEach((row, i) => {
    if (row.verdict !== 'regressed' && row.verdict !== 'improved') return;
    const test = { ratio: row.ratio!, ci95: widened[i]!, qSlower: row.qSlower!, qFaster: row.qFaster! };
    const drift = { driftQSlower: driftQ[i]!.qSlower, driftQFaster: driftQ[i]!.qFaster };
    const outcome = rowVerdict(row, { ...test, ...drift }, threshold, alpha);
    if (outcome.verdict === row.verdict) return;
    row.reasons.unshift(
      `${row.verdict} against the baseline, but with the machine's run-to-run spread counted ` +
        `(±${formatPercent(spread.sd)} a run) ` +
        `the interval is ${formatInterval(widened[i]!)}: ${outcome.verdict}`,
    );
    row.verdict = 'inconclusive';
  });
}
