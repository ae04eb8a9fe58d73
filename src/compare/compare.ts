// Baseline LUT vs current LUT -> one typed result. Entries are matched on their id; for each pair
// measured on both sides: the ratio of medians with a seeded bootstrap interval, widened by both
// tables' between-round noise (round-noise.ts), and the Mann-Whitney p-values; then
// Benjamini-Hochberg across the pairs, the verdict rule (verdict.ts), and downgrades for failed
// entries and untrustworthy measurements. Pure: no file access.
import type { Lut, LutEntry } from '../lut/schema.js';
import { bootstrapLogRatios, geomeanFromReplicates, percentileInterval } from '../stats/bootstrap.js';
import { mannWhitney } from '../stats/mann-whitney.js';
import { benjaminiHochbergBothWays } from '../stats/multiple.js';
import { seedFor } from '../stats/rng.js';
import { groupByRound } from '../stats/rounds.js';
import { TREND_ROUND_SAMPLES, trendTest } from '../stats/trend.js';
import { checkComparable, tableInfo } from './compatibility.js';
import { RegressionInputError } from './errors.js';
import { resolveOptions } from './options.js';
import { formatInterval, formatPercent } from './format.js';
import { downgradeReasons, regressionExitCode } from './quality.js';
import { driftAwareTest, driftVariance, widenInterval } from './round-noise.js';
import { suiteExitCode, suiteShift } from './shift.js';
import type { EntryComparison, RegressionOptions, RegressionResult, SideSummary, TableInfo, Verdict } from './types.js';
import { emptyRow, failedSide, oneSided, sideSummary } from './rows.js';
import { decideVerdict } from './verdict.js';

interface Pending {
  row: EntryComparison;
  /** Variance of the log ratio from between-round drift, both sides. */
  drift: number;
  /** Bootstrap log-ratio replicates, kept for the suite geometric mean. */
  replicates: Float64Array | null;
  /** The verdict is already known (the same measurement in both tables): no test, no downgrade. */
  settled?: boolean;
}

const MODEL_CHANGED = 'the model differs between the tables (sha256): the graph itself changed';
const SAME_MEASUREMENT =
  'the same measurement in both tables (identical samples, round by round): nothing changed, ' +
  'so neither drift nor a quality flag can make the two sides differ';

export function compareLuts(baseline: Lut, current: Lut, options: RegressionOptions = {}): RegressionResult {
  const opts = resolveOptions(options);
  const labels: [string, string] = [options.baselineLabel ?? 'baseline', options.currentLabel ?? 'current'];
  const mismatches = checkComparable(baseline, current, opts.allowMismatch, labels);
  checkSamples(baseline, labels[0]);
  checkSamples(current, labels[1]);

  const baselineInfo = tableInfo(baseline, labels[0]);
  const currentInfo = tableInfo(current, labels[1]);
  const pending = measurePairs(baseline, current, opts, [baselineInfo, currentInfo]);
  if (pending.length === 0) throw nothingInCommon(baseline, current, labels);
  adjustForMultipleTests(pending);
  for (const { row, settled } of pending) if (!settled) decide(row, opts.threshold, opts.alpha);
  const judged = pending.filter((p) => !p.settled).map((p) => p.row);
  const suite = suiteShift(judged, { ...options, ...opts }, baseline, [baselineInfo, currentInfo]);

  const entries = pending.map((p) => p.row);
  const currentIds = new Set(current.entries.map((e) => e.id));
  const baselineIds = new Set(baseline.entries.map((e) => e.id));
  const onlyInBaseline = baseline.entries.filter((e) => !currentIds.has(e.id)).map(oneSided);
  const onlyInCurrent = current.entries.filter((e) => !baselineIds.has(e.id)).map(oneSided);
  const counts = countVerdicts(entries, onlyInBaseline.length, onlyInCurrent.length);
  return {
    mode: 'two-table',
    options: opts,
    baseline: baselineInfo,
    current: currentInfo,
    mismatches,
    entries,
    onlyInBaseline,
    onlyInCurrent,
    counts,
    geomean: suiteGeomean(pending),
    exitCode: suiteExitCode(regressionExitCode(counts), suite),
    notes: roundNoiseNotes([baselineInfo, currentInfo]),
    suite,
  };
}

/** Every baseline entry the current table also holds, measured against it in baseline order. */
function measurePairs(
  baseline: Lut,
  current: Lut,
  opts: { seed: number; resamples: number },
  infos: [TableInfo, TableInfo],
): Pending[] {
  const currentById = new Map(current.entries.map((e) => [e.id, e] as const));
  const pending: Pending[] = [];
  for (const base of baseline.entries) {
    const cur = currentById.get(base.id);
    if (!cur) continue;
    const drift = driftVariance(base, infos[0].roundNoise) + driftVariance(cur, infos[1].roundNoise);
    pending.push(measurePair(base, cur, opts.seed, opts.resamples, drift));
  }
  return pending;
}

/** Benjamini-Hochberg over the pairs that were tested, separately for each direction and each test. */
function adjustForMultipleTests(pending: Pending[]): void {
  const tested = pending.filter((p) => p.row.pSlower !== null);
  const q = benjaminiHochbergBothWays(tested.map((p) => ({ pSlower: p.row.pSlower!, pFaster: p.row.pFaster! })));
  tested.forEach((p, i) => Object.assign(p.row, q[i]));
  const driftTests = pending.flatMap((p) => (p.row.driftTest !== null ? [p.row.driftTest] : []));
  const driftQ = benjaminiHochbergBothWays(driftTests);
  driftTests.forEach((t, i) => Object.assign(t, driftQ[i]));
}

/** The geometric mean ratio over the pairs with a ratio, its interval widened by their mean drift. */
function suiteGeomean(pending: Pending[]): RegressionResult['geomean'] {
  const withRatio = pending.filter((p) => p.replicates !== null);
  if (withRatio.length === 0) return null;
  const g = geomeanFromReplicates(
    withRatio.map((p) => p.row.ratio!),
    withRatio.map((p) => p.replicates!),
  );
  const drift = withRatio.reduce((a, p) => a + p.drift, 0) / withRatio.length;
  const ci95 = widenInterval(g.geomean, g.ci95, drift);
  return { value: g.geomean, ci95, ci95Sampling: g.ci95, entries: withRatio.length };
}

function countVerdicts(
  entries: EntryComparison[],
  onlyInBaseline: number,
  onlyInCurrent: number,
): RegressionResult['counts'] {
  const count = (v: Verdict) => entries.filter((e) => e.verdict === v).length;
  return {
    compared: entries.length,
    regressed: count('regressed'),
    improved: count('improved'),
    unchanged: count('unchanged'),
    inconclusive: count('inconclusive'),
    onlyInBaseline,
    onlyInCurrent,
  };
}

function roundNoiseNotes(infos: TableInfo[]): string[] {
  return infos
    .filter((info) => info.roundNoise === null)
    .map(
      (info) =>
        `${info.label}: no entry has two rounds, so the drift between rounds is unknown and its intervals ` +
        'assume none (measure with --rounds 2 or more)',
    );
}

/**
 * Tables without a single entry in common (another latent size or width, an empty table) say nothing
 * about a regression: that is bad input, not a pass.
 */
function nothingInCommon(baseline: Lut, current: Lut, labels: [string, string]): RegressionInputError {
  const configs = (lut: Lut) => {
    const config = (e: LutEntry) => `latent ${e.key.latent}, width ${e.key.width}, ${e.key.precision}`;
    const seen = [...new Set(lut.entries.map(config))];
    return seen.length === 0 ? 'no entries' : `${lut.entries.length} entries at ${seen.join('; ')}`;
  };
  return new RegressionInputError(
    `nothing to compare: no entry of ${labels[1]} (${configs(current)}) is in ${labels[0]} (${configs(baseline)})`,
    { hint: 'compare tables measured at the same latent, width and precision' },
  );
}

function checkSamples(lut: Lut, label: string): void {
  lut.entries.forEach((e, i) => {
    if (e.state === 'ok' && e.samples.length === 0) {
      throw new RegressionInputError(`${label}: entries[${i}] (${e.id}) is ok but has no samples`);
    }
  });
}

function side(entry: LutEntry): SideSummary {
  return sideSummary(entry, entry.flags.includes('trend') ? trendRise(entry) : null);
}

/** The largest fitted rise among the entry's rounds that the trend test flags (as the LUT did). */
function trendRise(entry: LutEntry): number | null {
  const rises = groupByRound(entry.samples, entry.sampleRounds)
    .filter((r) => r.length >= TREND_ROUND_SAMPLES)
    .map((r) => trendTest(r))
    .filter((t) => t.rising)
    .map((t) => t.relativeRise);
  return rises.length > 0 ? Math.max(...rises) : null;
}

function measurePair(base: LutEntry, cur: LutEntry, runSeed: number, resamples: number, drift: number): Pending {
  const seed = seedFor(runSeed, base.id);
  const row = emptyRow(base, cur, seed, { baseline: side(base), current: side(cur) });
  const untestable = untestableReason(base, cur);
  if (untestable) {
    row.reasons.push(untestable);
    return { row, drift: 0, replicates: null };
  }
  if (sameMeasurement(base, cur)) {
    // One measurement copied into both tables (a table compared with itself, or entries a narrower
    // run kept): its ratio is exactly 1. Bootstrapping the two copies as independent samples, and
    // widening by two independent drifts, would invent uncertainty that is not there.
    row.ratio = 1;
    row.ci95 = [1, 1];
    row.ci95Sampling = [1, 1];
    row.roundNoise = 0;
    row.verdict = 'unchanged';
    row.statisticalVerdict = 'unchanged';
    row.reasons.push(SAME_MEASUREMENT);
    if (row.modelChanged) row.reasons.push(MODEL_CHANGED);
    return { row, drift: 0, replicates: new Float64Array(resamples), settled: true };
  }
  row.ratio = row.current.median! / row.baseline.median!;
  const replicates = bootstrapLogRatios(base.samples, cur.samples, { seed, resamples });
  row.ci95Sampling = percentileInterval(replicates, 0.95);
  row.ci95 = widenInterval(row.ratio, row.ci95Sampling, drift);
  row.roundNoise = Math.sqrt(drift);
  row.driftTest = driftAwareTest(row.ratio, row.ci95);
  const slower = mannWhitney(cur.samples, base.samples, 'greater');
  row.u = slower.u;
  row.pSlower = slower.p;
  row.minP = slower.minP;
  row.pFaster = mannWhitney(cur.samples, base.samples, 'less').p;
  row.pTwoSided = mannWhitney(cur.samples, base.samples, 'two-sided').p;
  return { row, drift, replicates };
}

/** Identical samples in the same order from the same rounds: one measurement, not two. */
export function sameMeasurement(base: LutEntry, cur: LutEntry): boolean {
  if (base.samples.length !== cur.samples.length) return false;
  if (!base.samples.every((x, i) => x === cur.samples[i])) return false;
  const [rb, rc] = [base.sampleRounds, cur.sampleRounds];
  if (rb === undefined || rc === undefined) return rb === rc;
  return rb.length === rc.length && rb.every((r, i) => r === rc[i]);
}

function untestableReason(base: LutEntry, cur: LutEntry): string | undefined {
  const failed = failedSide(base, cur);
  if (failed) return `${failed.state} in the ${failed.name} table${failed.why}; fix it and re-run that entry`;
  for (const [name, e] of [
    ['baseline', base],
    ['current', cur],
  ] as const) {
    if (e.samples.some((x) => !(x > 0))) {
      return `samples of 0 ms or less in the ${name} table: the timer is too coarse for this entry`;
    }
  }
  return undefined;
}

/** Why the between-round noise changed the verdict, and what narrows it. */
function roundNoiseReason(row: EntryComparison, withinRounds: Verdict): string {
  return (
    `the rounds of the tables disagree by more than their samples do (drift ` +
    `between rounds: ±${formatPercent(Math.exp(row.roundNoise!) - 1)} ` +
    `on this ratio, 1 sd); the samples alone, ` +
    `interval ${formatInterval(row.ci95Sampling)}, would say ${withinRounds}; ` +
    `more rounds per entry (--rounds N) average the drift out`
  );
}

function decide(row: EntryComparison, threshold: number, alpha: number): void {
  if (row.ratio !== null && row.ci95 !== null && row.ci95Sampling !== null) {
    const input = {
      ratio: row.ratio,
      qSlower: row.qSlower!,
      qFaster: row.qFaster!,
      minP: row.minP!,
      nBaseline: row.baseline.n,
      nCurrent: row.current.n,
      threshold,
      alpha,
    };
    const drift = row.driftTest ? { driftQSlower: row.driftTest.qSlower!, driftQFaster: row.driftTest.qFaster! } : {};
    const outcome = decideVerdict({ ...input, ...drift, ci95: row.ci95 });
    row.statisticalVerdict = outcome.verdict;
    row.verdict = outcome.verdict;
    row.reasons.push(...outcome.reasons);
    const withinRounds = decideVerdict({ ...input, ci95: row.ci95Sampling });
    if (withinRounds.verdict !== outcome.verdict) row.reasons.push(roundNoiseReason(row, withinRounds.verdict));
    const downgrade = downgradeReasons(row.baseline, row.current, outcome.verdict, threshold, row.ci95);
    if (downgrade.length > 0) {
      row.verdict = 'inconclusive';
      row.reasons.push(...downgrade);
    }
  }
  if (row.modelChanged) row.reasons.push(MODEL_CHANGED);
}
